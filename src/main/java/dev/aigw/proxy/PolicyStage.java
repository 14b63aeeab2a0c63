package dev.aigw.proxy;

import dev.aigw.policy.PolicyEngine;
import dev.aigw.policy.PolicyOutcome;
import dev.aigw.policy.Rejections;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.proxy.stage.RequestScope;
import dev.aigw.proxy.stage.RequestStage;
import dev.aigw.proxy.stage.Verdict;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route's AI request policy as a request-scope stage: guards (regex, webhook, moderation),
 * defaults and enrichment. A rejection answers in the client's format and never reaches a
 * provider; defaults and enrichment rewrite the body in place.
 */
final class PolicyStage implements RequestStage {
    private static final Logger log = LoggerFactory.getLogger(PolicyStage.class);

    private final PolicyEngine engine;

    PolicyStage(PolicyEngine engine) {
        this.engine = engine;
    }

    @Override
    public Future<Verdict> apply(RequestScope scope) {
        var policy = scope.rule().policy();
        if (policy.isEmpty() || scope.requestBody() == null || scope.clientSchema().isEmpty()) return Future.succeededFuture(Verdict.proceed());
        var texts = scope.requestBody().promptTexts();
        if (texts.isPresent() && PolicyEngine.decidesOnTexts(policy.get())) {
            // A regex guard that only rejects reads the texts the scan found: no tree for it (it
            // rewrites nothing, so a Backend that rewrites per provider changes nothing here).
            var reject = PolicyEngine.textRejection(policy.get(), texts.get());
            if (reject.isEmpty()) return Future.succeededFuture(Verdict.proceed());
            log.info("request {} rejected by policy: {}", scope.requestId(), reject.get().reason());
            return Future.succeededFuture(Verdict.answer(rejected(scope, reject.get())));
        }
        // A Backend whose providers have AI policies of their own rewrites the body per attempt (Attempts).
        boolean rewrite = !scope.backend().transformsPerProvider();
        return engine.applyRequest(policy.get(), scope.clientSchema().get(), scope.body(), scope.headers(), rewrite)
                .transform(ar -> {
                    if (ar.failed()) {
                        return Future.succeededFuture(Verdict.answer(new GatewayError.Internal("the route's AI policy failed: "
                                + ar.cause().getMessage())));
                    }
                    if (ar.result() instanceof PolicyOutcome.Reject r) {
                        log.info("request {} rejected by policy: {}", scope.requestId(), r.reason());
                        return Future.succeededFuture(Verdict.answer(rejected(scope, r)));
                    }
                    return Future.succeededFuture(Verdict.proceed());
                });
    }

    private static GatewayError rejected(RequestScope scope, PolicyOutcome.Reject r) {
        return new GatewayError.Rejected(r.status(), r.message(), Rejections.body(scope.clientSchema().get(), r));
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.governance.GovernanceErrors;
import dev.aigw.governance.RequestView;
import dev.aigw.governance.RuleGate;
import dev.aigw.provider.Credential;
import dev.aigw.provider.Provider;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.Destination;
import dev.aigw.translate.Schema;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The request-scope governance stage: runs a rule's {@link RuleGate} (authentication,
 * authorization, rate limits and budgets) before the exchange, and either answers the refusal in
 * the client's API format or lets the exchange go on with the caller known, the validated
 * credential removed (unless the backend forwards the client's credential), the
 * {@code x-ratelimit-*} headers set, and an observer that charges what the response used.
 */
final class GovernedRequest {
    private static final Logger log = LoggerFactory.getLogger(GovernedRequest.class);

    private GovernedRequest() {
    }

    /**
     * @param parsed the AI body (null for a Static route or a body-less request); its model is CEL's {@code llm.requestModel}
     * @param then   continues the exchange with the observer to use
     */
    static void run(ProxyServices services, Exchange ex, Destination dest, RuleGate gate, ObjectNode parsed,
                    Schema schema, Consumer<Exchange> then) {
        HttpServerRequest req = ex.req();
        Context ctx = services.vertx().getOrCreateContext();
        String model = parsed != null && parsed.path("model").isTextual() ? parsed.get("model").asText() : null;
        boolean streaming = parsed != null && parsed.path("stream").asBoolean(false);
        RequestView view = new RequestView(req.method().name(), req.path(), req.authority() == null ? "" : req.authority().host(),
                req.scheme(), req::getHeader, req.headers().names(),
                req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), model, streaming);
        // A body not read yet (Static routes) waits; an ended request is not paused (that would hold its connection).
        boolean hold = !req.isEnded();
        if (hold) req.pause();
        gate.enter(view).onComplete(ar -> ctx.runOnContext(v -> {
            try {
                decided(services, ex, dest, schema, req, hold, ar, then);
            } catch (RuntimeException e) {
                // Thrown in a callback: the client still gets an answer, never a hang.
                log.error("request {}: failed after governance", ex.requestId(), e);
                ex.out().fail(new GatewayError.Internal("the gateway failed to handle this request: " + e.getClass().getSimpleName()));
            }
        }));
    }

    private static void decided(ProxyServices services, Exchange ex, Destination dest, Schema schema,
                                HttpServerRequest req, boolean hold, io.vertx.core.AsyncResult<RuleGate.Result> ar,
                                Consumer<Exchange> then) {
        if (hold) req.resume();
        if (!ex.out().open()) return;
        if (ar.failed()) {
            log.error("request {}: governance failed", ex.requestId(), ar.cause());
            refuse(ex, schema, 500, "the gateway could not check this request's limits", Map.of());
            return;
        }
        switch (ar.result()) {
            case RuleGate.Result.Refuse r -> {
                services.governanceRuntime().ledger().admitted(r.caller().principal(), r.caller().team(), true, r.headers());
                if (!r.caller().principal().isEmpty()) ex.obs().caller(r.caller().principal(), r.caller().team());
                log.info("request {} refused {}: {}{}", ex.requestId(), r.status(), r.message(),
                        r.caller().principal().isEmpty() ? "" : " (caller " + r.caller().principal() + ")");
                refuse(ex, schema, r.status(), r.message(), r.headers());
            }
            case RuleGate.Result.Pass p -> {
                p.admission().headers().forEach((k, val) -> ex.out().headers().set(k, val));
                if (!forwardsClientCredential(dest)) {
                    for (String h : p.credentialHeaders()) req.headers().remove(h);
                }
                if (!p.caller().principal().isEmpty()) ex.obs().caller(p.caller().principal(), p.caller().team());
                services.governanceRuntime().ledger().admitted(p.caller().principal(), p.caller().team(), false, p.admission().headers());
                var obs = new MeteredObserver(ex.obs(), services.governanceRuntime().catalog(), p.caller(), p.admission(), p.vars(),
                        services.governanceRuntime().ledger());
                then.accept(new Exchange(req, ex.out(), ex.buffered(), ex.match(), ex.requestId(), ex.query(), ex.startNanos(),
                        obs, ex.closeActions(), ex.endActions()));
            }
        }
    }

    /** Backend {@code passthrough} auth: the client's own credential goes upstream. */
    private static boolean forwardsClientCredential(Destination dest) {
        if (!(dest instanceof Destination.Ai ai)) return false;
        for (var group : ai.groups()) {
            for (Provider p : group) if (p.target().credential() instanceof Credential.Passthrough) return true;
        }
        return false;
    }

    private static void refuse(Exchange ex, Schema schema, int status, String message, Map<String, String> headers) {
        headers.forEach((k, v) -> ex.out().headers().set(k, v));
        ex.out().fail(new dev.aigw.proxy.stage.GatewayError.Rejected(status, message, GovernanceErrors.body(schema, status, message)));
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.provider.Provider;
import dev.aigw.provider.Providers;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.proxy.stage.RequestScope;
import dev.aigw.proxy.stage.RequestStage;
import dev.aigw.proxy.stage.Verdict;
import dev.aigw.route.Destination;
import dev.aigw.translate.Schema;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The stages of one AI exchange, in order: this file is where to read them.
 *
 * <ol>
 *   <li><b>Body</b> ({@link BodyStage}): the body, read whole and bounded by {@link ProxyHandler},
 *       parsed once; bad JSON and unsafe model names are answered here.</li>
 *   <li><b>Request scope</b>, once per client request: the {@code timeouts.request} timer, then the
 *       {@link RequestStage}s of {@link #requestStages} in order: authentication (slot), the
 *       route's request policy ({@link PolicyStage}), rate limits (slot). A stage may answer; then
 *       no provider is called.</li>
 *   <li><b>Attempt loop</b> ({@link Attempts}), once per provider tried: translate, prepare (path,
 *       model, credential, signature), send; the outcome is classified and {@code Failover}
 *       decides: the next provider, the response in hand, or the last failure.</li>
 *   <li><b>Response stages</b> ({@link Responses}): response mode (raw relay, translated stream,
 *       whole body, mock), the response guard and webhook, usage and accounting ({@link
 *       Accounting}), telemetry. Everything goes to the client through its {@link ClientResponse}.</li>
 * </ol>
 * Count tokens and model lists are handlers of their own ({@link CountTokens}, {@link ModelList}),
 * chosen by {@link ProxyHandler} before this pipeline.
 */
final class AiExchange {
    private AiExchange() {
    }

    /**
     * The request-scope stages, in order. Authentication runs first (a refused client costs
     * nothing else), the route's policy next, rate limits last (only requests that will be sent
     * count). The slots are filled through {@link ProxyServices.Stages}.
     */
    static List<RequestStage> requestStages(ProxyServices services) {
        List<RequestStage> stages = new ArrayList<>();
        stages.addAll(services.stages().authentication());
        stages.add(new PolicyStage(services.policies()));
        stages.addAll(services.stages().limits());
        return stages;
    }

    /** {@code parsed}: the body already parsed (model routing reads it before matching), else null. */
    static void start(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat format, Buffer raw,
                      ObjectNode parsed) {
        AiCall call = new AiCall(services, ex, ai, format);
        call.guard(v -> run(call, raw, parsed)).handle(null);
    }

    private static void run(AiCall call, Buffer raw, ObjectNode parsed) {
        // 1. body. A client in no known API speaks the primary provider's own format; count_tokens
        // is relayed as is. The format is known first: the scan reads the prompt texts of that format.
        Schema schema = call.format instanceof ClientFormat.CountTokens ? null
                : call.format.api().orElse(Providers.schema(call.ai.primary()).orElse(null));
        if (parsed != null) {
            call.body = ClientBody.ofTree(parsed);
        } else if (raw.length() > 0) {
            switch (BodyStage.read(raw, sentAsIsSomewhere(schema, call.ai) ? schema : null)) {
                case BodyStage.Read.Body b -> call.body = b.body();
                case BodyStage.Read.Bad bad -> {
                    call.out.fail(bad.error());
                    return;
                }
            }
        }
        call.clientSchema = schema;
        if (call.clientSchema != null) call.out.schema(call.clientSchema);
        // 2. request scope
        call.ex.onClientGone(() -> {
            call.settled = true;
            if (call.current != null) call.current.cancel();
        });
        overallTimeout(call);
        call.scope = new RequestScope(call.requestId(), call.req().method().name(), call.req().path(),
                call.req()::getHeader, call.ex.query(), call.ex.rule(), call.ai, Optional.ofNullable(call.clientSchema),
                call.body, call.obs);
        runStages(call, requestStages(call.services).iterator());
    }

    /**
     * Whether an attempt may send the client's bytes as they are ({@link Attempts}, {@link
     * ClientBody#sentAsIs}: a format its provider speaks, untranslated): only then does scanning the
     * body instead of parsing it save work. Any other request needs the tree, and a scan first
     * would read the body twice.
     */
    private static boolean sentAsIsSomewhere(Schema schema, Destination.Ai ai) {
        if (schema == null || !BodyScan.reads(schema)) return false;
        for (List<Provider> group : ai.groups()) {
            for (Provider p : group) {
                if (ClientBody.sentAsIs(schema, TranslatorChoice.wire(schema, p), p)) return true;
            }
        }
        return false;
    }

    /** timeouts.request bounds the whole exchange, streamed body included (Gateway API, as Envoy's route timeout). */
    private static void overallTimeout(AiCall call) {
        Optional<Duration> d = call.ex.rule().timeouts().request().filter(t -> !t.isZero());
        if (d.isEmpty()) return;
        long ms = d.get().toMillis();
        long timer = call.vertx().setTimer(ms, id -> call.guard(v -> {
            if (!call.out.writable()) return;
            call.obs.attemptFailed("timeouts.request of " + ms + " ms", 504);
            // Answer first, then cut the upstream: its reset must not be what the client reads.
            call.fail(new GatewayError.Timeout("Backend " + call.ai.name() + " did not answer within " + ms
                    + " ms (timeouts.request)"));
        }).handle(null));
        call.ex.onDone(() -> call.vertx().cancelTimer(timer));
    }

    private static void runStages(AiCall call, Iterator<RequestStage> stages) {
        if (call.settled) return;
        if (!stages.hasNext()) {
            // 3 and 4: the attempt loop, which hands the chosen response to the response stages.
            Attempts.start(call);
            return;
        }
        Future<Verdict> f;
        try {
            f = stages.next().apply(call.scope);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        if (f.isComplete()) {
            // Most stages decide at once (no policy, no webhook): no hop through the event loop.
            next(call, f, stages);
            return;
        }
        Future<Verdict> pending = f;
        f.onComplete(ar -> call.onContext(() -> next(call, pending, stages)));
    }

    private static void next(AiCall call, Future<Verdict> done, Iterator<RequestStage> stages) {
        if (call.settled) return;
        if (done.failed()) {
            call.fail(new GatewayError.Internal("a request stage failed: " + done.cause().getMessage()));
        } else if (done.result() instanceof Verdict.Answer a) {
            call.fail(a.error());
        } else {
            runStages(call, stages);
        }
    }
}

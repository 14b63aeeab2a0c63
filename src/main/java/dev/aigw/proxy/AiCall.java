package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.proxy.stage.RequestScope;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.translate.Schema;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * The state one AI exchange's stages share: the client's request and response writer, the
 * parsed body and its format, the route's policy, the attempt in flight, and whether the
 * exchange is settled (a response chosen or an answer given: no more attempts).
 */
final class AiCall {
    private static final Logger log = LoggerFactory.getLogger(AiCall.class);

    final ProxyServices services;
    final Exchange ex;
    final Destination.Ai ai;
    final ClientFormat format;
    final ClientResponse out;
    final ExchangeObserver obs;
    final Context context;
    final Optional<AiPolicy> policy;
    /** The client's format; null for a body relayed as is (count_tokens to Anthropic). */
    Schema clientSchema;
    /** The client's body (its tree parsed when first asked for), or null for a request without one. */
    ClientBody body;
    RequestScope scope;
    UpstreamCall current;
    /** A response was chosen or an answer given: no more attempts, late callbacks do nothing. */
    boolean settled;
    final BufferBudget.Hold buffered;

    AiCall(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat format) {
        this.services = services;
        this.ex = ex;
        this.ai = ai;
        this.format = format;
        this.out = ex.out();
        this.obs = ex.obs();
        this.context = services.vertx().getOrCreateContext();
        this.policy = ex.rule().policy();
        this.buffered = ex.buffered();
    }

    /** The body's tree (parsed now if nothing needed it before), or null for a request without a body. */
    ObjectNode clientBody() {
        return body == null ? null : body.tree();
    }

    HttpServerRequest req() {
        return ex.req();
    }

    Vertx vertx() {
        return services.vertx();
    }

    String requestId() {
        return ex.requestId();
    }

    /** A response was chosen (or an answer given): no more attempts, no more keep-alives. */
    void settle() {
        settled = true;
        out.stopKeepAlive();
    }

    /** Answers with {@code e} (rendered for the response's state) and stops the attempt in flight. */
    void fail(GatewayError e) {
        settle();
        out.fail(e);
        if (current != null) current.cancel();
    }

    /** Whether the client asked for a stream of server-sent events. */
    boolean wantsStream() {
        if (clientSchema == Schema.BEDROCK_CONVERSE) return false; // its streams are not SSE
        return body != null && body.stream()
                || req().path().endsWith(":streamGenerateContent")
                || "sse".equals(ex.query().getOrDefault("alt", List.of("")).getFirst())
                || policy.map(AiPolicy::forceStreaming).orElse(false);
    }

    /**
     * {@code h} guarded: whatever it throws still answers the client (500, or an error event after
     * the head) and stops the attempt, instead of leaving the client waiting.
     */
    <T> Handler<T> guard(Handler<T> h) {
        return v -> {
            try {
                h.handle(v);
            } catch (RuntimeException e) {
                log.error("request {}: the gateway failed while handling the exchange", requestId(), e);
                fail(new GatewayError.Internal("the gateway failed to handle this request: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
        };
    }

    /** As {@link #guard(Handler)}, on the request's context. */
    void onContext(Runnable r) {
        context.runOnContext(guard(v -> r.run()));
    }
}

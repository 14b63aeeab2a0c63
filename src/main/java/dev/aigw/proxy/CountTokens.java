package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aigw.provider.AnthropicProvider;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.TokenEstimator;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic's {@code /v1/messages/count_tokens}, a handler of its own: counting generates
 * nothing. To an Anthropic backend it is relayed as is (through the pipeline, without policies
 * or usage); for any other provider the prompt is counted with a tokenizer, marked as an estimate.
 */
final class CountTokens {
    private CountTokens() {
    }

    /** Whether this backend gets an estimate rather than the provider's own count. */
    static boolean estimates(Destination.Ai ai) {
        return !(ai.primary() instanceof AnthropicProvider);
    }

    static void answer(ProxyServices services, Exchange ex, Destination.Ai ai, Buffer raw) {
        ClientResponse out = ex.out();
        if (!(BodyStage.parse(raw) instanceof BodyStage.Parsed.Ok ok)) {
            out.fail(new GatewayError.BadRequest("count_tokens needs an Anthropic Messages body (a JSON object)"));
            return;
        }
        var body = ok.body();
        String model = ai.primary().model().orElse(body.path("model").asText(""));
        var context = services.vertx().getOrCreateContext();
        // Tokenizing up to the body limit is CPU work for a worker, not the event loop.
        services.vertx().executeBlocking(() -> TokenEstimator.shared().promptTokens(model, body), false)
                .onComplete(ar -> context.runOnContext(v -> {
                    if (ar.failed()) {
                        out.fail(new GatewayError.Internal("token estimate failed: " + ar.cause().getMessage()));
                        return;
                    }
                    out.headers().set("x-gateway-estimated", "true");
                    out.json(200, JsonNodeFactory.instance.objectNode().put("input_tokens", ar.result()));
                }));
    }
}

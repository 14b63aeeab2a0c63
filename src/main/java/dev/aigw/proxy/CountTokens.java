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
        var formats = ai.rules(ai.primary()).formats();
        // A custom provider counts itself only when it lists AnthropicTokenCount.
        if (!formats.isEmpty()) return formats.stream().noneMatch(f -> f.type().equals("AnthropicTokenCount"));
        return !(ai.primary() instanceof AnthropicProvider);
    }

    static void answer(ProxyServices services, Exchange ex, Destination.Ai ai, Buffer raw) {
        estimate(services, ex, ai, raw, "count_tokens needs an Anthropic Messages body (a JSON object)",
                n -> JsonNodeFactory.instance.objectNode().put("input_tokens", n));
    }

    /**
     * The prompt of {@code raw} counted with the tokenizer on a worker, answered as {@code shape}
     * makes it (Anthropic's count, or the Responses API's {@code input_tokens}) and marked
     * {@code x-gateway-estimated: true}; {@code notABody} when it is not a JSON object.
     */
    static void estimate(ProxyServices services, Exchange ex, Destination.Ai ai, Buffer raw, String notABody,
                         java.util.function.LongFunction<com.fasterxml.jackson.databind.node.ObjectNode> shape) {
        ClientResponse out = ex.out();
        if (!(BodyStage.parse(raw) instanceof BodyStage.Parsed.Ok ok)) {
            out.fail(new GatewayError.BadRequest(notABody));
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
                    out.json(200, shape.apply(ar.result()));
                }));
    }
}

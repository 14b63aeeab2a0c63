package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.TokenEstimator;
import io.vertx.core.buffer.Buffer;

/**
 * {@code POST …/responses/input_tokens} for a Backend whose provider has no such endpoint, a
 * handler of its own: the input counted with the gateway's tokenizer and marked
 * {@code x-gateway-estimated: true}. Nothing is generated: no policy runs, no usage is recorded.
 */
final class InputTokens {
    private InputTokens() {
    }

    static void answer(ProxyServices services, Exchange ex, Destination.Ai ai, Buffer raw) {
        ClientResponse out = ex.out();
        if (!(BodyStage.parse(raw) instanceof BodyStage.Parsed.Ok ok)) {
            out.fail(new GatewayError.BadRequest("input_tokens needs a Responses request body (a JSON object)"));
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
                    out.json(200, JsonNodeFactory.instance.objectNode().put("object", "response.input_tokens")
                            .put("input_tokens", ar.result()));
                }));
    }
}

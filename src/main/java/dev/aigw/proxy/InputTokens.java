package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.TokenEstimator;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST …/responses/input_tokens} for a Backend whose provider has no such endpoint: the
 * input counted with the gateway's tokenizer and marked {@code x-gateway-estimated: true}.
 * Nothing is generated, so no policy runs and no usage is recorded.
 */
final class InputTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InputTokens() {
    }

    static void estimate(ProxyServices services, Exchange ex, Destination.Ai ai) {
        HttpServerRequest req = ex.req();
        long max = services.options().maxBodyBytes();
        if (!ProxyHandler.withinLimit(req, max)) return;
        Context context = services.vertx().getOrCreateContext();
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        req.handler(b -> {
            if (failed[0]) return;
            if (body.length() + b.length() > max) {
                failed[0] = true;
                req.response().headers().set("connection", "close");
                Errors.send(req, 413, "request_too_large", "request body is larger than the limit of " + max
                        + " bytes (--max-body-bytes)");
                return;
            }
            body.appendBuffer(b);
        });
        req.exceptionHandler(e -> failed[0] = true);
        req.endHandler(v -> {
            if (failed[0]) return;
            ObjectNode parsed;
            try {
                parsed = JSON.readTree(body.getBytes()) instanceof ObjectNode o ? o : null;
            } catch (java.io.IOException e) {
                parsed = null;
            }
            if (parsed == null) {
                Errors.send(req, 400, "invalid_request_error", "input_tokens needs a Responses request body (a JSON object)");
                return;
            }
            ObjectNode request = parsed;
            String model = ai.primary().model().orElse(request.path("model").asText(""));
            // Tokenizing up to the body limit is CPU work for a worker, not the event loop.
            services.vertx().executeBlocking(() -> TokenEstimator.shared().promptTokens(model, request), false)
                    .onComplete(ar -> context.runOnContext(x -> {
                        if (ar.failed()) {
                            Errors.send(req, 500, "gateway_error", "token estimate failed: " + ar.cause().getMessage());
                            return;
                        }
                        ObjectNode out = JSON.createObjectNode().put("object", "response.input_tokens")
                                .put("input_tokens", ar.result());
                        req.response().putHeader("x-gateway-estimated", "true").putHeader("content-type", "application/json")
                                .end(out.toString());
                    }));
        });
    }
}

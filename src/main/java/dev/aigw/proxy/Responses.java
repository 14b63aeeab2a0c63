package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.policy.PolicyOutcome;
import dev.aigw.policy.Rejections;
import dev.aigw.policy.ResponseGuard;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedBytes;
import dev.aigw.translate.TranslatedError;
import dev.aigw.translate.TranslatedResponse;
import dev.aigw.translate.Translator;
import dev.aigw.translate.UsageSkeleton;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The response stages of an AI exchange, for the response the attempt loop chose. First the
 * response mode: a provider error relayed or translated; an event stream ({@link StreamRelay});
 * or a whole body read (bounded per response and by the global {@link BufferBudget}),
 * translated, then the response guard or webhook, usage and accounting ({@link Accounting}),
 * and the answer through the client's {@link ClientResponse}.
 */
final class Responses {
    private static final Logger log = LoggerFactory.getLogger(Responses.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_ERROR_BODY = 1024 * 1024;
    static final long MAX_RESPONSE_BODY = 64L * 1024 * 1024;

    private Responses() {
    }

    static void respond(AiCall call, HttpClientResponse upResp, HttpClientRequest up, Translator tr, MultiMap extra,
                        StreamFraming framing, String model) {
        ClientResponse out = call.out;
        int status = upResp.statusCode();
        if (status >= 300 && tr.identity() && out.open()) {
            // Provider errors pass through unchanged.
            Relay.pipe(call.ex, upResp, up, extra);
            return;
        }
        String ct = String.valueOf(upResp.getHeader(Headers.CONTENT_TYPE));
        boolean stream = status < 300 && (ct.startsWith("text/event-stream") || ct.startsWith(framing.contentType()));
        if (stream) {
            String encoding = upResp.getHeader(Headers.CONTENT_ENCODING);
            if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.strip())) {
                // Asked for identity, sent compressed: the events cannot be read, nor relayed as events.
                up.reset();
                String msg = "the provider sent its event stream " + encoding.strip() + "-encoded although the gateway "
                        + "asked for identity; the stream cannot be read";
                call.obs.attemptFailed(msg, 502);
                call.fail(new GatewayError.BadGateway("upstream_stream_truncated", msg));
                return;
            }
            Optional<ResponseGuard> guard = call.policy.flatMap(p -> p.responseGuard(call.clientSchema));
            StreamTranslator st = tr.stream();
            if (guard.isPresent()) st = guard.get().wrap(st);
            StreamRelay.relay(call, upResp, up, st, tr.identity(), extra, framing, model);
            return;
        }
        readWhole(call, upResp, up, tr, extra, model);
    }

    /** A whole body (success or error), read up to its bound, then translated and delivered. */
    private static void readWhole(AiCall call, HttpClientResponse upResp, HttpClientRequest up, Translator tr,
                                  MultiMap extra, String model) {
        ClientResponse out = call.out;
        int status = upResp.statusCode();
        long max = status >= 400 ? MAX_ERROR_BODY : MAX_RESPONSE_BODY;
        // The first chunk is kept as it came (most answers are one); a second one starts a copy.
        Buffer[] body = {null};
        boolean[] copied = {false};
        boolean[] stopped = {false};
        Runnable tooLarge = () -> {
            stopped[0] = true;
            String msg = "the provider's response is larger than " + max + " bytes, too large for the gateway to read";
            call.obs.attemptFailed(msg, 502);
            // Answer first, then cut the upstream: its reset must not be what the client reads.
            call.fail(new GatewayError.BadGateway("response_too_large", msg));
            up.reset();
        };
        String declared = upResp.getHeader(Headers.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > max) {
                    tooLarge.run();
                    return;
                }
            } catch (NumberFormatException e) {
                // Vert.x would have refused a bad length; read on and let the bound decide.
            }
        }
        upResp.handler(b -> {
            if (stopped[0]) return;
            int held = body[0] == null ? 0 : body[0].length();
            if (held + b.length() > max) {
                tooLarge.run();
                return;
            }
            if (!call.buffered.reserve(b.length())) {
                stopped[0] = true;
                String msg = "the gateway is holding its limit of " + call.services.buffers().max()
                        + " buffered bytes (--max-buffered-bytes) across all requests; retry shortly";
                call.obs.attemptFailed(msg, 503);
                call.fail(new GatewayError.Overloaded(msg));
                up.reset();
                return;
            }
            if (body[0] == null) {
                body[0] = b;
            } else {
                if (!copied[0]) {
                    body[0] = Buffer.buffer(held + b.length()).appendBuffer(body[0]);
                    copied[0] = true;
                }
                body[0].appendBuffer(b);
            }
        });
        upResp.exceptionHandler(e -> {
            if (stopped[0]) return;
            stopped[0] = true;
            String msg = "the provider's response broke off: " + e.getMessage();
            call.obs.attemptFailed(msg, 502);
            call.fail(new GatewayError.BadGateway(msg));
        });
        upResp.endHandler(call.guard(v -> {
            if (stopped[0] || !out.writable()) return;
            whole(call, upResp, tr, extra, model, body[0] == null ? Buffer.buffer() : body[0]);
        }));
    }

    private static void whole(AiCall call, HttpClientResponse upResp, Translator tr, MultiMap extra, String model,
                              Buffer body) {
        ClientResponse out = call.out;
        int status = upResp.statusCode();
        boolean guarded = call.policy.map(AiPolicy::guardsResponses).orElse(false);
        if (!tr.identity() && status < 300 && !guarded && call.services.options().logPromptChars() == 0) {
            // Translated and not guarded: the provider's bytes to the client's, with no tree between.
            Optional<TranslatedBytes> t = tr.response(body.getBytes());
            if (t.isEmpty()) {
                call.fail(new GatewayError.BadGateway("the provider answered " + status + " with a body that is not a JSON object"));
                return;
            }
            TranslatedBytes r = t.get();
            if (out.open()) {
                out.headers().addAll(extra);
                Filters.response(call.ex.rule(), out.headers());
            }
            Accounting.recordUsage(call, r.usage(), r.model().orElse(null), r.finishReason().orElse(null),
                    StreamTranslator.StreamedText.NONE, true, model, () -> deliverWhole(call, null, Buffer.buffer(r.body())));
            return;
        }
        ObjectNode node;
        // Relayed as its own bytes and not guarded: only the accounting fields need parsing.
        if (tr.identity() && status < 300 && !guarded && call.services.options().logPromptChars() == 0) {
            node = skeleton(body);
        } else {
            node = parseObject(body);
        }
        if (status >= 300) {
            TranslatedError err = tr.error(status, node);
            if (out.open()) out.headers().addAll(extra);
            out.json(err.status(), err.body());
        } else if (node == null && tr.identity()) {
            // Same format both sides: what the provider sent is the client's answer, readable or not.
            Relay.head(call.ex, upResp, extra);
            out.whole(body);
        } else if (node == null) {
            call.fail(new GatewayError.BadGateway("the provider answered " + status + " with a body that is not a JSON object"));
        } else {
            TranslatedResponse r = tr.response(node);
            if (tr.identity()) {
                Relay.head(call.ex, upResp, extra);
            } else if (out.open()) {
                out.headers().addAll(extra);
                Filters.response(call.ex.rule(), out.headers());
            }
            Buffer unchanged = tr.identity() && !guarded ? body : null;
            Accounting.logContent(call, Accounting.responseText(call, r.body()));
            Accounting.recordUsage(call, r.usage(), r.model().orElse(null), r.finishReason().orElse(null),
                    StreamTranslator.StreamedText.NONE, true, model, () -> deliverWhole(call, r.body(), unchanged));
        }
    }

    /** The accounting skeleton of a body, read from the buffer's own array when it has one (no copy). */
    private static ObjectNode skeleton(Buffer body) {
        io.netty.buffer.ByteBuf b = body instanceof io.vertx.core.buffer.impl.BufferImpl bi ? bi.byteBuf() : null;
        if (b != null && b.hasArray()) return UsageSkeleton.read(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        return UsageSkeleton.read(body.getBytes());
    }

    /** The body as UTF-8 JSON, written straight to bytes (toString() made a String, then encoded it again). */
    private static Buffer bytes(ObjectNode body) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    private static ObjectNode parseObject(Buffer body) {
        try {
            return body.length() > 0 && JSON.readTree(body.getBytes()) instanceof ObjectNode o ? o : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Sends a whole client-format body, after the response guard when the policy has one. */
    static void deliverWhole(AiCall call, ObjectNode clientFormatBody, Buffer unchangedBytes) {
        ClientResponse out = call.out;
        // The usage step may have run on a worker: a timeout or the client may have ended things since.
        if (!out.writable()) return;
        out.head(200, null, false);
        out.headers().set(Headers.CONTENT_TYPE, "application/json");
        if (call.policy.isEmpty() || !call.policy.get().guardsResponses() || call.clientSchema == null) {
            out.whole(unchangedBytes != null ? unchangedBytes : bytes(clientFormatBody));
            return;
        }
        call.services.policies().applyResponse(call.policy.get(), call.clientSchema, clientFormatBody, call.req()::getHeader)
                .onComplete(ar -> call.onContext(() -> {
                    if (!out.writable()) return;
                    if (ar.failed()) {
                        call.fail(new GatewayError.Internal("the route's response guard failed: " + ar.cause().getMessage()));
                    } else if (ar.result() instanceof PolicyOutcome.Reject r) {
                        log.info("response of request {} rejected by policy: {}", call.requestId(), r.reason());
                        call.fail(new GatewayError.Rejected(r.status(), r.message(), Rejections.body(call.clientSchema, r)));
                    } else if (ar.result() instanceof PolicyOutcome.Continue c) {
                        out.whole(bytes(c.body()));
                    }
                }));
    }
}

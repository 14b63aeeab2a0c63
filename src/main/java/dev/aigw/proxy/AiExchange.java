package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.provider.ClientCall;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.Providers;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.route.Destination;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamParser;
import dev.aigw.translate.SseWriter;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedError;
import dev.aigw.translate.TranslatedRequest;
import dev.aigw.translate.TranslationException;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One request to an AI backend. Request scope: the JSON body is parsed once. Attempt scope:
 * for each provider in the plan (priority groups in order), the body is translated into that
 * provider's format, prepared (path, model, credential) and sent; a failure before the
 * response (connect, reset, timeout, 429, 5xx) moves to the next provider. Once a response is
 * chosen it is relayed as is or translated back, event by event for streams.
 */
final class AiExchange {
    private static final Logger log = LoggerFactory.getLogger(AiExchange.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MOCK_CHUNK_DELAY_MS = 15;
    private static final long MAX_ERROR_BODY = 1024 * 1024;
    private static final long MAX_TRANSLATED_BODY = 64L * 1024 * 1024;

    private final Vertx vertx;
    private final Upstreams upstreams;
    private final Exchange ex;
    private final Destination.Ai ai;
    private final ClientFormat format;
    private ObjectNode clientBody;
    private Schema clientSchema;
    private Iterator<Provider> plan;
    private UpstreamCall current;
    private UpstreamFailure lastFailure;
    private int attempts;
    private boolean done;
    private long overallTimer = -1;

    private AiExchange(Vertx vertx, Upstreams upstreams, Exchange ex, Destination.Ai ai, ClientFormat format) {
        this.vertx = vertx;
        this.upstreams = upstreams;
        this.ex = ex;
        this.ai = ai;
        this.format = format;
    }

    static void start(Vertx vertx, Upstreams upstreams, Exchange ex, Destination.Ai ai, ClientFormat format, Buffer raw) {
        new AiExchange(vertx, upstreams, ex, ai, format).run(raw);
    }

    private HttpServerRequest req() {
        return ex.req();
    }

    private void run(Buffer raw) {
        if (raw.length() > 0) {
            try {
                JsonNode n = JSON.readTree(raw.getBytes());
                if (!(n instanceof ObjectNode o)) {
                    Errors.send(req(), 400, "invalid_request_error", "request body must be a JSON object");
                    return;
                }
                clientBody = o;
            } catch (JsonProcessingException e) {
                var l = e.getLocation();
                Errors.send(req(), 400, "invalid_request_error", "request body is not valid JSON: "
                        + e.getOriginalMessage() + (l == null ? "" : " (line " + l.getLineNr() + ", column "
                        + l.getColumnNr() + ")"));
                return;
            } catch (java.io.IOException e) {
                Errors.send(req(), 400, "invalid_request_error", "request body cannot be read: " + e.getMessage());
                return;
            }
        }
        // A client in no known API speaks the primary provider's own format.
        clientSchema = format.api().orElse(Providers.schema(ai.primary()).orElse(null));
        List<Provider> order = new ArrayList<>();
        ai.groups().forEach(order::addAll);
        plan = order.iterator();
        req().response().closeHandler(v -> {
            done = true;
            if (current != null) current.cancel();
        });
        ex.rule().timeouts().request().filter(d -> !d.isZero()).ifPresent(d -> overallTimer = vertx.setTimer(d.toMillis(),
                id -> {
                    if (done) return;
                    done = true;
                    if (current != null) current.cancel();
                    Errors.send(req(), 504, "gateway_timeout", "Backend " + ai.name() + " did not answer within "
                            + d.toMillis() + " ms (timeouts.request)");
                }));
        next();
    }

    private void finish() {
        done = true;
        vertx.cancelTimer(overallTimer);
    }

    private void next() {
        if (done) return;
        if (!plan.hasNext()) {
            finish();
            UpstreamFailure f = lastFailure != null ? lastFailure
                    : new UpstreamFailure(UpstreamFailure.Kind.OTHER, "Backend " + ai.name() + " has no provider to try");
            Errors.send(req(), f.status(), f.type(), f.getMessage());
            return;
        }
        attempt(plan.next());
    }

    /** Skips a provider that cannot take this request, or answers with why when it was the last. */
    private void skip(Provider p, int status, String type, String message) {
        if (plan.hasNext()) {
            log.debug("request {}: skipping provider {} of {}: {}", ex.requestId(), p.name(), ai.name(), message);
            lastFailure = new UpstreamFailure(UpstreamFailure.Kind.OTHER, message);
            next();
        } else {
            finish();
            Errors.send(req(), status, type, message);
        }
    }

    private void attempt(Provider p) {
        attempts++;
        Translator tr = null;
        boolean forceStream = false;
        ObjectNode body = clientBody == null ? null : clientBody.deepCopy();
        Optional<Schema> backend = Providers.schema(p);
        if (clientSchema != null && body != null && !Optional.of(clientSchema).equals(backend)) {
            if (backend.isEmpty()) {
                skip(p, 501, "not_implemented", "Backend " + ai.name() + ": the " + p.kind()
                        + " provider cannot be reached from the " + clientSchema.id() + " API yet");
                return;
            }
            Optional<Translator> t = Translators.create(clientSchema, backend.get());
            if (t.isEmpty()) {
                skip(p, 501, "not_implemented", "Backend " + ai.name() + ": translating " + clientSchema.id()
                        + " requests to " + backend.get().id() + " (" + p.kind()
                        + ") is not supported yet; send the provider's own format instead");
                return;
            }
            tr = t.get();
            try {
                RequestContext ctx = p.model().map(RequestContext.defaults()::withModel).orElse(RequestContext.defaults());
                TranslatedRequest translated = tr.request(body, ctx);
                body = translated.body();
                forceStream = translated.streaming();
            } catch (TranslationException e) {
                // The client's request is wrong for any provider: answer, do not fail over.
                finish();
                TranslatedError err = tr.error(e);
                sendJson(err.status(), err.body());
                return;
            }
        }
        UpstreamRequest up;
        try {
            up = p.prepare(new ClientCall(req().method().name(), req().path(), ex.query(), req()::getHeader, body,
                    forceStream));
        } catch (ProviderException e) {
            if (e.status() == 501) skip(p, e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage());
            else {
                finish();
                Errors.send(req(), e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage());
            }
            return;
        }
        if (p instanceof MockProvider mock) {
            finish();
            serveMock(mock, up, tr);
            return;
        }
        MultiMap headers = Headers.copy(req().headers(), Headers.CREDENTIALS);
        headers.remove("host");
        headers.remove("content-length");
        Filters.request(ex.rule(), headers);
        headers.set("x-request-id", ex.requestId());
        if (tr != null) {
            // A translated body must be read, so ask for it uncompressed; the client's format headers do not apply.
            headers.set("accept-encoding", "identity");
            headers.remove("anthropic-version");
            headers.remove("anthropic-beta");
        }
        up.headers().forEach(headers::set);
        Buffer out = Buffer.buffer(up.bytes());
        headers.set("content-type", "application/json");
        headers.set("content-length", Integer.toString(out.length()));
        UpstreamCall call = new UpstreamCall(vertx, upstreams, "Backend " + ai.name() + " provider " + p.name()
                + " (" + p.kind() + " " + up.host() + ":" + up.port() + ")");
        current = call;
        Translator translator = tr;
        String model = up.body().path("model").asText(p.model().orElse(""));
        call.send(up.host(), up.port(), up.tls(), HttpMethod.POST, up.pathAndQuery(), headers, out, null,
                ex.rule().timeouts().backendRequest()).onComplete(ar -> {
            if (done) return;
            if (ar.failed()) {
                lastFailure = UpstreamFailure.classify(call.where(), ar.cause());
                log.warn("request {}: {}", ex.requestId(), lastFailure.getMessage());
                if (lastFailure.retryable()) next();
                else {
                    finish();
                    Errors.send(req(), lastFailure.status(), lastFailure.type(), lastFailure.getMessage());
                }
                return;
            }
            HttpClientResponse resp = ar.result();
            if (retryableStatus(resp.statusCode()) && plan.hasNext()) {
                lastFailure = new UpstreamFailure(UpstreamFailure.Kind.OTHER, call.where() + " answered "
                        + resp.statusCode());
                log.warn("request {}: {}; trying the next provider", ex.requestId(), lastFailure.getMessage());
                call.request().reset();
                next();
                return;
            }
            finish();
            MultiMap extra = MultiMap.caseInsensitiveMultiMap()
                    .set("x-gateway-provider", p.kind() + "/" + p.name());
            if (!model.isEmpty()) extra.set("x-gateway-model", model);
            if (translator == null) Relay.pipe(ex, resp, call.request(), extra);
            else translateResponse(resp, call.request(), translator, extra, backend.orElseThrow().streamFraming());
        });
    }

    /** Statuses another provider may answer better: rate limits, server errors, overload (529). */
    static boolean retryableStatus(int status) {
        return status == 429 || status >= 500;
    }

    static Optional<Duration> shorter(Optional<Duration> a, Optional<Duration> b) {
        if (a.isPresent() && b.isPresent()) return Optional.of(a.get().compareTo(b.get()) < 0 ? a.get() : b.get());
        return a.or(() -> b);
    }

    private void sendJson(int status, ObjectNode body) {
        req().response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toString());
    }

    // ---- translated responses ----

    /**
     * Relays a response in the client's format: errors and plain bodies are read whole (bounded)
     * and translated; event streams are parsed and translated event by event as they arrive.
     */
    private void translateResponse(HttpClientResponse upResp, HttpClientRequest up, Translator tr, MultiMap extra,
                                   StreamFraming framing) {
        HttpServerResponse resp = req().response();
        resp.headers().addAll(extra);
        Filters.response(ex.rule(), resp.headers());
        String ct = String.valueOf(upResp.getHeader("content-type"));
        if (upResp.statusCode() >= 200 && upResp.statusCode() < 300
                && (ct.startsWith("text/event-stream") || ct.startsWith(framing.contentType()))) {
            streamTranslated(upResp, up, tr.stream(), framing.newParser());
            return;
        }
        long max = upResp.statusCode() >= 400 ? MAX_ERROR_BODY : MAX_TRANSLATED_BODY;
        Buffer body = Buffer.buffer();
        boolean[] tooBig = {false};
        upResp.handler(b -> {
            if (tooBig[0]) return;
            if (body.length() + b.length() > max) {
                tooBig[0] = true;
                up.reset();
                Errors.send(req(), 502, "bad_gateway", "the provider's response is larger than " + max
                        + " bytes, too large to translate");
                return;
            }
            body.appendBuffer(b);
        });
        upResp.exceptionHandler(e -> Errors.send(req(), 502, "bad_gateway",
                "the provider's response broke off: " + e.getMessage()));
        upResp.endHandler(v -> {
            if (tooBig[0] || resp.ended()) return;
            ObjectNode node = null;
            try {
                if (body.length() > 0 && JSON.readTree(body.getBytes()) instanceof ObjectNode o) node = o;
            } catch (java.io.IOException e) {
                node = null;
            }
            if (upResp.statusCode() >= 300) {
                TranslatedError err = tr.error(upResp.statusCode(), node);
                sendJson(err.status(), err.body());
            } else if (node == null) {
                Errors.send(req(), 502, "bad_gateway", "the provider answered " + upResp.statusCode()
                        + " with a body that is not a JSON object");
            } else {
                sendJson(200, tr.response(node).body());
            }
        });
    }

    private void streamTranslated(HttpClientResponse upResp, HttpClientRequest up, StreamTranslator st,
                                  StreamParser parser) {
        HttpServerResponse resp = req().response();
        resp.setStatusCode(200).setChunked(true);
        resp.headers().set("content-type", "text/event-stream");
        resp.headers().set("cache-control", "no-cache");
        boolean[] finished = {false};
        Runnable finish = () -> {
            if (finished[0]) return;
            finished[0] = true;
            List<SseEvent> tail = new ArrayList<>();
            try {
                for (SseEvent e : parser.finish()) tail.addAll(st.onEvent(e));
            } catch (RuntimeException e) {
                log.debug("unparseable stream tail: {}", e.toString());
            }
            tail.addAll(st.onEnd());
            if (!resp.ended() && !resp.closed()) resp.end(Buffer.buffer(SseWriter.encode(tail)));
        };
        upResp.handler(b -> {
            if (finished[0]) return;
            List<SseEvent> out = new ArrayList<>();
            try {
                for (SseEvent e : parser.feed(b.getBytes())) out.addAll(st.onEvent(e));
            } catch (RuntimeException e) {
                log.warn("provider stream could not be parsed for request {}: {}", ex.requestId(), e.getMessage());
                up.reset();
                finish.run();
                return;
            }
            if (out.isEmpty()) return;
            resp.write(Buffer.buffer(SseWriter.encode(out)));
            if (resp.writeQueueFull()) {
                upResp.pause();
                resp.drainHandler(v -> upResp.resume());
            }
        });
        upResp.exceptionHandler(e -> finish.run());
        upResp.endHandler(v -> finish.run());
    }

    // ---- the mock provider ----

    private void serveMock(MockProvider mock, UpstreamRequest up, Translator tr) {
        HttpServerResponse resp = req().response();
        resp.headers().set("x-gateway-provider", "mock/" + mock.name());
        Filters.response(ex.rule(), resp.headers());
        if (!up.streaming()) {
            ObjectNode answer = mock.completion(up.body());
            sendJson(200, tr == null ? answer : tr.response(answer).body());
            return;
        }
        resp.setChunked(true);
        resp.headers().set("content-type", "text/event-stream");
        resp.headers().set("cache-control", "no-cache");
        StreamTranslator st = tr == null ? null : tr.stream();
        writeMockChunk(resp, mock.chunks(up.body()).iterator(), st);
    }

    private void writeMockChunk(HttpServerResponse resp, Iterator<String> it, StreamTranslator st) {
        if (resp.closed() || resp.ended()) return;
        if (!it.hasNext()) {
            if (st == null) resp.end();
            else resp.end(Buffer.buffer(SseWriter.encode(st.onEnd())));
            return;
        }
        SseEvent e = SseEvent.data(it.next());
        if (st == null) resp.write(Buffer.buffer(SseWriter.encode(List.of(e))));
        else {
            List<SseEvent> out = st.onEvent(e);
            if (!out.isEmpty()) resp.write(Buffer.buffer(SseWriter.encode(out)));
        }
        vertx.setTimer(MOCK_CHUNK_DELAY_MS, id -> writeMockChunk(resp, it, st));
    }
}

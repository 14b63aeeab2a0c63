package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.provider.ClientCall;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.Providers;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.SseParser;
import dev.aigw.translate.SseWriter;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedError;
import dev.aigw.translate.TranslatedRequest;
import dev.aigw.translate.TranslationException;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteMatch;
import dev.aigw.route.RouteTable;
import dev.aigw.route.Snapshot;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.streams.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Serves one request: match a route in the current snapshot, apply the rule's filters, and
 * either answer locally (errors, the mock provider), forward to an LLM provider (the JSON body
 * is read once, bounded, and rewritten), or stream to a static host. The response streams back
 * with backpressure; the upstream request is cancelled when the client goes away.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MOCK_CHUNK_DELAY_MS = 15;
    private static final long MAX_ERROR_BODY = 1024 * 1024;
    private static final long MAX_TRANSLATED_BODY = 64L * 1024 * 1024;

    private final Vertx vertx;
    private final int port;
    private final Supplier<Snapshot> snapshot;
    private final Upstreams upstreams;
    private final ProxyOptions options;

    public ProxyHandler(Vertx vertx, int port, Supplier<Snapshot> snapshot, Upstreams upstreams, ProxyOptions options) {
        this.vertx = vertx;
        this.port = port;
        this.snapshot = snapshot;
        this.upstreams = upstreams;
        this.options = options;
    }

    @Override
    public void handle(HttpServerRequest req) {
        String requestId = req.getHeader("x-request-id");
        if (requestId == null || requestId.isBlank()) requestId = UUID.randomUUID().toString();
        req.response().headers().set("x-request-id", requestId);
        Snapshot snap = snapshot.get();
        RouteTable table = snap.ports().get(port);
        String path = req.path();
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        Map<String, List<String>> query = q.parameters();
        HostAndPort authority = req.authority();
        String host = authority == null ? "" : authority.host();
        Optional<RouteMatch> match = table == null ? Optional.empty()
                : table.match(host, path, req.method().name(), req::getHeader, query);
        if (match.isEmpty()) {
            Errors.send(req, 404, "not_found", "no route matches " + req.method() + " " + path
                    + (host.isEmpty() ? "" : " on host " + host) + " (listener port " + port + ")");
            return;
        }
        CompiledRule rule = match.get().rule();
        Optional<Destination> dest = rule.pick();
        if (dest.isEmpty()) {
            Errors.send(req, 500, "gateway_error", "route " + rule.id() + " has no backend that can take traffic");
            return;
        }
        Exchange ex = new Exchange(req, match.get(), requestId, query);
        switch (dest.get()) {
            case Destination.Unavailable u -> Errors.send(req, 500, "gateway_error",
                    "route " + rule.id() + " cannot be served: " + u.reason());
            case Destination.Ai ai -> {
                ClientFormat format = ClientFormat.detect(req.method().name(), path);
                if (format instanceof ClientFormat.ModelList) modelList(req, rule);
                else readBody(ex, body -> forwardAi(ex, ai, body, format));
            }
            case Destination.Static s -> forwardStatic(ex, s);
        }
    }

    /** Per-request state: the client request and what the route decided. */
    private record Exchange(HttpServerRequest req, RouteMatch match, String requestId,
                            Map<String, List<String>> query) {
        CompiledRule rule() {
            return match.rule();
        }
    }

    // ---- request body ----

    private void readBody(Exchange ex, Handler<Buffer> then) {
        HttpServerRequest req = ex.req();
        long max = options.maxBodyBytes();
        String cl = req.getHeader("content-length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.strip()) > max) {
                    tooLarge(req, max);
                    return;
                }
            } catch (NumberFormatException e) {
                Errors.send(req, 400, "invalid_request_error", "Content-Length " + cl + " is not a number");
                return;
            }
        }
        Buffer body = Buffer.buffer(cl == null ? 1024 : (int) Math.min(Long.parseLong(cl.strip()), max));
        boolean[] failed = {false};
        req.handler(chunk -> {
            if (failed[0]) return;
            if (body.length() + chunk.length() > max) {
                failed[0] = true;
                tooLarge(req, max);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> failed[0] = true);
        req.endHandler(v -> {
            if (!failed[0]) then.handle(body);
        });
    }

    private static void tooLarge(HttpServerRequest req, long max) {
        req.response().headers().set("connection", "close");
        Errors.send(req, 413, "request_too_large", "request body is larger than the limit of " + max
                + " bytes (--max-body-bytes)");
    }

    // ---- AI backends ----

    private void forwardAi(Exchange ex, Destination.Ai ai, Buffer raw, ClientFormat format) {
        HttpServerRequest req = ex.req();
        ObjectNode body = null;
        if (raw.length() > 0) {
            try {
                JsonNode n = JSON.readTree(raw.getBytes());
                if (!(n instanceof ObjectNode o)) {
                    Errors.send(req, 400, "invalid_request_error", "request body must be a JSON object");
                    return;
                }
                body = o;
            } catch (JsonProcessingException e) {
                var l = e.getLocation();
                Errors.send(req, 400, "invalid_request_error", "request body is not valid JSON: "
                        + e.getOriginalMessage() + (l == null ? "" : " (line " + l.getLineNr() + ", column "
                        + l.getColumnNr() + ")"));
                return;
            } catch (java.io.IOException e) {
                Errors.send(req, 400, "invalid_request_error", "request body cannot be read: " + e.getMessage());
                return;
            }
        }
        Provider provider = ai.primary();
        Translator tr = null;
        boolean forceStream = false;
        Optional<Schema> client = format.api();
        Optional<Schema> backend = Providers.schema(provider);
        if (client.isPresent() && body != null && !client.equals(backend)) {
            if (backend.isEmpty()) {
                Errors.send(req, 501, "not_implemented", "Backend " + ai.name() + ": the " + provider.kind()
                        + " provider cannot be reached from the " + client.get().id() + " API yet");
                return;
            }
            Optional<Translator> t = Translators.create(client.get(), backend.get());
            if (t.isEmpty()) {
                Errors.send(req, 501, "not_implemented", "Backend " + ai.name() + ": translating "
                        + client.get().id() + " requests to " + backend.get().id() + " (" + provider.kind()
                        + ") is not supported yet; send the provider's own format instead");
                return;
            }
            tr = t.get();
            try {
                RequestContext ctx = provider.model().map(RequestContext.defaults()::withModel)
                        .orElse(RequestContext.defaults());
                TranslatedRequest translated = tr.request(body, ctx);
                body = translated.body();
                forceStream = translated.streaming();
            } catch (TranslationException e) {
                TranslatedError err = tr.error(e);
                sendJson(req, err.status(), err.body());
                return;
            }
        }
        UpstreamRequest up;
        try {
            up = provider.prepare(new ClientCall(req.method().name(), req.path(), ex.query(), req::getHeader, body,
                    forceStream));
        } catch (ProviderException e) {
            Errors.send(req, e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage());
            return;
        }
        if (provider instanceof MockProvider mock) {
            serveMock(ex, mock, up, tr);
            return;
        }
        MultiMap headers = Headers.copy(req.headers(), Headers.CREDENTIALS);
        headers.remove("host");
        headers.remove("content-length");
        applyRequestFilters(ex.rule(), headers);
        headers.set("x-request-id", ex.requestId());
        if (tr != null) {
            // A translated body must be read, so ask for it uncompressed; the client's format headers do not apply.
            headers.set("accept-encoding", "identity");
            headers.remove("anthropic-version");
            headers.remove("anthropic-beta");
        }
        up.headers().forEach(headers::set);
        Buffer out = Buffer.buffer(up.body().toString());
        headers.set("content-type", "application/json");
        headers.set("content-length", Integer.toString(out.length()));
        send(ex, ai.name(), up.host(), up.port(), up.tls(), HttpMethod.POST, up.pathAndQuery(), headers, out, null, tr);
    }

    /** {@code GET …/models}: the models this rule's AI backends serve, as OpenAI lists them. */
    private static void modelList(HttpServerRequest req, CompiledRule rule) {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        var data = list.putArray("data");
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (CompiledRule.Weighted w : rule.destinations()) {
            if (!(w.destination() instanceof Destination.Ai ai)) continue;
            for (List<Provider> group : ai.groups()) {
                for (Provider p : group) {
                    String id = p.model().orElse(null);
                    if (id == null || !seen.add(id)) continue;
                    ObjectNode m = data.addObject();
                    m.put("id", id).put("object", "model").put("created", 0).put("owned_by", p.kind());
                }
            }
        }
        sendJson(req, 200, list);
    }

    private static void sendJson(HttpServerRequest req, int status, ObjectNode body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toString());
    }

    // ---- static backends ----

    private void forwardStatic(Exchange ex, Destination.Static s) {
        HttpServerRequest req = ex.req();
        String cl = req.getHeader("content-length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.strip()) > options.maxBodyBytes()) {
                    tooLarge(req, options.maxBodyBytes());
                    return;
                }
            } catch (NumberFormatException e) {
                Errors.send(req, 400, "invalid_request_error", "Content-Length " + cl + " is not a number");
                return;
            }
        }
        // The request is already flowing: take the pipe before the upstream request exists.
        Pipe<Buffer> pipe = req.pipe();
        var hp = s.hosts().size() == 1 ? s.hosts().getFirst()
                : s.hosts().get(java.util.concurrent.ThreadLocalRandom.current().nextInt(s.hosts().size()));
        MultiMap headers = Headers.copy(req.headers(), Set.of());
        headers.remove("host");
        String uri = req.uri();
        String hostHeader = null;
        for (HttpRouteResource.Filter f : ex.rule().filters()) {
            if (f instanceof HttpRouteResource.UrlRewrite rw) {
                if (rw.hostname().isPresent()) hostHeader = rw.hostname().get();
                if (rw.path().isPresent()) uri = rewritePath(req, ex.match(), rw);
            }
        }
        applyRequestFilters(ex.rule(), headers);
        String xff = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        if (xff != null) {
            String prior = headers.get("x-forwarded-for");
            headers.set("x-forwarded-for", prior == null ? xff : prior + ", " + xff);
        }
        headers.set("x-forwarded-proto", req.isSSL() ? "https" : "http");
        if (req.authority() != null) headers.set("x-forwarded-host", req.authority().toString());
        headers.set("x-request-id", ex.requestId());
        if (hostHeader != null) headers.set("host", hostHeader);
        send(ex, s.name(), hp.host(), hp.port(), false, req.method(), uri, headers, null, pipe, null);
    }

    private static String rewritePath(HttpServerRequest req, RouteMatch m, HttpRouteResource.UrlRewrite rw) {
        String path = req.path();
        String query = req.query() == null ? "" : "?" + req.query();
        String replacement = rw.path().orElse("/");
        if (rw.fullPath()) return replacement + query;
        String prefix = m.prefix();
        if (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        String rest = path.length() >= prefix.length() ? path.substring(prefix.length()) : "";
        String r = replacement.endsWith("/") && rest.startsWith("/") ? replacement + rest.substring(1) : replacement + rest;
        if (r.isEmpty()) r = "/";
        return r + query;
    }

    private static void applyRequestFilters(CompiledRule rule, MultiMap headers) {
        for (HttpRouteResource.Filter f : rule.filters()) {
            if (f instanceof HttpRouteResource.RequestHeaderModifier m) modify(headers, m.modifier());
        }
    }

    private static void modify(MultiMap headers, HttpRouteResource.HeaderModifier m) {
        m.set().forEach(headers::set);
        m.add().forEach(headers::add);
        m.remove().forEach(headers::remove);
    }

    // ---- upstream exchange ----

    /**
     * Sends the upstream request (a buffered {@code body}, or the client's body through {@code pipe})
     * and relays the response. Timeouts: {@code backendRequest} and {@code request} both bound the
     * wait for the response head; a streaming body, once started, is not cut by them.
     */
    private void send(Exchange ex, String backend, String host, int port, boolean tls, HttpMethod method, String uri,
                      MultiMap headers, Buffer body, Pipe<Buffer> pipe, Translator tr) {
        HttpServerRequest req = ex.req();
        HttpServerResponse resp = req.response();
        HttpRouteResource.Timeouts t = ex.rule().timeouts();
        Optional<Duration> timeout = t.backendRequest().isPresent() && t.request().isPresent()
                ? Optional.of(t.backendRequest().get().compareTo(t.request().get()) < 0 ? t.backendRequest().get() : t.request().get())
                : t.backendRequest().or(t::request);
        String where = "backend " + backend + " (" + host + ":" + port + ")";
        boolean[] done = {false};
        HttpClientRequest[] upRef = {null};
        long timer = timeout.filter(d -> !d.isZero()).map(d -> vertx.setTimer(d.toMillis(), id -> {
            if (done[0]) return;
            done[0] = true;
            if (upRef[0] != null) upRef[0].reset(0, new TimeoutException());
            if (pipe != null) pipe.close();
            Errors.send(req, 504, "gateway_timeout", where + " did not answer within " + d.toMillis() + " ms");
        })).orElse(-1L);
        resp.closeHandler(v -> {
            done[0] = true;
            if (upRef[0] != null) upRef[0].reset();
        });
        upstreams.request(method, host, port, tls, uri).onComplete(ar -> {
            if (done[0]) {
                if (ar.succeeded()) ar.result().reset();
                return;
            }
            if (ar.failed()) {
                done[0] = true;
                vertx.cancelTimer(timer);
                if (pipe != null) pipe.close();
                upstreamFailed(req, where, ar.cause());
                return;
            }
            HttpClientRequest up = ar.result();
            upRef[0] = up;
            up.headers().setAll(headers);
            if (headers.contains("host")) up.authority(HostAndPort.create(headers.get("host"), port));
            up.response().onComplete(rar -> {
                vertx.cancelTimer(timer);
                if (done[0]) return;
                done[0] = true;
                if (rar.failed()) {
                    upstreamFailed(req, where, rar.cause());
                    return;
                }
                if (tr == null) relay(ex, rar.result(), up);
                else translateResponse(ex, rar.result(), up, tr);
            });
            up.exceptionHandler(e -> {
                // Failures before the response head surface through response(); after it, cut the client off.
                if (done[0] && resp.headWritten() && !resp.ended()) resp.reset();
            });
            if (pipe != null) {
                if (!headers.contains("content-length")) up.setChunked(true);
                pipe.to(up).onFailure(e -> {
                    if (!done[0]) up.reset();
                });
            } else {
                up.end(body);
            }
        });
    }

    private void relay(Exchange ex, HttpClientResponse upResp, HttpClientRequest up) {
        HttpServerRequest req = ex.req();
        HttpServerResponse resp = req.response();
        resp.setStatusCode(upResp.statusCode());
        String msg = upResp.statusMessage();
        if (msg != null && !msg.isEmpty()) resp.setStatusMessage(msg);
        MultiMap h = Headers.copy(upResp.headers(), Set.of());
        String requestId = resp.headers().get("x-request-id");
        resp.headers().setAll(h);
        if (requestId != null) resp.headers().set("x-request-id", requestId);
        for (HttpRouteResource.Filter f : ex.rule().filters()) {
            if (f instanceof HttpRouteResource.ResponseHeaderModifier m) modify(resp.headers(), m.modifier());
        }
        if (!resp.headers().contains("content-length")) resp.setChunked(true);
        upResp.pipeTo(resp).onFailure(e -> {
            if (!resp.ended() && !resp.closed()) {
                log.debug("stream from upstream broke for request {}: {}", ex.requestId(), e.toString());
                resp.reset();
            }
            up.reset();
        });
    }

    private static void upstreamFailed(HttpServerRequest req, String where, Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof ConnectException)) c = c.getCause();
        String reason;
        int status = 502;
        if (c instanceof UnknownHostException) reason = "host name could not be resolved";
        else if (c instanceof ConnectException) reason = "connection refused or unreachable";
        else if (c instanceof TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException
                || String.valueOf(c.getMessage()).contains("timed out")) {
            reason = "timed out";
            status = 504;
        } else if (c instanceof javax.net.ssl.SSLException) reason = "TLS failed: " + c.getMessage();
        else if (c instanceof StreamResetException || c instanceof ClosedChannelException
                || c instanceof io.vertx.core.VertxException && String.valueOf(c.getMessage()).contains("closed")) {
            reason = "connection closed before a response";
        } else reason = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        log.warn("upstream failed: {}: {}", where, reason);
        Errors.send(req, status, status == 504 ? "gateway_timeout" : "bad_gateway", where + ": " + reason);
    }

    // ---- translated responses ----

    /**
     * Relays a response in the client's format: errors and plain bodies are read whole (bounded)
     * and translated; event streams are parsed and translated event by event as they arrive.
     */
    private void translateResponse(Exchange ex, HttpClientResponse upResp, HttpClientRequest up, Translator tr) {
        HttpServerResponse resp = ex.req().response();
        String ct = String.valueOf(upResp.getHeader("content-type"));
        if (upResp.statusCode() >= 200 && upResp.statusCode() < 300 && ct.startsWith("text/event-stream")) {
            streamTranslated(ex, upResp, up, tr.stream());
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
                Errors.send(ex.req(), 502, "bad_gateway", "the provider's response is larger than " + max
                        + " bytes, too large to translate");
                return;
            }
            body.appendBuffer(b);
        });
        upResp.exceptionHandler(e -> Errors.send(ex.req(), 502, "bad_gateway",
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
                sendJson(ex.req(), err.status(), err.body());
            } else if (node == null) {
                Errors.send(ex.req(), 502, "bad_gateway", "the provider answered " + upResp.statusCode()
                        + " with a body that is not a JSON object");
            } else {
                sendJson(ex.req(), 200, tr.response(node).body());
            }
        });
    }

    private void streamTranslated(Exchange ex, HttpClientResponse upResp, HttpClientRequest up, StreamTranslator st) {
        HttpServerResponse resp = ex.req().response();
        resp.setStatusCode(200).setChunked(true);
        resp.headers().set("content-type", "text/event-stream");
        resp.headers().set("cache-control", "no-cache");
        SseParser parser = new SseParser();
        boolean[] finished = {false};
        Runnable finish = () -> {
            if (finished[0]) return;
            finished[0] = true;
            List<SseEvent> tail = new java.util.ArrayList<>();
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
            List<SseEvent> out = new java.util.ArrayList<>();
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

    private void serveMock(Exchange ex, MockProvider mock, UpstreamRequest up, Translator tr) {
        HttpServerResponse resp = ex.req().response();
        if (!up.streaming()) {
            ObjectNode answer = mock.completion(up.body());
            sendJson(ex.req(), 200, tr == null ? answer : tr.response(answer).body());
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

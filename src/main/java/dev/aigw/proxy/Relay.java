package dev.aigw.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/** Copies an upstream response to the client as it arrives: status, headers (filtered), body by pipe. */
final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private Relay() {
    }

    /** Status and headers; the body is the caller's. */
    static void head(Exchange ex, HttpClientResponse upResp, MultiMap extra) {
        HttpServerResponse resp = ex.req().response();
        if (resp.headWritten()) return; // keep-alives already sent a 200 head
        resp.setStatusCode(upResp.statusCode());
        String msg = upResp.statusMessage();
        if (msg != null && !msg.isEmpty()) resp.setStatusMessage(msg);
        String requestId = resp.headers().get("x-request-id");
        // The gateway's own rate-limit headers (governance) outlive the upstream's set.
        java.util.List<java.util.Map.Entry<String, String>> limits = new java.util.ArrayList<>();
        for (var h : resp.headers()) if (h.getKey().regionMatches(true, 0, "x-ratelimit-", 0, 12)) limits.add(h);
        resp.headers().setAll(Headers.copy(upResp.headers(), Set.of()));
        if (requestId != null) resp.headers().set("x-request-id", requestId);
        for (var h : limits) resp.headers().set(h.getKey(), h.getValue());
        if (extra != null) resp.headers().addAll(extra);
        Filters.response(ex.rule(), resp.headers());
    }

    static void pipe(Exchange ex, HttpClientResponse upResp, HttpClientRequest up, MultiMap extra) {
        HttpServerResponse resp = ex.req().response();
        head(ex, upResp, extra);
        if (!resp.headWritten() && !resp.headers().contains("content-length")) resp.setChunked(true);
        // By hand rather than pipeTo: a client that leaves mid-stream must stop the copy quietly
        // (pipeTo would keep writing to the closed response) and cancel the upstream request.
        boolean[] first = {true};
        upResp.handler(b -> {
            if (resp.closed() || resp.ended()) {
                up.reset();
                return;
            }
            if (first[0]) {
                first[0] = false;
                ex.obs().firstChunk();
            }
            resp.write(b);
            if (resp.writeQueueFull()) {
                upResp.pause();
                resp.drainHandler(v -> upResp.resume());
            }
        });
        upResp.exceptionHandler(e -> {
            log.debug("stream from upstream broke for request {}: {}", ex.requestId(), e.toString());
            if (!resp.ended() && !resp.closed()) resp.reset();
        });
        upResp.endHandler(v -> {
            if (!resp.ended() && !resp.closed()) resp.end();
        });
        ex.onClientGone(up::reset);
    }
}

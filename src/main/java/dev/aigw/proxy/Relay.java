package dev.aigw.proxy;

import dev.aigw.proxy.stage.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Copies an upstream response to the client as it arrives: status, headers (filtered), body
 * bytes unchanged, through the exchange's {@link ClientResponse}. A body that breaks off ends
 * with an error event when it is an event stream, else it is cut short (the status is gone).
 */
final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private Relay() {
    }

    /** Stages status and headers; the body is the caller's. Keep-alives may already have sent a 200 head. */
    static void head(Exchange ex, HttpClientResponse upResp, MultiMap extra) {
        ClientResponse out = ex.out();
        if (!out.open()) return;
        String requestId = out.headers().get(Headers.X_REQUEST_ID);
        // The gateway's own rate-limit headers (governance) outlive the upstream's set.
        java.util.List<java.util.Map.Entry<String, String>> limits = null;
        for (var h : out.headers()) {
            if (!h.getKey().regionMatches(true, 0, "x-ratelimit-", 0, 12)) continue;
            if (limits == null) limits = new java.util.ArrayList<>(4);
            limits.add(java.util.Map.entry(h.getKey(), h.getValue()));
        }
        Headers.replaceWith(upResp.headers(), out.headers());
        if (requestId != null) out.headers().set(Headers.X_REQUEST_ID, requestId);
        if (limits != null) for (var h : limits) out.headers().set(h.getKey(), h.getValue());
        if (extra != null) out.headers().addAll(extra);
        Filters.response(ex.rule(), out.headers());
        out.head(upResp.statusCode(), upResp.statusMessage(), !out.headers().contains(Headers.CONTENT_LENGTH));
    }

    static void pipe(Exchange ex, HttpClientResponse upResp, HttpClientRequest up, MultiMap extra) {
        ClientResponse out = ex.out();
        head(ex, upResp, extra);
        // By hand rather than pipeTo: a client that leaves mid-stream must stop the copy quietly
        // (pipeTo would keep writing to the closed response) and cancel the upstream request.
        upResp.handler(b -> {
            if (!out.writable()) {
                up.reset();
                return;
            }
            out.write(b);
            if (out.writeQueueFull()) {
                upResp.pause();
                out.drainHandler(v -> upResp.resume());
            }
        });
        upResp.exceptionHandler(e -> {
            log.warn("request {}: the upstream response broke off: {}", ex.requestId(), e.toString());
            if (!out.writable()) return;
            String msg = "the upstream response broke off before it finished: " + e.getMessage();
            ex.obs().attemptFailed(msg, 502);
            out.fail(new GatewayError.BadGateway("upstream_stream_truncated", msg));
        });
        upResp.endHandler(v -> out.end());
        ex.onClientGone(up::reset);
    }
}

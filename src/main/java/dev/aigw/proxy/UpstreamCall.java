package dev.aigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.streams.Pipe;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * One upstream attempt: opens the request, sends the body (buffered, or the client's through a
 * pipe), and completes with the response head, or fails with an {@link UpstreamFailure}. A
 * timeout bounds the wait for the response head; {@link #cancel} resets the request.
 */
final class UpstreamCall {
    private final Vertx vertx;
    private final Upstreams upstreams;
    private final String where;
    private final Promise<HttpClientResponse> result = Promise.promise();
    private HttpClientRequest request;
    private long timer = -1;
    private boolean settled;

    UpstreamCall(Vertx vertx, Upstreams upstreams, String where) {
        this.vertx = vertx;
        this.upstreams = upstreams;
        this.where = where;
    }

    String where() {
        return where;
    }

    HttpClientRequest request() {
        return request;
    }

    Future<HttpClientResponse> send(String host, int port, boolean tls, HttpMethod method, String uri, MultiMap headers,
                                    Buffer body, Pipe<Buffer> pipe, Optional<Duration> timeout) {
        timeout.filter(d -> !d.isZero()).ifPresent(d -> timer = vertx.setTimer(d.toMillis(),
                id -> fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, where + " did not answer within "
                        + d.toMillis() + " ms"), pipe)));
        upstreams.request(method, host, port, tls, uri).onComplete(ar -> {
            if (ar.failed()) {
                fail(UpstreamFailure.classify(where, ar.cause()), pipe);
                return;
            }
            HttpClientRequest up = ar.result();
            if (settled) {
                up.reset();
                return;
            }
            request = up;
            // The idle limit is let go once the response and the upload have ended (an answer may come first).
            Promise<Void> uploaded = Promise.promise();
            upstreams.watchIdle(up, uploaded.future());
            up.headers().setAll(headers);
            if (headers.contains(Headers.HOST)) {
                HostAndPort a = HostAndPort.parseAuthority(headers.get(Headers.HOST), -1);
                if (a != null) up.authority(a);
            }
            up.response().onComplete(rar -> {
                if (rar.failed()) fail(UpstreamFailure.classify(where, rar.cause()), pipe);
                else if (!settled) {
                    settled = true;
                    vertx.cancelTimer(timer);
                    result.complete(rar.result());
                } else {
                    up.reset();
                }
            });
            if (pipe != null) {
                if (!headers.contains(Headers.CONTENT_LENGTH)) up.setChunked(true);
                pipe.to(up).onComplete(ar2 -> {
                    uploaded.complete();
                    if (ar2.failed() && !settled) up.reset();
                });
            } else {
                up.end(body).onComplete(ar2 -> uploaded.complete());
            }
        });
        return result.future();
    }

    /** The client went away or another attempt won: stop this one. */
    void cancel() {
        fail(new UpstreamFailure(UpstreamFailure.Kind.CANCELLED, where + ": cancelled"), null);
        if (request != null) request.reset();
    }

    private void fail(UpstreamFailure f, Pipe<Buffer> pipe) {
        if (settled) return;
        settled = true;
        vertx.cancelTimer(timer);
        if (request != null) request.reset(0, new TimeoutException());
        if (pipe != null) pipe.close();
        result.fail(f);
    }
}

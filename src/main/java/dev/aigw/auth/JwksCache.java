package dev.aigw.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A remote JWKS, fetched on first use, kept for {@code cacheDuration}, refetched when stale or
 * when a token names a kid the set lacks (at most once per {@link #MIN_FORCED_REFRESH}, so a
 * stream of tokens with made-up kids cannot turn into a stream of fetches). Concurrent callers
 * share one fetch. Each fetch is bounded ({@code timeout}, 1 MiB); a failed refresh keeps the set
 * already held.
 *
 * <p>Thread-safe: state is one volatile snapshot, fetches are coalesced under a lock held only to
 * start or finish one.
 */
public final class JwksCache {
    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);
    static final Duration MIN_FORCED_REFRESH = Duration.ofSeconds(5);
    private static final int MAX_BYTES = 1024 * 1024;

    private record State(JWKSet set, long fetchedAtNanos) {
    }

    private final HttpClient client;
    private final URI uri;
    private final Duration cacheDuration;
    private final Duration timeout;
    private final LongSupplier nanos;
    private volatile State state;
    private Future<JWKSet> inFlight;
    private long lastForcedNanos = Long.MIN_VALUE / 2;
    private final AtomicLong fetches = new AtomicLong();

    public JwksCache(HttpClient client, URI uri, Duration cacheDuration, Duration timeout, LongSupplier nanos) {
        this.client = client;
        this.uri = uri;
        this.cacheDuration = cacheDuration;
        this.timeout = timeout;
        this.nanos = nanos;
    }

    public URI uri() {
        return uri;
    }

    /** Number of fetches started (for tests and the admin API). */
    public long fetches() {
        return fetches.get();
    }

    /** The key set: cached if fresh, else fetched (a stale set is returned if the fetch fails). */
    public Future<JWKSet> current() {
        State s = state;
        if (s != null && nanos.getAsLong() - s.fetchedAtNanos < cacheDuration.toNanos()) return Future.succeededFuture(s.set);
        return fetch(false);
    }

    /** Refetches because a token named an unknown kid; rate-limited. */
    public Future<JWKSet> refreshForUnknownKid() {
        return fetch(true);
    }

    private Future<JWKSet> fetch(boolean forced) {
        Promise<JWKSet> p;
        synchronized (this) {
            if (inFlight != null) return inFlight;
            long now = nanos.getAsLong();
            if (forced) {
                State s = state;
                if (s != null && now - lastForcedNanos < MIN_FORCED_REFRESH.toNanos()) return Future.succeededFuture(s.set);
                lastForcedNanos = now;
            }
            p = Promise.promise();
            inFlight = p.future();
        }
        fetches.incrementAndGet();
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost()).setPort(port)
                .setURI(path).setSsl("https".equalsIgnoreCase(uri.getScheme())).setIdleTimeout(timeout.toMillis())
                .setConnectTimeout(timeout.toMillis()).putHeader("accept", "application/json");
        // Read the body inside send()'s own callback (the pattern Vert.x documents), so its handler is
        // set while the response head is being handled, before any content is delivered. Chained flat
        // (request().compose(send).compose(resp -> resp.body())) the response reached body() one
        // future later; when the fetch ran on a different context from the pooled keep-alive
        // connection's (each call from a non-Vert.x thread gets a new context; event loops differ
        // too), the body was sometimes already delivered by then, body() never completed, and the
        // fetch hung until its timeout (seen as a 200 served and no body, in JwtAuthTest).
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        client.request(ro)
                .compose(req -> {
                    sent.set(req);
                    return req.send().compose(resp -> {
                        if (resp.statusCode() != 200) {
                            resp.end();
                            return Future.failedFuture("JWKS " + uri + " answered " + resp.statusCode());
                        }
                        String len = resp.getHeader("content-length");
                        if (len != null && len.matches("\\d{1,12}") && Long.parseLong(len) > MAX_BYTES) {
                            return Future.failedFuture("JWKS " + uri + " is larger than 1 MiB");
                        }
                        return resp.body();
                    });
                })
                .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                // A fetch that failed midway (timeout, oversized) must not leave its stream half-read
                // on a pooled connection.
                .onFailure(e -> {
                    HttpClientRequest req = sent.get();
                    if (req != null) req.reset();
                })
                .compose(this::parse)
                .onComplete(ar -> {
                    State before = state;
                    synchronized (this) {
                        inFlight = null;
                        if (ar.succeeded()) state = new State(ar.result(), nanos.getAsLong());
                    }
                    if (ar.succeeded()) {
                        p.complete(ar.result());
                    } else {
                        log.warn("JWKS {} could not be fetched: {}{}", uri, ar.cause().getMessage(),
                                before != null ? " (keeping the keys fetched before)" : "");
                        if (before != null) p.complete(before.set);
                        else p.fail(ar.cause());
                    }
                });
        return p.future();
    }

    private Future<JWKSet> parse(Buffer body) {
        if (body.length() > MAX_BYTES) return Future.failedFuture("JWKS " + uri + " is larger than 1 MiB");
        try {
            return Future.succeededFuture(JWKSet.parse(body.toString(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.text.ParseException e) {
            return Future.failedFuture("JWKS " + uri + " is not a JSON Web Key Set: " + e.getMessage());
        }
    }
}

package dev.aigw.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A provider stand-in: a real HTTP server (TLS with {@link TestCerts} when asked) that records
 * every request and answers with whatever the test scripts, in the provider's wire format.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the fake received it. */
    public record Recorded(String method, String uri, String path, String query, MultiMap headers, Buffer body,
                           String host) {
        public JsonNode json() {
            try {
                return JSON.readTree(body.getBytes());
            } catch (Exception e) {
                throw new AssertionError("upstream body is not JSON: " + body, e);
            }
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private volatile BiConsumer<Recorded, HttpServerRequest> responder = (r, req) -> req.response().setStatusCode(500)
            .end("no responder set");

    private FakeUpstream(boolean tls) {
        this(tls, 0);
    }

    private FakeUpstream(boolean tls, int port) {
        vertx = Vertx.vertx();
        HttpServerOptions o = new HttpServerOptions().setHost("127.0.0.1").setPort(port);
        if (tls) {
            o.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PfxOptions()
                    .setPath(TestCerts.keyStore().toString()).setPassword(TestCerts.PASSWORD));
        }
        server = vertx.createHttpServer(o).requestHandler(req -> req.body().onSuccess(body -> {
            Recorded r = new Recorded(req.method().name(), req.uri(), req.path(), req.query(),
                    MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body,
                    req.authority() == null ? null : req.authority().toString());
            requests.add(r);
            responder.accept(r, req);
        }));
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static FakeUpstream tls() {
        return new FakeUpstream(true);
    }

    public static FakeUpstream plain() {
        return new FakeUpstream(false);
    }

    /** On a given port: to restart a "provider" where the gateway expects it. */
    public static FakeUpstream plain(int port) {
        return new FakeUpstream(false, port);
    }

    public int port() {
        return server.actualPort();
    }

    public Vertx vertx() {
        return vertx;
    }

    public FakeUpstream respond(BiConsumer<Recorded, HttpServerRequest> r) {
        this.responder = r;
        return this;
    }

    /** Answers every request with this status, content type and body. */
    public FakeUpstream respondWith(int status, String contentType, String body) {
        return respond((r, req) -> req.response().setStatusCode(status).putHeader("content-type", contentType).end(body));
    }

    public Recorded take() {
        try {
            Recorded r = requests.poll(10, TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("the upstream received no request within 10 s");
            return r;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public int received() {
        return requests.size();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }
}

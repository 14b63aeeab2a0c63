package dev.aigw.proxy;

import dev.aigw.route.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The listening side: one set of Vert.x servers per Gateway listener port (one server per event
 * loop, so connections spread across cores), all reading the current {@link Snapshot}.
 * {@link #apply} swaps the snapshot atomically and opens or closes ports to match it; a closed
 * port drains its in-flight requests first.
 */
public final class GatewayServer {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Vertx vertx;
    private final ProxyOptions options;
    private final ProxyServices services;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());
    private final Map<Integer, List<HttpServer>> servers = new HashMap<>();
    private final Map<Integer, Snapshot.TlsCertificate> certificates = new HashMap<>();
    private final int instances;

    public GatewayServer(Vertx vertx, ProxyOptions options, dev.aigw.telemetry.Telemetry telemetry) {
        this(vertx, options, telemetry, ProxyServices.Stages.NONE);
    }

    /** {@code stages}: request-scope stages plugged into the AI pipeline (authentication, limits). */
    public GatewayServer(Vertx vertx, ProxyOptions options, dev.aigw.telemetry.Telemetry telemetry,
                         ProxyServices.Stages stages) {
        this(vertx, options, telemetry, stages, new dev.aigw.governance.GovernanceTables(),
                new dev.aigw.governance.GovernanceRuntime(vertx, null, dev.aigw.cost.Catalog.defaults()));
    }

    /** With governance: {@code tables} holds each snapshot's compiled policies, published before {@link #apply}. */
    public GatewayServer(Vertx vertx, ProxyOptions options, dev.aigw.telemetry.Telemetry telemetry,
                         ProxyServices.Stages stages, dev.aigw.governance.GovernanceTables tables,
                         dev.aigw.governance.GovernanceRuntime runtime) {
        this.vertx = vertx;
        this.options = options;
        this.services = ProxyServices.create(vertx, options, telemetry, stages, tables, runtime);
        this.instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The state of every provider tried so far (health, ejection, latency), as text. */
    public String providers() {
        return services.health().describe();
    }

    /** The providers' health as the planner sees it, for the admin dashboard (read-only use). */
    public dev.aigw.proxy.resilience.ProviderHealth health() {
        return services.health();
    }

    public Snapshot snapshot() {
        return current.get();
    }

    /** Serves {@code next}: ports it adds are opened before the swap, ports it drops closed after. */
    public synchronized Future<Void> apply(Snapshot next) {
        if (usesTls(next)) services.upstreams().expectTls();
        Set<Integer> wanted = new TreeSet<>(next.ports().keySet());
        List<Future<?>> opening = new ArrayList<>();
        List<Future<?>> switching = new ArrayList<>();
        for (int port : wanted) {
            Snapshot.TlsCertificate cert = next.tls().get(port);
            Snapshot.TlsCertificate had = certificates.get(port);
            if (servers.containsKey(port) && (cert == null) != (had == null)) {
                // HTTP became HTTPS or back: the socket is re-opened with the other protocol.
                // A short drain: the port is closed until the old servers stop, and apply is awaited.
                switching.add(close(port, SWITCH_DRAIN_SECONDS).compose(v -> {
                    synchronized (this) {
                        return open(port, cert);
                    }
                }));
            } else if (!servers.containsKey(port)) {
                opening.add(open(port, cert));
            } else if (cert != null && !cert.equals(had)) {
                // A rotated certificate: new handshakes use it, open connections keep theirs.
                certificates.put(port, cert);
                for (HttpServer s : servers.get(port)) switching.add(s.updateSSLOptions(sslOptions(cert)));
            }
        }
        opening.addAll(switching);
        return Future.all(opening).compose(v -> {
            current.set(next);
            services.health().retain(dev.aigw.proxy.resilience.ProviderKey.allIn(next));
            List<Future<?>> closing = new ArrayList<>();
            synchronized (this) {
                for (Integer port : new ArrayList<>(servers.keySet())) {
                    if (!wanted.contains(port)) closing.add(close(port));
                }
            }
            return Future.all(closing).mapEmpty();
        }, err -> {
            synchronized (this) {
                for (int port : wanted) if (!current.get().ports().containsKey(port) && servers.containsKey(port)) close(port);
            }
            return Future.failedFuture(err);
        });
    }

    /** Whether a provider of the snapshot is reached over TLS (other TLS calls, e.g. webhooks, load the trust on first use). */
    static boolean usesTls(Snapshot snapshot) {
        return snapshot.aiProviders().stream().anyMatch(p -> p.target().tls());
    }

    private static io.vertx.core.net.ServerSSLOptions sslOptions(Snapshot.TlsCertificate cert) {
        return new io.vertx.core.net.ServerSSLOptions().setKeyCertOptions(keyCert(cert));
    }

    private static io.vertx.core.net.PemKeyCertOptions keyCert(Snapshot.TlsCertificate cert) {
        return new io.vertx.core.net.PemKeyCertOptions()
                .setCertValue(io.vertx.core.buffer.Buffer.buffer(cert.certPem()))
                .setKeyValue(io.vertx.core.buffer.Buffer.buffer(cert.keyPem()));
    }

    private Future<Void> open(int port, Snapshot.TlsCertificate cert) {
        List<HttpServer> list = new ArrayList<>();
        servers.put(port, list);
        if (cert != null) certificates.put(port, cert);
        else certificates.remove(port);
        List<Future<HttpServer>> started = new ArrayList<>();
        HttpServerOptions opts = new HttpServerOptions()
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // No WebSocket is served (Realtime routes are refused): without these Vert.x puts a
                // WebSocket extension handler in every connection's pipeline, which looks at every
                // request and response.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                // No HTTP/2 cleartext (h2c): Vert.x's prior-knowledge detector holds a connection that
                // sent half a request head without handing it over (ClientGuard never sees it, so no
                // head timeout applies). Clients speak HTTP/1.1 here; an Upgrade: h2c is ignored.
                // Should it come back, its header list is held to the same 64 KiB as HTTP/1.1's.
                .setHttp2ClearTextEnabled(false)
                .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxHeaderListSize(MAX_HEADER_BYTES))
                // Idle client connections are closed after this long (streams write, so they are not idle).
                .setIdleTimeout(600)
                // Responses are written only on their connection's event loop (ClientResponse makes
                // sure): Vert.x then writes straight to the channel instead of through a
                // multi-producer queue and a hop per write.
                .setStrictThreadMode(true);
        ClientGuard guard = new ClientGuard(options.clientLimits(), port);
        if (cert != null) {
            opts.setSsl(true).setUseAlpn(false).setKeyCertOptions(keyCert(cert));
        }
        for (int i = 0; i < instances; i++) {
            // Each server gets its own event-loop context, so accepted connections spread across loops.
            io.vertx.core.Context ctx = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
            io.vertx.core.Promise<HttpServer> p = io.vertx.core.Promise.promise();
            ctx.runOnContext(v -> {
                HttpServer s = vertx.createHttpServer(opts)
                        .connectionHandler(conn -> {
                            guard.accept(conn);
                            FlushBatching.install(conn);
                        })
                        .requestHandler(new ProxyHandler(services, port, current::get));
                synchronized (list) {
                    list.add(s);
                }
                s.listen(port, options.bindAddress()).onComplete(p);
            });
            started.add(p.future());
        }
        // join, not all: on a failure every instance has settled (and is in the list) before the port is closed.
        return Future.join(started).<Void>mapEmpty()
                .onSuccess(v -> log.info("listening on {}:{}{}", options.bindAddress(), port, cert != null ? " (HTTPS)" : ""))
                .recover(e -> {
                    synchronized (GatewayServer.this) {
                        close(port);
                    }
                    return Future.failedFuture(new IllegalStateException("cannot listen on port " + port + ": "
                            + e.getMessage(), e));
                });
    }

    /** The largest request head (HTTP/1.1 headers, HTTP/2 header list). */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int SWITCH_DRAIN_SECONDS = 5;
    private static final int DRAIN_SECONDS = 30;

    private Future<Void> close(int port) {
        return close(port, DRAIN_SECONDS);
    }

    private Future<Void> close(int port, int drainSeconds) {
        certificates.remove(port);
        List<HttpServer> list = servers.remove(port);
        if (list == null) return Future.succeededFuture();
        List<Future<?>> fs = new ArrayList<>();
        synchronized (list) {
            for (HttpServer s : list) fs.add(s.shutdown(drainSeconds, java.util.concurrent.TimeUnit.SECONDS));
        }
        log.info("closed port {}", port);
        return Future.all(fs).mapEmpty();
    }

    /** The ports actually bound (a listener port of 0 binds a free one, for tests). */
    public synchronized Map<Integer, Integer> boundPorts() {
        Map<Integer, Integer> out = new HashMap<>();
        servers.forEach((p, list) -> {
            synchronized (list) {
                if (!list.isEmpty()) out.put(p, list.getFirst().actualPort());
            }
        });
        return out;
    }

    public Future<Void> close() {
        List<Future<?>> fs = new ArrayList<>();
        synchronized (this) {
            for (Integer port : new ArrayList<>(servers.keySet())) fs.add(close(port));
        }
        return Future.all(fs).compose(v -> Future.all(services.upstreams().close(), services.policies().close())).mapEmpty();
    }
}

package dev.aigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pooled upstream clients: one for TLS (HTTP/2 by ALPN when the provider offers it, else
 * HTTP/1.1), one for plain HTTP/1.1. Certificates are checked against the JVM's trust store
 * (so {@code -Djavax.net.ssl.trustStore} works) plus any configured CA files; host names are
 * verified and SNI is always sent.
 *
 * <p>Each event loop has its own pair of clients, so a request always gets an upstream
 * connection owned by the event loop serving it. (A Vert.x pool hands any idle connection to
 * any caller; a connection owned by another loop costs two thread hand-offs and wake-ups per
 * request, which showed up as added latency and lost throughput in bench/run.sh.)
 */
public final class Upstreams {
    private final Vertx vertx;
    private final HttpClientOptions plainOptions;
    private final HttpClientOptions tlsOptions;
    private final PoolOptions pool;
    // Per event loop; the TLS client is made on the first TLS request (its SSL context costs start-up
    // time a plain-HTTP upstream never needs).
    private final Map<Object, HttpClientAgent> tlsPerLoop = new ConcurrentHashMap<>();
    private final Map<Object, HttpClientAgent> plainPerLoop = new ConcurrentHashMap<>();
    private final Map<Object, IdleWatch> idlePerLoop = new ConcurrentHashMap<>();
    private final Map<String, String> connectTo;
    private final long connectTimeoutMs;
    private final JvmTrust jvmTrust;
    static final long IDLE_TIMEOUT_MS = 10 * 60 * 1000;

    public Upstreams(Vertx vertx, ProxyOptions options) {
        this(vertx, options, new JvmTrust());
    }

    /** With a given JVM trust (tests: one whose load is slow or fails). */
    Upstreams(Vertx vertx, ProxyOptions options, JvmTrust jvmTrust) {
        this.vertx = vertx;
        this.jvmTrust = jvmTrust;
        this.pool = new PoolOptions().setHttp1MaxSize(1024).setHttp2MaxSize(8).setMaxWaitQueueSize(-1);
        this.plainOptions = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false);
        this.tlsOptions = new HttpClientOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setVerifyHost(true)
                .setForceSni(true)
                .setTcpNoDelay(true)
                .setTrustOptions(TrustOptions.wrap(trustManager(jvmTrust, options.caFiles())))
                .setDecompressionSupported(false);
        this.connectTo = options.connectTo();
        this.connectTimeoutMs = options.connectTimeout().toMillis();
    }

    /** The TLS or plain client of the given event loop's context (or of "no loop" when called from elsewhere). */
    private HttpClientAgent client(ContextInternal ctx, boolean useTls) {
        Object key = ctx == null ? "none" : ctx.nettyEventLoop();
        return useTls ? tlsPerLoop.computeIfAbsent(key, k -> newClient(tlsOptions))
                : plainPerLoop.computeIfAbsent(key, k -> newClient(plainOptions));
    }

    /** A pooled client whose connections flush once per event-loop turn ({@link FlushBatching}). */
    private HttpClientAgent newClient(HttpClientOptions options) {
        return vertx.httpClientBuilder().with(options).with(pool).withConnectHandler(FlushBatching::install).build();
    }

    /** A TLS upstream is configured: the JVM's trust store is loaded now, before its first request. */
    public void expectTls() {
        jvmTrust.start();
    }

    /** Whether the JVM's trust store has been asked for (tests). */
    boolean trustRequested() {
        return jvmTrust.started();
    }

    /**
     * Sends on the calling loop's client. A TLS request made before the JVM's trust store is loaded
     * (the first ~50-70 ms after start) is sent once the load's future completes, on the same
     * context, so its handshake finds the store ready and no event loop ever waits for the load.
     */
    private Future<HttpClientRequest> send(boolean useTls, RequestOptions ro) {
        ContextInternal ctx = ((VertxInternal) vertx).getContext();
        if (!useTls || jvmTrust.isLoaded()) return client(ctx, useTls).request(ro);
        return jvmTrust.whenLoaded(ctx).compose(v -> client(ctx, true).request(ro));
    }

    /**
     * Bounds {@code request}'s silences by {@link #IDLE_TIMEOUT_MS}: a response that sends nothing
     * for this long is dead, even mid-stream (LLM answers can think for minutes before a byte, so
     * this is generous). Through the calling loop's {@link IdleWatch}, which costs no timer for a
     * request that is over within a second or two. {@code uploaded} completes when the request's
     * body has been sent (or its sending stopped): the limit is let go only then.
     */
    void watchIdle(HttpClientRequest request, Future<?> uploaded) {
        ContextInternal ctx = ((VertxInternal) vertx).getContext();
        if (ctx == null) {
            request.idleTimeout(IDLE_TIMEOUT_MS);
            return;
        }
        IdleWatch w = idlePerLoop.get(ctx.nettyEventLoop());
        if (w == null) w = idlePerLoop.computeIfAbsent(ctx.nettyEventLoop(), k -> new IdleWatch(ctx.nettyEventLoop(), IDLE_TIMEOUT_MS));
        w.watch(request, uploaded);
    }

    public Future<HttpClientRequest> request(HttpMethod method, String host, int port, boolean useTls, String uri) {
        RequestOptions ro = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setConnectTimeout(connectTimeoutMs);
        String redirect = connectTo.isEmpty() ? null : connectTo.get(host + ":" + port);
        if (redirect != null) {
            int colon = redirect.lastIndexOf(':');
            ro.setServer(SocketAddress.inetSocketAddress(Integer.parseInt(redirect.substring(colon + 1)),
                    redirect.substring(0, colon)));
        }
        return send(useTls, ro);
    }

    /**
     * Any other outbound call (guardrail webhooks, moderation): the same pooled clients, trust and
     * {@code --connect-to} as provider requests. {@code ro}'s own timeouts are kept.
     */
    public Future<HttpClientRequest> request(RequestOptions ro, boolean useTls) {
        if (ro.getConnectTimeout() <= 0) ro.setConnectTimeout(connectTimeoutMs);
        String redirect = connectTo.get(ro.getHost() + ":" + ro.getPort());
        if (redirect != null) {
            int colon = redirect.lastIndexOf(':');
            ro.setServer(SocketAddress.inetSocketAddress(Integer.parseInt(redirect.substring(colon + 1)),
                    redirect.substring(0, colon)));
        }
        ro.setSsl(useTls);
        return send(useTls, ro);
    }

    public Future<Void> close() {
        List<Future<?>> fs = new ArrayList<>();
        for (HttpClientAgent c : tlsPerLoop.values()) fs.add(c.close());
        for (HttpClientAgent c : plainPerLoop.values()) fs.add(c.close());
        return Future.all(fs).mapEmpty();
    }

    /** The JVM's default trust plus the given PEM files: a certificate either accepts is trusted. */
    static TrustManager trustManager(List<Path> caFiles) {
        JvmTrust jvm = new JvmTrust();
        jvm.start();
        return trustManager(jvm, caFiles);
    }

    private static TrustManager trustManager(JvmTrust jvm, List<Path> caFiles) {
        try {
            if (caFiles.isEmpty()) return jvm;
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            int i = 0;
            for (Path f : caFiles) {
                try (InputStream in = Files.newInputStream(f)) {
                    for (Certificate c : cf.generateCertificates(in)) ks.setCertificateEntry("ca-" + i++, c);
                }
            }
            if (i == 0) throw new IllegalArgumentException("no certificates in " + caFiles);
            X509TrustManager extra = x509(ks);
            return new Composite(List.of(jvm, extra));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load CA files " + caFiles + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        for (TrustManager tm : f.getTrustManagers()) if (tm instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("no X509TrustManager");
    }

    /**
     * The JVM's trust store, loaded on a thread of its own once a TLS upstream is expected (a
     * config with one is served: {@link #expectTls}) or first used, so the listeners open without
     * waiting for it and a gateway with plain-HTTP upstreams only never reads it (reading and
     * parsing its ~150 certificates is 50-70 ms of CPU, and the JIT compiles of its big-integer
     * arithmetic, beside the first request). A TLS request that comes first is sent on
     * {@link #whenLoaded}; the checks below then find the store loaded (their bounded wait is
     * only for a caller that did not wait first).
     */
    static final class JvmTrust extends X509ExtendedTrustManager {
        static final long LOAD_TIMEOUT_S = 30;
        private final CompletableFuture<X509ExtendedTrustManager> loaded = new CompletableFuture<>();
        private final java.util.concurrent.Callable<X509ExtendedTrustManager> load;
        private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

        JvmTrust() {
            this(() -> (X509ExtendedTrustManager) x509(null));
        }

        /** Loads with {@code load} on a thread of its own, when first needed (tests: a load that is slow or fails). */
        JvmTrust(java.util.concurrent.Callable<X509ExtendedTrustManager> load) {
            this.load = load;
        }

        /** Starts the load now unless it has started. */
        void start() {
            if (!started.compareAndSet(false, true)) return;
            Thread t = new Thread(() -> {
                try {
                    loaded.complete(load.call());
                } catch (Throwable e) {
                    loaded.completeExceptionally(e);
                }
            }, "trust-store-load");
            t.setDaemon(true);
            t.start();
        }

        boolean started() {
            return started.get();
        }

        boolean isLoaded() {
            return loaded.isDone() && !loaded.isCompletedExceptionally();
        }

        /**
         * Completes on {@code ctx} (when given) once the store is loaded; fails with an
         * {@link javax.net.ssl.SSLException} saying why when the load failed or took over
         * {@value #LOAD_TIMEOUT_S} s.
         */
        Future<Void> whenLoaded(ContextInternal ctx) {
            start();
            Future<X509ExtendedTrustManager> f = ctx == null ? Future.fromCompletionStage(loaded)
                    : Future.fromCompletionStage(loaded, ctx);
            return f.timeout(LOAD_TIMEOUT_S, TimeUnit.SECONDS).transform(ar -> {
                if (ar.succeeded()) return Future.succeededFuture();
                Throwable e = ar.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : ar.cause();
                String why = e instanceof TimeoutException
                        ? "not loaded after " + LOAD_TIMEOUT_S + " s" : "could not be loaded: " + e.getMessage();
                return Future.failedFuture(new javax.net.ssl.SSLException("the JVM's trust store " + why, e));
            });
        }

        X509ExtendedTrustManager get() throws CertificateException {
            start();
            try {
                return loaded.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new CertificateException("the JVM's trust store could not be loaded: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                throw new CertificateException("the JVM's trust store is not loaded yet: " + e, e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            get().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            get().checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            get().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            get().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            get().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            get().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            try {
                return get().getAcceptedIssuers();
            } catch (CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }

    private record Composite(List<X509TrustManager> delegates) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, true);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, false);
        }

        private void check(X509Certificate[] chain, String authType, boolean client) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager tm : delegates) {
                try {
                    if (client) tm.checkClientTrusted(chain, authType);
                    else tm.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>();
            for (X509TrustManager tm : delegates) all.addAll(List.of(tm.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}

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

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
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
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<Object, Clients> perLoop = new ConcurrentHashMap<>();
    private final Map<String, String> connectTo;
    private final long connectTimeoutMs;
    static final long IDLE_TIMEOUT_MS = 10 * 60 * 1000;

    private record Clients(HttpClientAgent tls, HttpClientAgent plain) {
    }

    public Upstreams(Vertx vertx, ProxyOptions options) {
        this.vertx = vertx;
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
                .setTrustOptions(TrustOptions.wrap(trustManager(options.caFiles())))
                .setDecompressionSupported(false);
        this.connectTo = options.connectTo();
        this.connectTimeoutMs = options.connectTimeout().toMillis();
    }

    /** The clients of the calling event loop (or of "no loop" when called from elsewhere). */
    private Clients clients() {
        ContextInternal ctx = ((VertxInternal) vertx).getContext();
        Object key = ctx == null ? "none" : ctx.nettyEventLoop();
        return perLoop.computeIfAbsent(key, k -> new Clients(vertx.createHttpClient(tlsOptions, pool),
                vertx.createHttpClient(plainOptions, pool)));
    }

    public Future<HttpClientRequest> request(HttpMethod method, String host, int port, boolean useTls, String uri) {
        RequestOptions ro = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setConnectTimeout(connectTimeoutMs)
                // A response that sends nothing for this long is dead, even mid-stream; LLM answers
                // can think for minutes before a byte, so this is generous.
                .setIdleTimeout(IDLE_TIMEOUT_MS);
        String redirect = connectTo.isEmpty() ? null : connectTo.get(host + ":" + port);
        if (redirect != null) {
            int colon = redirect.lastIndexOf(':');
            ro.setServer(SocketAddress.inetSocketAddress(Integer.parseInt(redirect.substring(colon + 1)),
                    redirect.substring(0, colon)));
        }
        Clients c = clients();
        return (useTls ? c.tls() : c.plain()).request(ro);
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
        Clients c = clients();
        return (useTls ? c.tls() : c.plain()).request(ro);
    }

    public Future<Void> close() {
        List<Future<?>> fs = new ArrayList<>();
        for (Clients c : perLoop.values()) {
            fs.add(c.tls().close());
            fs.add(c.plain().close());
        }
        return Future.all(fs).mapEmpty();
    }

    /** The JVM's default trust plus the given PEM files: a certificate either accepts is trusted. */
    static TrustManager trustManager(List<Path> caFiles) {
        try {
            X509TrustManager jvm = x509(null);
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

package dev.aigw.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.TestCerts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The upstream trust: the JVM's store (loaded off the start-up path) plus --ca-file certificates. */
class UpstreamsTrustTest {

    private static X509Certificate testCa() throws Exception {
        try (InputStream in = Files.newInputStream(TestCerts.caPem())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(in).iterator().next();
        }
    }

    @Test
    void theJvmsStoreIsLoadedInTheBackgroundAndTrustsWhatTheJvmTrusts() throws Exception {
        Upstreams.JvmTrust jvm = new Upstreams.JvmTrust();
        assertThat(jvm.getAcceptedIssuers()).hasSizeGreaterThan(20); // waits for the load
        X509Certificate ca = testCa();
        assertThatThrownBy(() -> jvm.checkServerTrusted(new X509Certificate[]{ca}, "RSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void theStoreIsReadOnlyOnceATlsUpstreamIsExpectedOrUsed() throws Exception {
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        Vertx vertx = Vertx.vertx();
        try (FakeUpstream plain = FakeUpstream.plain().respondWith(200, "application/json", "{}")) {
            Upstreams.JvmTrust counted = new Upstreams.JvmTrust(() -> {
                loads.incrementAndGet();
                return jvmDefault();
            });
            Upstreams up = new Upstreams(vertx, ProxyOptions.defaults(), counted);
            Promise<Integer> status = Promise.promise();
            vertx.getOrCreateContext().runOnContext(v -> up.request(HttpMethod.GET, "127.0.0.1", plain.port(), false, "/v1/models")
                    .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())).onComplete(status));
            assertThat(status.future().await(10, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(up.trustRequested()).as("plain HTTP does not read the trust store").isFalse();
            assertThat(loads).hasValue(0);

            up.expectTls();
            assertThat(up.trustRequested()).isTrue();
            assertThat(counted.getAcceptedIssuers()).hasSizeGreaterThan(20);
            up.expectTls();
            assertThat(loads).hasValue(1);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConfigWithATlsProviderIsOneThatExpectsTls() {
        String plain = """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: local, namespace: kgateway-system}
                spec:
                  type: AI
                  ai: {llm: {host: 127.0.0.1, port: 8081, openai: {authToken: {kind: Inline, inline: t}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: kgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway}]
                  rules:
                  - backendRefs: [{name: local, group: gateway.kgateway.dev, kind: Backend}]
                """;
        dev.aigw.route.Snapshot local = compile(plain);
        assertThat(dev.aigw.proxy.resilience.ProviderKey.allIn(local)).as("the config compiles to a provider").hasSize(1);
        assertThat(GatewayServer.usesTls(local)).isFalse();
        assertThat(GatewayServer.usesTls(compile(plain.replace("host: 127.0.0.1, port: 8081", "host: api.openai.com, port: 443"))))
                .isTrue();
    }

    private static dev.aigw.route.Snapshot compile(String yaml) {
        return dev.aigw.route.SnapshotCompiler.compile(dev.aigw.config.YamlResources.parse("t.yaml", yaml).resources(), 1,
                new dev.aigw.route.SnapshotCompiler.Options(8080, name -> null, true)).snapshot();
    }

    @Test
    void aCaFileIsTrustedBesidesTheJvmsStoreAndABadOneFailsTheStart() throws Exception {
        X509TrustManager tm = (X509TrustManager) Upstreams.trustManager(List.of(TestCerts.caPem()));
        assertThat(tm.getAcceptedIssuers()).contains(testCa()).hasSizeGreaterThan(20);
        var empty = Files.createTempFile("empty", ".pem");
        try {
            assertThatThrownBy(() -> Upstreams.trustManager(List.of(empty)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificates in");
        } finally {
            Files.deleteIfExists(empty);
        }
    }

    /** The JVM's own trust manager, as the gateway loads it. */
    private static X509ExtendedTrustManager jvmDefault() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        return (X509ExtendedTrustManager) f.getTrustManagers()[0];
    }

    /** A TLS provider (the test CA via --ca-file) reached as api.openai.com through --connect-to. */
    private static Upstreams upstreams(Vertx vertx, FakeUpstream tls, Upstreams.JvmTrust jvm) {
        return new Upstreams(vertx, ProxyOptions.defaults().withCaFiles(List.of(TestCerts.caPem()))
                .withConnectTo(Map.of("api.openai.com:" + tls.port(), "127.0.0.1:" + tls.port())), jvm);
    }

    /** Sends GET /v1/models on the given event loop's context; the status, or the failure. */
    private static Future<Integer> get(Context loop, Upstreams up, int port) {
        Promise<Integer> status = Promise.promise();
        loop.runOnContext(v -> up.request(HttpMethod.GET, "api.openai.com", port, true, "/v1/models")
                .compose(req -> req.send())
                .compose((HttpClientResponse resp) -> resp.body().map(b -> resp.statusCode()))
                .onComplete(status));
        return status.future();
    }

    @Test
    void aTlsRequestBeforeTheTrustStoreIsLoadedIsSentWhenItIsWithoutHoldingItsEventLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Upstreams.JvmTrust slow = new Upstreams.JvmTrust(() -> {
            release.await();
            return jvmDefault();
        });
        Vertx vertx = Vertx.vertx();
        try (FakeUpstream tls = FakeUpstream.tls().respondWith(200, "application/json", "{\"data\":[]}")) {
            Upstreams up = upstreams(vertx, tls, slow);
            Context loop = vertx.getOrCreateContext();
            Future<Integer> status = get(loop, up, tls.port());
            // The loop stays free while the request waits: a timer set on it after the request fires
            // (a handshake waiting for the store inside the trust manager would hold the loop).
            CountDownLatch ticked = new CountDownLatch(1);
            loop.runOnContext(v -> vertx.setTimer(300, t -> ticked.countDown()));
            assertThat(ticked.await(5, TimeUnit.SECONDS)).as("the event loop ran its timer while the load was pending").isTrue();
            assertThat(status.isComplete()).isFalse();
            assertThat(tls.received()).isZero();
            assertThat(slow.isLoaded()).isFalse();

            release.countDown();
            assertThat(status.await(10, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(tls.take().path()).isEqualTo("/v1/models");
            assertThat(slow.isLoaded()).isTrue();
            // Once loaded, requests go straight out.
            assertThat(get(loop, up, tls.port()).await(10, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            release.countDown();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTrustStoreThatFailsToLoadFailsTheTlsRequestWithTheReasonAndPlainHttpStillWorks() throws Exception {
        Upstreams.JvmTrust broken = new Upstreams.JvmTrust(() -> {
            throw new KeyStoreException("cacerts: keystore password was incorrect");
        });
        Vertx vertx = Vertx.vertx();
        try (FakeUpstream tls = FakeUpstream.tls().respondWith(200, "application/json", "{}");
             FakeUpstream plain = FakeUpstream.plain().respondWith(200, "application/json", "{}")) {
            Upstreams up = upstreams(vertx, tls, broken);
            Context loop = vertx.getOrCreateContext();
            Throwable failure = get(loop, up, tls.port()).transform(ar -> Future.succeededFuture(ar.cause()))
                    .await(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SSLException.class)
                    .hasMessage("the JVM's trust store could not be loaded: cacerts: keystore password was incorrect");
            assertThat(UpstreamFailure.classify("backend default/openai (api.openai.com)", failure).getMessage())
                    .isEqualTo("backend default/openai (api.openai.com): TLS failed: the JVM's trust store could not be loaded: "
                            + "cacerts: keystore password was incorrect");
            assertThat(tls.received()).isZero();

            Promise<Integer> plainStatus = Promise.promise();
            loop.runOnContext(v -> up.request(HttpMethod.GET, "127.0.0.1", plain.port(), false, "/v1/models")
                    .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())).onComplete(plainStatus));
            assertThat(plainStatus.future().await(10, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}

package dev.aigw.proxy;

import dev.aigw.testing.GatewayHarness;
import dev.aigw.testing.TestCerts;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS listeners terminate TLS with the certificate of their Secret (tls.crt / tls.key). */
class HttpsListenerTest {

    @Test
    void anHttpsListenerServesWithItsSecretsCertificate() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestCerts.keyStore())) {
            ks.load(in, TestCerts.PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("server", TestCerts.PASSWORD.toCharArray());
        Certificate cert = ks.getCertificate("server");
        String keyPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String certPem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (GatewayHarness gw = GatewayHarness.builder().env("CRT", certPem).env("KEY", keyPem).file("tls.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: gw-cert, namespace: infra}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: ${CRT}
                  tls.key: ${KEY}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - name: https
                    port: %d
                    protocol: HTTPS
                    tls: {mode: Terminate, certificateRefs: [{name: gw-cert}]}
                    allowedRoutes: {namespaces: {from: All}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: mock}
                spec: {type: AI, ai: {llm: {mock: {model: mock-1}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw, namespace: infra}]
                  rules: [{backendRefs: [{name: mock, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(port)).start()) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                            + "/v1/chat/completions")).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("Mock reply to: hi");
            assertThat(gw.get(gw.adminUrl() + "/config_dump").body()).doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void anHttpsListenerWithoutItsSecretStaysClosedAndSaysWhy() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (GatewayHarness gw = GatewayHarness.builder().file("tls.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - {name: https, port: %d, protocol: HTTPS, tls: {certificateRefs: [{name: missing}]}}
                """.formatted(port)).start()) {
            assertThat(gw.app().snapshot().problems()).anyMatch(p -> p.message().contains(
                    "certificate secret infra/missing not found; the port is not opened"));
            assertThat(gw.app().snapshot().ports()).doesNotContainKey(port);
        }
    }

    @Test
    void certificatesMustBePemAndInTheGatewaysNamespace() {
        String gw = """
                apiVersion: v1
                kind: Secret
                metadata: {name: bad, namespace: infra}
                stringData: {tls.crt: not a certificate, tls.key: nor a key}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  listeners:
                  - {name: a, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: bad}]}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw2, namespace: infra}
                spec:
                  listeners:
                  - {name: b, port: 9443, protocol: HTTPS, tls: {certificateRefs: [{name: other, namespace: elsewhere}]}}
                """;
        var r = dev.aigw.route.SnapshotCompiler.compile(dev.aigw.config.YamlResources.parse("g.yaml", gw).resources(), 1,
                new dev.aigw.route.SnapshotCompiler.Options(8080, k -> null));
        assertThat(r.problems()).anyMatch(p -> p.message().contains("tls.crt and tls.key must be PEM"));
        assertThat(r.snapshot().ports()).doesNotContainKey(8443);
        assertThat(r.problems()).anyMatch(p -> p.isError() && p.message().contains("needs a ReferenceGrant"));
    }
}

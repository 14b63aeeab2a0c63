package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that starts with plain-HTTP providers only (so it never reads the JVM's trust store
 * at start) and is then given TLS providers by a hot reload: their certificates are verified as
 * at start, chain and host name, not trusted blindly. Real TLS peers ({@code FakeUpstream.tls},
 * certificates from the test CA the gateway trusts through {@code --ca-file}).
 */
class HotReloadTlsTest {

    private static String config(int plainPort, boolean withTls) {
        String plain = """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: plain}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: m}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: plain}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{matches: [{path: {type: PathPrefix, value: /plain}}], backendRefs: [{name: plain, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(plainPort);
        if (!withTls) return plain;
        return plain + """
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: tls}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: m}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: misnamed}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: m}, host: not-in-the-cert.example.com, port: 443}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: tls}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /tls}}]
                    backendRefs: [{name: tls, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /misnamed}}]
                    backendRefs: [{name: misnamed, group: gateway.kgateway.dev, kind: Backend}]
                """;
    }

    private static HttpResponse<String> chat(GatewayHarness gw, String prefix) throws Exception {
        return gw.http().send(HttpRequest.newBuilder(URI.create(gw.url() + prefix + "/v1/chat/completions"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tlsProvidersAddedByAHotReloadAreVerifiedAsAtStart() throws Exception {
        String answer = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"over tls\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}";
        try (FakeUpstream plain = FakeUpstream.plain().respondWith(200, "application/json", answer.replace("over tls", "plain"));
             FakeUpstream tls = FakeUpstream.tls().respondWith(200, "application/json", answer);
             GatewayHarness gw = GatewayHarness.builder().watch(Duration.ofMillis(100))
                     .upstream("api.openai.com", tls).upstream("not-in-the-cert.example.com", tls)
                     .file("gw.yaml", config(plain.port(), false)).start()) {
            assertThat(chat(gw, "/plain").body()).contains("plain");
            long gen = gw.app().snapshot().generation();
            Files.writeString(gw.dir.resolve("gw.yaml"), config(plain.port(), true));
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gw.app().snapshot().generation() == gen && System.nanoTime() < until) Thread.sleep(50);
            assertThat(gw.app().snapshot().generation()).as("the reload was served").isGreaterThan(gen);

            HttpResponse<String> ok = chat(gw, "/tls");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("over tls");
            assertThat(tls.received()).isEqualTo(1);

            // The same server under a name its certificate does not carry: refused, nothing sent to it.
            HttpResponse<String> refused = chat(gw, "/misnamed");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
            assertThat(refused.body()).contains("TLS failed");
            assertThat(tls.received()).as("no request reached the misnamed server").isEqualTo(1);
        }
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way a request can fail gets a clear JSON error with the right status, and no secret. */
class FailuresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String backend(String name, String host, int port, String extraRule) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: %1$s}
                spec:
                  type: AI
                  ai:
                    llm:
                      openai:
                        authToken: {kind: Inline, inline: sk-secret-value}
                      host: %2$s
                      port: %3$d
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %1$s}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /%1$s}}]
                    backendRefs: [{name: %1$s, group: gateway.kgateway.dev, kind: Backend}]
                %4$s
                """.formatted(name, host, port, extraRule);
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode e = JSON.readTree(r.body()).path("error");
        assertThat(e.path("message").asText()).isNotEmpty();
        assertThat(e.path("type").asText()).isNotEmpty();
        assertThat(e.path("code").asInt()).isEqualTo(r.statusCode());
        assertThat(r.body()).doesNotContain("sk-secret-value");
        return e;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void errors() throws Exception {
        int dead = freePort();
        try (FakeUpstream hang = FakeUpstream.plain().respond((r, req) -> { /* never answers */ });
             FakeUpstream ok = FakeUpstream.plain().respondWith(200, "application/json", "{\"ok\":true}");
             GatewayHarness gw = GatewayHarness.builder().maxBody(1024)
                     .file("down.yaml", backend("down", "127.0.0.1", dead, ""))
                     .file("slow.yaml", backend("slow", "127.0.0.1", hang.port(), "    timeouts: {backendRequest: 300ms}"))
                     .file("ok.yaml", backend("ok", "127.0.0.1", ok.port(), ""))
                     .file("nosecret.yaml", """
                             apiVersion: gateway.kgateway.dev/v1alpha1
                             kind: Backend
                             metadata: {name: nosecret, namespace: kgateway-system}
                             spec:
                               type: AI
                               ai: {llm: {provider: {openai: {authToken: {kind: SecretRef, secretRef: {name: openai-secret}}}}}}
                             ---
                             apiVersion: gateway.networking.k8s.io/v1
                             kind: HTTPRoute
                             metadata: {name: nosecret, namespace: kgateway-system}
                             spec:
                               parentRefs: [{name: ai-gateway}]
                               rules:
                               - matches: [{path: {type: PathPrefix, value: /nosecret}}]
                                 backendRefs: [{name: nosecret, group: gateway.kgateway.dev, kind: Backend}]
                             """)
                     .start()) {
            HttpResponse<String> r = gw.post("/nowhere", CHAT);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(error(r).path("message").asText()).contains("no route matches POST /nowhere");

            r = gw.post("/down", CHAT);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(error(r).path("message").asText()).contains("Backend default/down", "127.0.0.1:" + dead, "refused");

            r = gw.post("/slow", CHAT);
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(error(r).path("message").asText()).contains("Backend default/slow", "300 ms");

            r = gw.post("/ok", "{\"model\": \"m\", \"messages\": [");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(error(r).path("message").asText()).contains("not valid JSON", "line 1");
            assertThat(ok.received()).isZero();

            r = gw.post("/ok", "[1,2]");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(error(r).path("message").asText()).contains("JSON object");

            r = gw.post("/ok", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2000) + "\"}]}");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(error(r).path("message").asText()).contains("1024 bytes");
            assertThat(ok.received()).isZero();

            r = gw.post("/nosecret", CHAT);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(error(r).path("message").asText()).contains("secret openai-secret not found in kgateway-system");

            // After all that, the good route still serves.
            r = gw.post("/ok", CHAT);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ok.take().headers().get("authorization")).isEqualTo("Bearer sk-secret-value");
            assertThat(gw.get(gw.adminUrl() + "/config_dump").body()).contains("<redacted>").doesNotContain("sk-secret-value");
        }
    }
}

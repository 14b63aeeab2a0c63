package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A Backend's priority groups: a failing provider is passed over for the next, in its own format. */
class FailoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String config(int anthropicPort, int geminiPort) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: mixed}
                spec:
                  type: AI
                  ai:
                    priorityGroups:
                    - providers:
                      - name: claude
                        anthropic: {authToken: {kind: Inline, inline: a-key}, model: claude-sonnet-4-5}
                        host: 127.0.0.1
                        port: %d
                    - providers:
                      - name: gemini
                        gemini: {authToken: {kind: Inline, inline: g-key}, model: gemini-2.0-flash, apiVersion: v1beta}
                        host: 127.0.0.1
                        port: %d
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: mixed, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(anthropicPort, geminiPort);
    }

    private static FakeUpstream gemini() {
        return FakeUpstream.plain().respondWith(200, "application/json", Fixtures.read("gemini/generate.json"));
    }

    @Test
    void anAnthropicOutageIsAnsweredByGeminiInOpenAiFormat() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (FakeUpstream g = gemini(); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(dead, g.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("AI learns patterns from data.");
            assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("gemini/gemini");
            FakeUpstream.Recorded up = g.take();
            assertThat(up.uri()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
            assertThat(up.headers().get("x-goog-api-key")).isEqualTo("g-key");
        }
    }

    @Test
    void rateLimitsAndOverloadFailOverButClientErrorsDoNot() throws Exception {
        for (int status : new int[]{429, 500, 529}) {
            try (FakeUpstream a = FakeUpstream.plain().respondWith(status, "application/json",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}");
                 FakeUpstream g = gemini();
                 GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(a.port(), g.port())).start()) {
                HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
                assertThat(r.statusCode()).as("after %d", status).isEqualTo(200);
                assertThat(a.received()).isEqualTo(1);
                assertThat(g.received()).isEqualTo(1);
            }
        }
        try (FakeUpstream a = FakeUpstream.plain().respondWith(400, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad request\"}}");
             FakeUpstream g = gemini();
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(a.port(), g.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).isEqualTo("bad request");
            assertThat(g.received()).isZero();
        }
    }

    @Test
    void whenEveryProviderFailsTheLastAnswerIsRelayed() throws Exception {
        try (FakeUpstream a = FakeUpstream.plain().respondWith(503, "application/json", "{\"error\":\"a down\"}");
             FakeUpstream g = FakeUpstream.plain().respondWith(503, "application/json",
                     "{\"error\":{\"code\":503,\"message\":\"gemini overloaded\",\"status\":\"UNAVAILABLE\"}}");
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(a.port(), g.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("gemini overloaded");
        }
    }

    @Test
    void aRoutesRetryCodesAddStatusesToFailOverOn() throws Exception {
        try (FakeUpstream a = FakeUpstream.plain().respondWith(409, "application/json", "{\"error\":{\"message\":\"conflict\"}}");
             FakeUpstream b = FakeUpstream.plain().respondWith(200, "application/json", Fixtures.read("openai/chat-completion.json"))) {
            String backend = """
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: two}
                    spec:
                      type: AI
                      ai:
                        priorityGroups:
                        - providers:
                          - {name: a, openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}
                        - providers:
                          - {name: b, openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: r}
                    spec:
                      parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /retrying}}]
                        retry: {codes: [409], attempts: 1}
                        backendRefs: [{name: two, group: gateway.kgateway.dev, kind: Backend}]
                      - matches: [{path: {type: PathPrefix, value: /plain}}]
                        backendRefs: [{name: two, group: gateway.kgateway.dev, kind: Backend}]
                    """.formatted(a.port(), b.port());
            try (GatewayHarness gw = GatewayHarness.builder().file("c.yaml", backend).start()) {
                assertThat(gw.post("/plain/v1/chat/completions", CHAT).statusCode()).as("409 is the client's answer by default")
                        .isEqualTo(409);
                HttpResponse<String> r = gw.post("/retrying/v1/chat/completions", CHAT);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("openai/b");
            }
        }
    }
}

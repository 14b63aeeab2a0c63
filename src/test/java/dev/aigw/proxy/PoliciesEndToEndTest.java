package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** TrafficPolicy spec.ai through the gateway: guards, enrichment and defaults on real requests and streams. */
class PoliciesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream openai;
    private static FakeUpstream anthropic;
    private static GatewayHarness gw;
    private static volatile String stream;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.plain().respond((r, req) -> {
            if (r.json().path("stream").asBoolean()) {
                req.response().putHeader("content-type", "text/event-stream").end(stream);
            } else {
                req.response().putHeader("content-type", "application/json").end("""
                        {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                        "message":{"role":"assistant","content":"Mail me at jane@example.com"},"finish_reason":"stop"}],
                        "usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}""");
            }
        });
        anthropic = FakeUpstream.plain().respondWith(200, "application/json", """
                {"id":"m1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"ok"}],
                "stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""");
        gw = GatewayHarness.builder().file("p.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: anthropic}
                spec:
                  type: AI
                  ai: {llm: {anthropic: {authToken: {kind: Inline, inline: k}, model: claude}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - name: openai
                    matches: [{path: {type: PathPrefix, value: /openai}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - name: anthropic
                    matches: [{path: {type: PathPrefix, value: /anthropic}}]
                    backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: guard}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
                  ai:
                    promptEnrichment:
                      prepend: [{role: system, content: "Answer in \\"plain\\" English."}]
                    defaults:
                    - {field: temperature, value: 0.2}
                    - {field: max_tokens, value: 50, override: true}
                    promptGuard:
                      request:
                        customResponse: {message: "No secrets, please", statusCode: 422}
                        regex:
                          action: REJECT
                          matches: [{pattern: "(?i)password", name: PASSWORD}]
                      response:
                        regex:
                          builtins: [CREDIT_CARD, EMAIL]
                """.formatted(openai.port(), anthropic.port())).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        anthropic.close();
    }

    @Test
    void enrichmentAndDefaultsReachTheProviderAndResponsesAreMasked() throws Exception {
        HttpResponse<String> r = gw.post("/openai/v1/chat/completions",
                "{\"model\":\"x\",\"max_tokens\":999,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Mail me at <EMAIL_ADDRESS>");
        JsonNode up = openai.take().json();
        assertThat(up.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(up.path("messages").get(0).path("content").asText()).isEqualTo("Answer in \"plain\" English.");
        assertThat(up.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(up.path("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aRejectedPromptNeverReachesTheProviderAndIsAnsweredInTheClientsFormat() throws Exception {
        int before = anthropic.received();
        HttpResponse<String> r = gw.post("/anthropic/v1/messages",
                "{\"model\":\"c\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"my password is hunter2\"}]}");
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode err = JSON.readTree(r.body());
        assertThat(err.path("type").asText()).isEqualTo("error");
        assertThat(err.path("error").path("message").asText()).isEqualTo("No secrets, please");
        Thread.sleep(100);
        assertThat(anthropic.received()).isEqualTo(before);

        HttpResponse<String> o = gw.post("/openai/v1/chat/completions",
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"PASSWORD reset\"}]}");
        assertThat(o.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(o.body()).path("error").path("message").asText()).isEqualTo("No secrets, please");
    }

    @Test
    void aCardNumberSplitAcrossThreeStreamEventsComesOutMasked() throws Exception {
        String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n";
        stream = chunk.formatted("Card 4111 11") + chunk.formatted("11 1111 ") + chunk.formatted("1111 ok, order 1234 5678 9012 3456")
                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        HttpResponse<String> r = gw.post("/openai/v1/chat/completions",
                "{\"model\":\"x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"card?\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            for (JsonNode c : JSON.readTree(line.substring(6)).path("choices")) text.append(c.path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isEqualTo("Card <CREDIT_CARD> ok, order 1234 5678 9012 3456");
        assertThat(r.body()).doesNotContain("4111").endsWith("data: [DONE]\n\n");
        openai.take();
    }
}

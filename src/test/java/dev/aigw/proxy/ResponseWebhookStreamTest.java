package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** promptGuard.response.webhook on streamed responses: the stream is held, judged, then released. */
class ResponseWebhookStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n";

    @Test
    void theWebhookMasksOrRejectsAStreamedAnswer() throws Exception {
        String stream = CHUNK.formatted("The code is ") + CHUNK.formatted("alpha-") + CHUNK.formatted("7")
                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        try (FakeUpstream llm = FakeUpstream.plain().respond((r, req) ->
                req.response().putHeader("content-type", "text/event-stream").end(stream));
             FakeUpstream webhook = FakeUpstream.plain().respond((r, req) -> {
                 JsonNode choice = r.json().path("body").path("choices").get(0);
                 String text = choice.path("message").path("content").asText();
                 String answer;
                 if (r.path().equals("/response") && text.contains("alpha-7") && req.getHeader("x-mode") == null) {
                     answer = "{\"action\":{\"body\":{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\""
                             + text.replace("alpha-7", "[redacted]") + "\"}}]},\"reason\":\"code\"}}";
                 } else if (r.path().equals("/response")) {
                     answer = "{\"action\":{\"body\":\"Not allowed\",\"status_code\":403,\"reason\":\"blocked\"}}";
                 } else {
                     answer = "{\"action\":{}}";
                 }
                 req.response().putHeader("content-type", "application/json").end(answer);
             });
             GatewayHarness gw = GatewayHarness.builder().file("w.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: llm}
                     spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules: [{backendRefs: [{name: llm, group: gateway.kgateway.dev, kind: Backend}]}]
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: TrafficPolicy
                     metadata: {name: w}
                     spec:
                       targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                       ai:
                         promptGuard:
                           response:
                             webhook: {host: {host: 127.0.0.1, port: %d}, forwardHeaders: [x-mode]}
                     """.formatted(llm.port(), webhook.port())).start()) {
            String req = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"code?\"}]}";
            HttpResponse<String> masked = gw.post("/v1/chat/completions", req);
            assertThat(masked.statusCode()).isEqualTo(200);
            StringBuilder text = new StringBuilder();
            for (String line : masked.body().split("\n")) {
                if (!line.startsWith("data: {")) continue;
                for (JsonNode c : JSON.readTree(line.substring(6)).path("choices")) text.append(c.path("delta").path("content").asText(""));
            }
            assertThat(text.toString()).isEqualTo("The code is [redacted]");
            assertThat(masked.body()).doesNotContain("alpha").contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");

            HttpResponse<String> rejected = gw.post("/v1/chat/completions", req, "x-mode", "strict");
            assertThat(rejected.body()).doesNotContain("alpha").contains("event: error").contains("Not allowed");
        }
    }
}

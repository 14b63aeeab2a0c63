package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** One URL, many providers: the body's model picks the Backend through an x-gateway-model header match. */
class ModelRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBodysModelPicksTheBackend() throws Exception {
        try (FakeUpstream openai = FakeUpstream.plain().respondWith(200, "application/json", Fixtures.read("openai/chat-completion.json"));
             FakeUpstream anthropic = FakeUpstream.plain().respondWith(200, "application/json", Fixtures.read("anthropic/message.json"));
             FakeUpstream web = FakeUpstream.plain().respond((r, req) -> req.response().end("stored " + r.body().length()));
             GatewayHarness gw = GatewayHarness.builder().file("m.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: openai}
                     spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}}}
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: anthropic}
                     spec: {type: AI, ai: {llm: {anthropic: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: by-model}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-gateway-model, value: gpt-4o-mini}]}]
                         backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                       - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-gateway-model, type: RegularExpression, value: "claude-.*"}]}]
                         backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                       - matches: [{path: {type: PathPrefix, value: /upload}}]
                         backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: web}
                     spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                     """.formatted(openai.port(), anthropic.port(), web.port())).start()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.url() + "/v1").apiKey("unused").maxRetries(0).build();
            var a = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-sonnet-4-5")
                    .addUserMessage("hi").build());
            assertThat(a.choices().getFirst().message().content()).hasValue("Hi! My name is Claude.");
            assertThat(anthropic.take().json().path("model").asText()).isEqualTo("claude-sonnet-4-5");

            var o = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                    .addUserMessage("hi").build());
            assertThat(o.choices().getFirst().message().content()).hasValue("Hello! How can I assist you today?");
            assertThat(openai.take().uri()).isEqualTo("/v1/chat/completions");

            // GET /v1/models carries no model: it lists what the model-routed rules serve.
            HttpResponse<String> models = gw.get(gw.url() + "/v1/models");
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(models.body()).path("data").get(0).path("id").asText()).isEqualTo("gpt-4o-mini");

            // A plain upload on the same listener is streamed to its Static backend, not read for a model.
            HttpResponse<String> upload = gw.post("/upload/file", "0123456789");
            assertThat(upload.statusCode()).isEqualTo(200);
            assertThat(upload.body()).isEqualTo("stored 10");

            HttpResponse<String> none = gw.post("/v1/chat/completions", "{\"model\":\"llama-3\",\"messages\":[]}");
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(none.body()).path("error").path("message").asText())
                    .contains("llama-3").contains("gpt-4o-mini").contains("claude-.*");
        }
    }
}

package dev.aigw.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every provider natively, end to end: the official SDK (or raw HTTP where there is no SDK for
 * the shape) talks to the gateway; a TLS fake with the provider's real host name checks what
 * arrived and answers in the provider's wire format, streaming included.
 */
class ProvidersEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream openai;
    private static FakeUpstream anthropic;
    private static FakeUpstream gemini;
    private static FakeUpstream azure;
    private static FakeUpstream vertex;
    private static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean();
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "openai/chat-stream.sse" : "openai/chat-completion.json"));
        });
        anthropic = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean();
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "anthropic/message-stream.sse" : "anthropic/message.json"));
        });
        gemini = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.path().endsWith(":streamGenerateContent");
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "gemini/stream.sse" : "gemini/generate.json"));
        });
        azure = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("openai/chat-completion.json"));
        vertex = FakeUpstream.tls().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end(r.path().endsWith(":rawPredict") ? Fixtures.read("anthropic/message.json")
                        : Fixtures.read("gemini/generate.json")));
        gw = GatewayHarness.builder()
                .upstream("api.openai.com", openai)
                .upstream("api.anthropic.com", anthropic)
                .upstream("generativelanguage.googleapis.com", gemini)
                .upstream("my-resource.openai.azure.com", azure)
                .upstream("us-central1-aiplatform.googleapis.com", vertex)
                .env("OPENAI_KEY", "sk-openai-test")
                .file("providers.yaml", """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: keys, namespace: ai}
                        stringData:
                          Authorization: ${OPENAI_KEY}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: openai, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              openai:
                                model: gpt-4o-mini
                                authToken: {kind: SecretRef, secretRef: {name: keys}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: anthropic, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              anthropic:
                                authToken: {kind: Inline, inline: sk-ant-test}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: gemini, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              gemini:
                                model: gemini-2.0-flash
                                apiVersion: v1beta
                                authToken: {kind: Inline, inline: google-test}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: azure, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              azureopenai:
                                endpoint: https://my-resource.openai.azure.com/
                                deploymentName: gpt-4o-prod
                                apiVersion: 2024-10-21
                                authToken: {kind: Inline, inline: azure-test}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: vertex, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              vertexai:
                                model: gemini-2.0-flash
                                apiVersion: v1
                                projectId: my-project
                                location: us-central1
                                authToken: {kind: Inline, inline: ya29.vertex-token}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: vertex-claude, namespace: ai}
                        spec:
                          type: AI
                          ai:
                            llm:
                              vertexai:
                                model: claude-sonnet-4-5@20250929
                                apiVersion: v1
                                projectId: my-project
                                location: us-central1
                                publisher: ANTHROPIC
                                authToken: {kind: Inline, inline: ya29.vertex-token}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: providers, namespace: ai}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /openai}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /anthropic}}]
                            backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /gemini}}]
                            backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /azure}}]
                            backendRefs: [{name: azure, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: Exact, value: /vertex}}]
                            backendRefs: [{name: vertex, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: Exact, value: /vertex-claude}}]
                            backendRefs: [{name: vertex-claude, group: gateway.kgateway.dev, kind: Backend}]
                        """)
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        for (FakeUpstream f : List.of(openai, anthropic, gemini, azure, vertex)) f.close();
    }

    private static OpenAIClient openAiSdk() {
        return OpenAIOkHttpClient.builder().baseUrl(gw.url() + "/openai").apiKey("client-key-must-not-leak")
                .maxRetries(0).build();
    }

    @Test
    void openAiSdkPlain() {
        ChatCompletion c = openAiSdk().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-3.5-turbo").addUserMessage("Say hello").build());
        assertThat(c.choices().getFirst().message().content()).hasValue("Hello! How can I assist you today?");
        FakeUpstream.Recorded r = openai.take();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.uri()).isEqualTo("/v1/chat/completions");
        assertThat(r.headers().getAll("authorization")).containsExactly("Bearer sk-openai-test");
        assertThat(r.json().path("model").asText()).as("the Backend's model wins").isEqualTo("gpt-4o-mini");
        assertThat(r.json().path("messages").get(0).path("content").asText()).isEqualTo("Say hello");
    }

    @Test
    void openAiSdkStreaming() {
        List<String> parts = new ArrayList<>();
        try (var s = openAiSdk().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("Say hello").build())) {
            s.stream().forEach((ChatCompletionChunk ch) -> ch.choices().forEach(c -> c.delta().content().ifPresent(parts::add)));
        }
        assertThat(String.join("", parts)).isEqualTo("Hello there");
        FakeUpstream.Recorded r = openai.take();
        assertThat(r.json().path("stream").asBoolean()).isTrue();
    }

    private static AnthropicClient anthropicSdk() {
        return AnthropicOkHttpClient.builder().baseUrl(gw.url() + "/anthropic").apiKey("client-key-must-not-leak")
                .maxRetries(0).build();
    }

    @Test
    void anthropicSdkPlain() {
        Message m = anthropicSdk().messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5")
                .maxTokens(100).addUserMessage("Hi").build());
        assertThat(m.content().getFirst().text().orElseThrow().text()).isEqualTo("Hi! My name is Claude.");
        FakeUpstream.Recorded r = anthropic.take();
        assertThat(r.uri()).isEqualTo("/v1/messages");
        assertThat(r.headers().getAll("x-api-key")).containsExactly("sk-ant-test");
        assertThat(r.headers().get("anthropic-version")).as("the SDK's own version is kept").matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(r.json().path("model").asText()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void anthropicVersionDefaultsWhenNeitherClientNorBackendSetsIt() throws Exception {
        HttpResponse<String> r = gw.post("/anthropic/v1/messages",
                "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", "client-key-must-not-leak", "authorization", "Bearer also-not");
        assertThat(r.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = anthropic.take();
        assertThat(up.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.headers().getAll("x-api-key")).containsExactly("sk-ant-test");
        assertThat(up.headers().get("authorization")).isNull();
    }

    @Test
    void anthropicSdkStreaming() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = anthropicSdk().messages().createStreaming(
                MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(100).addUserMessage("Hi").build())) {
            s.stream().forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
        }
        assertThat(text.toString()).isEqualTo("Hello!");
        assertThat(anthropic.take().json().path("stream").asBoolean()).isTrue();
    }

    private static Client geminiSdk() {
        return Client.builder().apiKey("client-key-must-not-leak")
                .httpOptions(HttpOptions.builder().baseUrl(gw.url() + "/gemini").build()).build();
    }

    @Test
    void geminiSdkPlain() {
        GenerateContentResponse r = geminiSdk().models.generateContent("gemini-1.5-pro", "Explain AI", null);
        assertThat(r.text()).isEqualTo("AI learns patterns from data.");
        FakeUpstream.Recorded up = gemini.take();
        assertThat(up.uri()).as("the Backend's model is in the path").isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(up.headers().getAll("x-goog-api-key")).containsExactly("google-test");
        assertThat(up.query()).isNull();
    }

    @Test
    void geminiSdkStreaming() {
        StringBuilder text = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> s = geminiSdk().models.generateContentStream("gemini-1.5-pro",
                "Explain AI", null)) {
            for (GenerateContentResponse r : s) text.append(r.text());
        }
        assertThat(text.toString()).isEqualTo("AI learns patterns from data.");
        FakeUpstream.Recorded up = gemini.take();
        assertThat(up.uri()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        assertThat(up.headers().getAll("x-goog-api-key")).containsExactly("google-test");
    }

    @Test
    void geminiStreamsOnAltSse() throws Exception {
        HttpResponse<String> r = gw.post("/gemini?alt=sse", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Fixtures.read("gemini/stream.sse"));
        assertThat(gemini.take().uri()).endsWith(":streamGenerateContent?alt=sse");
    }

    @Test
    void azureOpenAi() throws Exception {
        HttpResponse<String> r = gw.post("/azure/anything?key=leak", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "api-key", "client-key-must-not-leak");
        assertThat(r.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = azure.take();
        assertThat(up.uri()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
        assertThat(up.headers().getAll("api-key")).containsExactly("azure-test");
        assertThat(up.host()).startsWith("my-resource.openai.azure.com");
    }

    @Test
    void vertexGemini() throws Exception {
        HttpResponse<String> r = gw.post("/vertex", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree(Fixtures.read("gemini/generate.json")));
        FakeUpstream.Recorded up = vertex.take();
        assertThat(up.uri()).isEqualTo(
                "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent");
        assertThat(up.headers().getAll("authorization")).containsExactly("Bearer ya29.vertex-token");
    }

    @Test
    void vertexClaudeUsesRawPredictWithAnthropicBody() throws Exception {
        HttpResponse<String> r = gw.post("/vertex-claude",
                "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = vertex.take();
        assertThat(up.uri()).isEqualTo("/v1/projects/my-project/locations/us-central1/publishers/anthropic/models/"
                + "claude-sonnet-4-5@20250929:rawPredict");
        assertThat(up.json().has("model")).isFalse();
        assertThat(up.json().path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    }

    @Test
    void providerErrorsPassThroughUnchanged() throws Exception {
        String err = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
        try (FakeUpstream busy = FakeUpstream.tls().respondWith(529, "application/json", err);
             GatewayHarness g = GatewayHarness.builder().upstream("api.anthropic.com", busy).file("a.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: a}
                     spec: {type: AI, ai: {llm: {anthropic: {authToken: {kind: Inline, inline: k}}}}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules: [{backendRefs: [{name: a, group: gateway.kgateway.dev, kind: Backend}]}]
                     """).start()) {
            HttpResponse<String> r = g.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}");
            assertThat(r.statusCode()).isEqualTo(529);
            assertThat(r.body()).isEqualTo(err);
        }
    }
}

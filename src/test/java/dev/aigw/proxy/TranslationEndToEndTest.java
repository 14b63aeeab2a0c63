package dev.aigw.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One API for every provider: the OpenAI SDK reaches Anthropic and Gemini backends, the
 * Anthropic SDK reaches OpenAI and the mock, plain and streamed, tool calls included.
 */
class TranslationEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream anthropic;
    private static FakeUpstream openai;
    private static FakeUpstream gemini;
    private static volatile String anthropicStream = Fixtures.read("anthropic/message-stream.sse");
    private static GatewayHarness gw;

    static String golden(String path) {
        try (InputStream in = TranslationEndToEndTest.class.getResourceAsStream("/golden/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        anthropic = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean();
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(stream ? anthropicStream : Fixtures.read("anthropic/message.json"));
        });
        openai = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean();
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "openai/chat-stream.sse" : "openai/chat-completion.json"));
        });
        gemini = FakeUpstream.tls().respond((r, req) -> {
            boolean stream = r.path().endsWith(":streamGenerateContent");
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "gemini/stream.sse" : "gemini/generate.json"));
        });
        gw = GatewayHarness.builder()
                .upstream("api.anthropic.com", anthropic)
                .upstream("api.openai.com", openai)
                .upstream("generativelanguage.googleapis.com", gemini)
                .file("t.yaml", """
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: anthropic}
                        spec: {type: AI, ai: {llm: {anthropic: {model: claude-sonnet-4-5, authToken: {kind: Inline, inline: sk-ant}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: openai}
                        spec: {type: AI, ai: {llm: {openai: {model: gpt-4o-mini, authToken: {kind: Inline, inline: sk-oai}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: gemini}
                        spec: {type: AI, ai: {llm: {gemini: {model: gemini-2.0-flash, apiVersion: v1beta, authToken: {kind: Inline, inline: g-key}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: mock}
                        spec: {type: AI, ai: {llm: {mock: {model: mock-1}}}}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: t}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /anthropic}}]
                            backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /openai}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /gemini}}]
                            backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /mock}}]
                            backendRefs: [{name: mock, group: gateway.kgateway.dev, kind: Backend}]
                        """)
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
        openai.close();
        gemini.close();
    }

    private static OpenAIClient openAi(String prefix) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.url() + prefix).apiKey("unused").maxRetries(0).build();
    }

    private static AnthropicClient anthropicSdk(String prefix) {
        return AnthropicOkHttpClient.builder().baseUrl(gw.url() + prefix).apiKey("unused").maxRetries(0).build();
    }

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder().model("any").addSystemMessage("Be brief.").addUserMessage("Hi").build();
    }

    @Test
    void openAiSdkToAnthropic() {
        ChatCompletion c = openAi("/anthropic").chat().completions().create(chat());
        assertThat(c.choices().getFirst().message().content()).hasValue("Hi! My name is Claude.");
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(2095);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(503);
        FakeUpstream.Recorded up = anthropic.take();
        assertThat(up.uri()).isEqualTo("/v1/messages");
        assertThat(up.headers().get("x-api-key")).isEqualTo("sk-ant");
        assertThat(up.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = up.json();
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.path("system").toString()).contains("Be brief.");
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
    }

    @Test
    void openAiSdkStreamsFromAnthropic() {
        StringBuilder text = new StringBuilder();
        try (var s = openAi("/anthropic").chat().completions().createStreaming(chat())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isEqualTo("Hello!");
        assertThat(anthropic.take().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void streamedToolCallsArriveWhole() throws Exception {
        anthropicStream = golden("openai-chat_to_anthropic-messages/stream-tool/upstream-stream.sse");
        try {
            String request = golden("openai-chat_to_anthropic-messages/stream-tool/request.json");
            HttpResponse<String> r = gw.post("/anthropic/v1/chat/completions", request);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
            // Reassemble the tool calls as an OpenAI client would, from the deltas.
            Map<Integer, StringBuilder> args = new TreeMap<>();
            Map<Integer, String> names = new TreeMap<>();
            for (String line : r.body().split("\n")) {
                if (!line.startsWith("data: {")) continue;
                for (JsonNode choice : JSON.readTree(line.substring(6)).path("choices")) {
                    for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                        int i = tc.path("index").asInt();
                        if (tc.path("function").has("name")) names.put(i, tc.path("function").path("name").asText());
                        args.computeIfAbsent(i, k -> new StringBuilder()).append(tc.path("function").path("arguments").asText(""));
                    }
                }
            }
            assertThat(names).containsValue("get_weather");
            for (StringBuilder a : args.values()) assertThat(JSON.readTree(a.toString()).isObject()).isTrue();
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            assertThat(r.body()).isEqualTo(golden("openai-chat_to_anthropic-messages/stream-tool/stream.sse")
                    .replaceAll("\"created\":\\d+", "\"created\":" + created(r.body())));
            anthropic.take();
        } finally {
            anthropicStream = Fixtures.read("anthropic/message-stream.sse");
        }
    }

    private static String created(String body) {
        var m = java.util.regex.Pattern.compile("\"created\":(\\d+)").matcher(body);
        return m.find() ? m.group(1) : "0";
    }

    @Test
    void openAiSdkToolDefinitionsReachAnthropic() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("x").addUserMessage("weather?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .build()).build()).build())
                .build();
        openAi("/anthropic").chat().completions().create(p);
        JsonNode tools = anthropic.take().json().path("tools");
        assertThat(tools.get(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(tools.get(0).path("input_schema").path("type").asText()).isEqualTo("object");
    }

    @Test
    void anthropicSdkToOpenAi() {
        Message m = anthropicSdk("/openai").messages().create(MessageCreateParams.builder().model("claude-x")
                .maxTokens(50).system("Be brief.").addUserMessage("Hi").build());
        assertThat(m.content().getFirst().text().orElseThrow().text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(m.usage().inputTokens()).isEqualTo(19);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.uri()).isEqualTo("/v1/chat/completions");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer sk-oai");
        assertThat(up.headers().get("anthropic-version")).isNull();
        assertThat(up.json().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(up.json().path("messages").get(0).path("role").asText()).isEqualTo("system");
    }

    @Test
    void anthropicSdkStreamsFromOpenAi() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = anthropicSdk("/openai").messages().createStreaming(
                MessageCreateParams.builder().model("c").maxTokens(50).addUserMessage("Hi").build())) {
            s.stream().forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
        }
        assertThat(text.toString()).isEqualTo("Hello there");
        assertThat(openai.take().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void openAiSdkToGemini() {
        ChatCompletion c = openAi("/gemini").chat().completions().create(chat());
        assertThat(c.choices().getFirst().message().content()).hasValue("AI learns patterns from data.");
        FakeUpstream.Recorded up = gemini.take();
        assertThat(up.uri()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(up.headers().get("x-goog-api-key")).isEqualTo("g-key");
        assertThat(up.json().path("contents").get(0).path("parts").get(0).path("text").asText()).isEqualTo("Hi");
        assertThat(up.json().path("systemInstruction").toString()).contains("Be brief.");
    }

    @Test
    void openAiSdkStreamsFromGemini() {
        StringBuilder text = new StringBuilder();
        try (var s = openAi("/gemini").chat().completions().createStreaming(chat())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isEqualTo("AI learns patterns from data.");
        assertThat(gemini.take().uri()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    }

    @Test
    void anthropicSdkToTheMock() {
        Message m = anthropicSdk("/mock").messages().create(MessageCreateParams.builder().model("c").maxTokens(50)
                .addUserMessage("ping").build());
        assertThat(m.content().getFirst().text().orElseThrow().text()).isEqualTo("Mock reply to: ping");
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = anthropicSdk("/mock").messages().createStreaming(
                MessageCreateParams.builder().model("c").maxTokens(50).addUserMessage("ping").build())) {
            s.stream().forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
        }
        assertThat(text.toString()).isEqualTo("Mock reply to: ping");
    }

    @Test
    void providerErrorsComeBackInTheClientsFormat() throws Exception {
        try (FakeUpstream limited = FakeUpstream.tls().respondWith(429, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}");
             GatewayHarness g = GatewayHarness.builder().upstream("api.anthropic.com", limited).file("a.yaml", """
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
            HttpResponse<String> r = g.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(429);
            JsonNode err = JSON.readTree(r.body()).path("error");
            assertThat(err.path("message").asText()).isEqualTo("Slow down");
            assertThat(err.path("type").asText()).isNotEmpty();
        }
    }

    @Test
    void modelList() throws Exception {
        HttpResponse<String> list = gw.get(gw.url() + "/anthropic/v1/models");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).path("data").get(0).path("id").asText()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void invalidRequestsAreRejectedInTheClientsFormatBeforeTheProvider() throws Exception {
        HttpResponse<String> r = gw.post("/anthropic/v1/chat/completions",
                "{\"model\":\"m\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).isNotEmpty();
        assertThat(anthropic.received()).isZero();
    }


    @Test
    void countTokensGoesToAnthropicOrIsEstimatedWithATokenizer() throws Exception {
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this sentence?\"}]}";
        HttpResponse<String> native_ = gw.post("/anthropic/v1/messages/count_tokens", body);
        assertThat(native_.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = anthropic.take();
        assertThat(up.uri()).isEqualTo("/v1/messages/count_tokens");
        assertThat(up.headers().get("x-api-key")).isEqualTo("sk-ant");

        HttpResponse<String> estimated = gw.post("/openai/v1/messages/count_tokens", body);
        assertThat(estimated.statusCode()).isEqualTo(200);
        assertThat(estimated.headers().firstValue("x-gateway-estimated")).hasValue("true");
        assertThat(JSON.readTree(estimated.body()).path("input_tokens").asLong()).isBetween(5L, 20L);
        assertThat(openai.received()).isZero();
    }

    @Test
    void fieldsAProviderCannotHonourAreNamedInAWarningHeader() throws Exception {
        HttpResponse<String> r = gw.post("/anthropic/v1/chat/completions",
                "{\"model\":\"m\",\"seed\":7,\"logit_bias\":{\"50256\":-100},\"temperature\":0.5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-warning")).hasValueSatisfying(w -> assertThat(w)
                .contains("seed: not supported by anthropic-messages").contains("logit_bias").doesNotContain("temperature"));
        JsonNode sent = anthropic.take().json();
        assertThat(sent.has("seed")).isFalse();
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.5);

        HttpResponse<String> clean = gw.post("/anthropic/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(clean.headers().firstValue("x-gateway-warning")).isEmpty();
        anthropic.take();
    }

    private static com.google.genai.Client geminiSdk(String prefix) {
        return com.google.genai.Client.builder().apiKey("unused")
                .httpOptions(com.google.genai.types.HttpOptions.builder().baseUrl(gw.url() + prefix).build()).build();
    }

    @Test
    void geminiSdkReachesOpenAiAndAnthropic() {
        com.google.genai.types.GenerateContentResponse o = geminiSdk("/openai").models.generateContent("gemini-x", "Say hello", null);
        assertThat(o.text()).isEqualTo("Hello! How can I assist you today?");
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.uri()).isEqualTo("/v1/chat/completions");
        assertThat(up.json().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(up.json().path("messages").get(0).path("content").toString()).contains("Say hello");

        StringBuilder text = new StringBuilder();
        try (var s = geminiSdk("/anthropic").models.generateContentStream("gemini-x", "Say hello", null)) {
            for (var chunk : s) if (chunk.text() != null) text.append(chunk.text());
        }
        assertThat(text.toString()).isEqualTo("Hello!");
        FakeUpstream.Recorded a = anthropic.take();
        assertThat(a.json().path("stream").asBoolean()).isTrue();
        assertThat(a.json().path("model").asText()).isEqualTo("claude-sonnet-4-5");
    }
}

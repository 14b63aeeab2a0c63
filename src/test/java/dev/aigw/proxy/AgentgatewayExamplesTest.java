package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of agentgateway's docs (agentgateway-api.md §6), loaded as written (namespace
 * agentgateway-system, Gateway agentgateway-proxy) and served against fakes at the providers'
 * host names over TLS ({@code --connect-to}), with the behaviour the docs describe.
 */
class AgentgatewayExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static FakeUpstream gemini;
    static FakeUpstream vertex;
    static FakeUpstream bedrock;
    static FakeUpstream azure;
    static FakeUpstream mistral;
    static FakeUpstream plain;
    static GatewayHarness gw;
    static int port;

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static String openAiAnswer(String model, String content) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,
                "message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""".formatted(model, content);
    }

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.tls().respond((r, req) -> {
            if (r.body().length() == 0) {
                req.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"data\":[]}");
                return;
            }
            String model = r.json().path("model").asText();
            if (model.equals("gpt-3.5-turbo-broken")) {
                req.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
                return;
            }
            String answer = model.equals("gpt-3.5-turbo") ? "gpt-3.5-turbo-0125" : model;
            String content = r.json().toString().contains("card please") ? "my card is 4111 1111 1111 1111" : "hello";
            req.response().putHeader("content-type", "application/json").end(openAiAnswer(answer, content));
        });
        anthropic = FakeUpstream.tls().respond((r, req) -> {
            if (r.json().path("model").asText().equals("claude-haiku-4-5-20251001")) {
                req.response().setStatusCode(529).putHeader("content-type", "application/json")
                        .end("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
                return;
            }
            req.response().putHeader("content-type", "application/json").end(Fixtures.read("anthropic/message.json"));
        });
        gemini = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("gemini/generate.json"));
        vertex = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("gemini/generate.json"));
        bedrock = FakeUpstream.tls().respondWith(200, "application/json", """
                {"output":{"message":{"role":"assistant","content":[{"text":"hello from nova"}]}},"stopReason":"end_turn",
                 "usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7},"metrics":{"latencyMs":10}}""");
        azure = FakeUpstream.tls().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end(openAiAnswer("gpt-4.1-mini", "hello from azure")));
        mistral = FakeUpstream.tls().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end(openAiAnswer(r.json().path("model").asText(), "bonjour")));
        plain = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end(openAiAnswer(r.json().path("model").asText(), "plain")));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String examples = Files.readString(Path.of("src/test/resources/agentgateway/examples.yaml"))
                .replace("PORT_HTTP", String.valueOf(port)).replace("PLAIN_PORT", String.valueOf(plain.port()));
        gw = GatewayHarness.builder()
                .upstream("api.openai.com", openai)
                .upstream("api.anthropic.com", anthropic)
                .upstream("generativelanguage.googleapis.com", gemini)
                .upstream("us-central1-aiplatform.googleapis.com", vertex)
                .upstream("bedrock-runtime.us-east-1.amazonaws.com", bedrock)
                .upstream("my-resource.openai.azure.com", azure)
                .upstream("api.mistral.ai", mistral)
                .env("OPENAI_API_KEY", "sk-openai-e1")
                .file("examples.yaml", examples)
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        for (FakeUpstream f : List.of(openai, anthropic, gemini, vertex, bedrock, azure, mistral, plain)) f.close();
    }

    @BeforeEach
    void drain() {
        for (FakeUpstream f : List.of(openai, anthropic, gemini, vertex, bedrock, azure, mistral, plain)) {
            while (f.received() > 0) f.take();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + gw.app().port(port) + path;
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void e1CustomRouteMatchesTheRoutesMapAfterTheUrlRewrite() throws Exception {
        // As the docs' curl: POST /openai, rewritten to /v1/chat/completions, which the routes map calls Completions.
        HttpResponse<String> resp = post("/openai", chat("gpt-4o-mini"));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        assertThat(json(resp.body()).path("choices").get(0).path("message").path("content").asText()).isEqualTo("hello");
        FakeUpstream.Recorded r = openai.take();
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.headers().getAll("authorization")).containsExactly("Bearer sk-openai-e1");
        assertThat(r.json().path("model").asText()).as("no model on the Backend: the client's").isEqualTo("gpt-4o-mini");

        // A longer path is rewritten to /v1/chat/completions/..., which only "*" matches: Passthrough, path kept
        // (agentgateway matches the suffix after the rewrite, not the client's /chat/completions).
        HttpResponse<String> passed = post("/openai/chat/completions", chat("gpt-4o-mini"));
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(openai.take().path()).isEqualTo("/v1/chat/completions/chat/completions");
    }

    @Test
    void e1RoutesThroughTheOfficialSdkOnARouteThatRewritesToV1() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(url("/openai-sdk")).apiKey("client-key")
                .maxRetries(0).build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("hi").build());
        assertThat(c.choices().getFirst().message().content()).hasValue("hello");
        FakeUpstream.Recorded r = openai.take();
        assertThat(r.path()).as("/openai-sdk/chat/completions → /v1/chat/completions: Completions").isEqualTo("/v1/chat/completions");
        assertThat(r.headers().getAll("authorization")).containsExactly("Bearer sk-openai-e1");

        // /v1/models: the Models route type, answered by the gateway (nothing reaches the provider).
        assertThat(client.models().list().data()).isNotNull();
        assertThat(openai.received()).isZero();

        // Anything else: "*" Passthrough, the rewritten path as it is, with the Backend's key.
        HttpResponse<String> files = gw.http().send(HttpRequest.newBuilder(URI.create(url("/openai-sdk/files")))
                .header("authorization", "Bearer client-key").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(files.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded f = openai.take();
        assertThat(f.method()).isEqualTo("GET");
        assertThat(f.path()).isEqualTo("/v1/files");
        assertThat(f.headers().getAll("authorization")).containsExactly("Bearer sk-openai-e1");
    }

    @Test
    void e2AnthropicSendsTheKeyAsXApiKeyAndTheBackendsModel() throws Exception {
        HttpResponse<String> resp = post("/anthropic/v1/messages",
                "{\"model\":\"claude-3\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(resp.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = anthropic.take();
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.headers().get("x-api-key")).isEqualTo("sk-ant-e2");
        assertThat(r.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.json().path("model").asText()).isEqualTo("claude-opus-4-6");
    }

    @Test
    void e3GeminiNativeGenerateContent() throws Exception {
        HttpResponse<String> resp = post("/gemini/v1/chat/completions", chat("whatever"));
        assertThat(resp.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = gemini.take();
        assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-lite:generateContent");
        assertThat(r.headers().get("x-goog-api-key")).isEqualTo("AIza-e3");
        assertThat(json(resp.body()).path("choices").get(0).path("message").path("content").asText()).isNotEmpty();
    }

    @Test
    void e4VertexRegionAndProject() throws Exception {
        HttpResponse<String> resp = post("/vertex/v1/chat/completions", chat("whatever"));
        assertThat(resp.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = vertex.take();
        assertThat(r.path()).isEqualTo("/v1/projects/my-gcp-project/locations/us-central1/publishers/google/models/"
                + "gemini-pro:generateContent");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer ya29.e4");
    }

    @Test
    void e5BedrockSignsWithTheSecretsKeys() throws Exception {
        HttpResponse<String> resp = post("/bedrock/v1/chat/completions", chat("whatever"));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        FakeUpstream.Recorded r = bedrock.take();
        assertThat(r.path()).isEqualTo("/model/amazon.nova-micro-v1%3A0/converse");
        assertThat(r.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIAE5/");
        assertThat(r.headers().get("x-amz-security-token")).isEqualTo("session-e5");
        assertThat(json(resp.body()).path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("hello from nova");
    }

    @Test
    void e6AzureResourceNameAndTheKgateway22Spelling() throws Exception {
        assertThat(post("/azure", chat("whatever")).statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = azure.take();
        assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(r.headers().get("api-key")).isEqualTo("azure-e6");
        assertThat(r.json().path("model").asText()).isEqualTo("gpt-4.1-mini");

        assertThat(post("/azure22", chat("whatever")).statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r22 = azure.take();
        assertThat(r22.uri()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
        assertThat(r22.headers().get("api-key")).isEqualTo("azure-e6");
    }

    @Test
    void e7OpenAiCompatibleHostWithTlsAndPath() throws Exception {
        assertThat(post("/mistral", chat("whatever")).statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = mistral.take();
        assertThat(r.host()).startsWith("api.mistral.ai");
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer mistral-e7");
        assertThat(r.json().path("model").asText()).isEqualTo("mistral-large-latest");
    }

    @Test
    void aHostWithoutPathOrTlsKeepsTheClientsPathOverPlainHttp() throws Exception {
        HttpResponse<String> resp = post("/compat/v1/chat/completions", chat("local-model"),
                "authorization", "Bearer client-token");
        assertThat(resp.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded r = plain.take();
        assertThat(r.path()).as("the client's path goes upstream unchanged").isEqualTo("/compat/v1/chat/completions");
        assertThat(r.headers().get("authorization")).as("no auth: the client's passes").isEqualTo("Bearer client-token");
    }

    @Test
    void e8FailoverHealthEvictsAndTheNextRequestFailsOver() throws Exception {
        // model-failover-health: unhealthyCondition 5xx || 429, one failure evicts for 10s. Without a retry policy
        // agentgateway does not replay a request: each failing provider answers once, then is evicted.
        HttpResponse<String> first = post("/failover", chat("client-model"));
        HttpResponse<String> second = post("/failover", chat("client-model"));
        // OpenAI's 503 as it is; Anthropic's 529 (overloaded) in the client's OpenAI format, 503.
        assertThat(List.of(first.statusCode(), second.statusCode())).as("group 1's two providers fail once each")
                .containsExactly(503, 503);
        assertThat(openai.received()).isEqualTo(1);
        assertThat(anthropic.received()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> resp = post("/failover", chat("client-model"));
            assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
            assertThat(json(resp.body()).path("model").asText()).as("group 1 evicted: the second group serves")
                    .isEqualTo("gpt-4.1");
        }
        assertThat(anthropic.received()).as("the evicted provider gets nothing").isEqualTo(1);
    }

    @Test
    void e9PromptGuardRejectsAndMasksResponses() throws Exception {
        HttpResponse<String> rejected = post("/guarded", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"here is my credit card\"}]}");
        assertThat(rejected.statusCode()).isEqualTo(403);
        assertThat(rejected.body()).contains("Rejected due to inappropriate content");
        HttpResponse<String> masked = post("/guarded", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"card please\"}]}");
        assertThat(masked.statusCode()).isEqualTo(200);
        String content = json(masked.body()).path("choices").get(0).path("message").path("content").asText();
        assertThat(content).doesNotContain("4111").contains("<CREDIT_CARD>");
        openai.take();
    }

    @Test
    void e10OverridesDefaultsAndPromptEnrichment() throws Exception {
        assertThat(post("/enriched", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"csv\"}]}")
                .statusCode()).isEqualTo(200);
        JsonNode body = openai.take().json();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4");
        assertThat(body.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
        assertThat(body.path("temperature").isNumber()).as("\"0.5\" reaches the provider as a number").isTrue();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.path("stop").isArray()).as("'[\"one\",\"two\"]' as an array").isTrue();
        JsonNode messages = body.path("messages");
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("be nice");
        assertThat(messages.get(messages.size() - 1).path("content").asText()).isEqualTo("hello!");
    }

    @Test
    void e11ModelAliases() throws Exception {
        HttpResponse<String> resp = post("/aliased", chat("fast"));
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(openai.take().json().path("model").asText()).isEqualTo("gpt-3.5-turbo");
        assertThat(json(resp.body()).path("model").asText()).isEqualTo("gpt-3.5-turbo-0125");
    }

    @Test
    void trafficHeaderModifiersTimeoutsAndCors() throws Exception {
        HttpResponse<String> resp = post("/traffic", chat("m"), "origin", "https://app.example", "x-drop", "1",
                "authorization", "Bearer t");
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("x-served-by")).hasValue("agentgateway-policy");
        assertThat(resp.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
        FakeUpstream.Recorded r = plain.take();
        assertThat(r.headers().get("x-team")).isEqualTo("blue");
        assertThat(r.headers().get("x-drop")).isNull();

        HttpResponse<String> preflight = gw.http().send(HttpRequest.newBuilder(URI.create(url("/traffic")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("origin", "https://app.example")
                .header("access-control-request-method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("POST, GET");
        assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");
        assertThat(plain.received()).as("a preflight never reaches the backend").isZero();

        HttpResponse<String> foreign = post("/traffic", chat("m"), "origin", "https://evil.example",
                "authorization", "Bearer t");
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
        plain.take();
    }
}

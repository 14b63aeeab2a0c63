package dev.aigw.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AgentgatewayBackend features served end to end against fakes at the providers' host names
 * (TLS, {@code --connect-to}), with the official SDKs as clients: {@code routes} matched after the
 * route's URLRewrite (Backend over AgentgatewayPolicy, Completions by default), a failover
 * provider's own {@code policies.ai}, and {@code health} eviction by a 429's {@code Retry-After}.
 */
class AgentgatewayBackendFeaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static FakeUpstream local;
    static GatewayHarness gw;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.tls().respond((r, req) -> {
            String model = r.json().path("model").asText();
            if (model.equals("gpt-first-broken")) {
                req.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
                return;
            }
            if (model.equals("gpt-busy")) {
                req.response().setStatusCode(429).putHeader("retry-after", "1").putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_exceeded\"}}");
                return;
            }
            req.response().putHeader("content-type", "application/json").end("""
                    {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,
                    "message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],
                    "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""".formatted(model));
        });
        anthropic = FakeUpstream.tls().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end(r.path().endsWith("/count_tokens") ? "{\"input_tokens\":7}" : Fixtures.read("anthropic/message.json")));
        local = FakeUpstream.plain().respond((r, req) -> {
            String body;
            if (r.path().endsWith("/count_tokens")) body = "{\"input_tokens\":11}";
            else if (r.path().startsWith("/anthropic/")) body = Fixtures.read("anthropic/message.json");
            else body = """
                    {"id":"chatcmpl-l","object":"chat.completion","created":1,"model":"local-model","choices":[{"index":0,
                    "message":{"role":"assistant","content":"local hello"},"finish_reason":"stop"}],
                    "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""";
            req.response().putHeader("content-type", "application/json").end(body);
        });
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        gw = GatewayHarness.builder()
                .upstream("api.openai.com", openai)
                .upstream("api.anthropic.com", anthropic)
                .file("features.yaml", Files.readString(Path.of("src/test/resources/agentgateway/backend-features.yaml"))
                        .replace("PORT_HTTP", String.valueOf(port)).replace("LOCAL_PORT", String.valueOf(local.port())))
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        anthropic.close();
        local.close();
    }

    @BeforeEach
    void drain() {
        for (FakeUpstream f : List.of(openai, anthropic, local)) while (f.received() > 0) f.take();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + gw.app().port(port) + path;
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return gw.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(path)))
                .timeout(java.time.Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPolicysRoutesServeTheBackendAfterTheRewriteAndUnmatchedPathsAreCompletions() throws Exception {
        // /claude/chat/completions → /v1/chat/completions: Completions, translated for Anthropic.
        OpenAIClient oa = OpenAIOkHttpClient.builder().baseUrl(url("/claude")).apiKey("unused").maxRetries(0).build();
        ChatCompletion c = oa.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("any").addUserMessage("hi").build());
        assertThat(c.choices()).isNotEmpty();
        FakeUpstream.Recorded r = anthropic.take();
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.headers().get("x-api-key")).isEqualTo("sk-ant-features");

        // /claude/messages → /v1/messages: Messages, as the Anthropic SDK speaks it.
        AnthropicClient an = AnthropicOkHttpClient.builder().baseUrl(url("/claude")).apiKey("unused").maxRetries(0).build();
        Message m = an.messages().create(MessageCreateParams.builder().model("any").maxTokens(16).addUserMessage("hi").build());
        assertThat(m.content()).isNotEmpty();
        assertThat(anthropic.take().json().path("model").asText()).isEqualTo("claude-haiku-4-5");

        // count_tokens: the longest suffix wins over /v1/messages.
        assertThat(an.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model("any").addUserMessage("hi").build()).inputTokens()).isEqualTo(7);
        assertThat(anthropic.take().path()).isEqualTo("/v1/messages/count_tokens");

        // No suffix matches /v1/other: agentgateway's default, Completions (an OpenAI chat body, an OpenAI answer).
        HttpResponse<String> other = post("/claude/other", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).path("object").asText()).isEqualTo("chat.completion");
        assertThat(anthropic.take().path()).isEqualTo("/v1/messages");
    }

    @Test
    void theBackendsOwnRoutesWinOverAPolicysAsAWhole() throws Exception {
        AnthropicClient an = AnthropicOkHttpClient.builder().baseUrl(url("/claude-own")).apiKey("unused").maxRetries(0).build();
        Message m = an.messages().create(MessageCreateParams.builder().model("any").maxTokens(16).addUserMessage("hi").build());
        assertThat(m.content()).isNotEmpty();
        assertThat(anthropic.take().path()).isEqualTo("/v1/messages");
        // The policy's "*": Passthrough does not apply: an unmatched path is Completions, translated.
        HttpResponse<String> other = post("/claude-own/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).path("object").asText()).isEqualTo("chat.completion");
        assertThat(anthropic.take().path()).as("translated, not passed through").isEqualTo("/v1/messages");
    }

    @Test
    void eachProviderGetsItsOwnAiPolicyOverTheBackendsOnAFreshBody() throws Exception {
        OpenAIClient oa = OpenAIOkHttpClient.builder().baseUrl(url("/perprov")).apiKey("unused").maxRetries(0).build();
        ChatCompletion c = oa.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fast").addUserMessage("hi").build());
        assertThat(c.model()).isEqualTo("gpt-second-fast");

        JsonNode first = openai.take().json();
        assertThat(first.path("model").asText()).isEqualTo("gpt-first-broken");
        assertThat(first.path("messages").get(0).path("content").asText()).isEqualTo("You are first.");
        assertThat(first.toString()).as("the provider's prompt replaces the Backend's").doesNotContain("backend-level");
        assertThat(first.path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(first.path("max_tokens").asInt()).as("the Backend's defaults still apply").isEqualTo(50);

        JsonNode second = openai.take().json();
        assertThat(second.path("model").asText()).as("the provider's own alias").isEqualTo("gpt-second-fast");
        assertThat(second.path("messages").get(0).path("content").asText()).isEqualTo("You are second.");
        assertThat(second.path("messages")).hasSize(2);
        assertThat(second.has("temperature")).as("the first provider's default is not left behind").isFalse();
        assertThat(second.path("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aRetryAfterEvictsTheProviderForThatLongAndTheNextRequestFailsOver() throws Exception {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> limited = post("/limited", chat);
        assertThat(limited.statusCode()).as("no retry policy: the 429 is the answer").isEqualTo(429);
        assertThat(openai.take().json().path("model").asText()).isEqualTo("gpt-busy");
        HttpResponse<String> next = post("/limited", chat);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(openai.take().json().path("model").asText()).as("evicted by Retry-After: the next group").isEqualTo("gpt-spare");
        Thread.sleep(1200);
        assertThat(post("/limited", chat).statusCode()).as("back after Retry-After's second").isEqualTo(429);
        assertThat(openai.take().json().path("model").asText()).isEqualTo("gpt-busy");
    }

    @Test
    void aCustomProviderTakesTheFormatsItListsAsTheyAreAndTranslatesTheRest() throws Exception {
        OpenAIClient oa = OpenAIOkHttpClient.builder().baseUrl(url("/local/v1")).apiKey("client").maxRetries(0).build();
        ChatCompletion c = oa.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("whatever").addUserMessage("hi").build());
        assertThat(c.choices().getFirst().message().content()).hasValue("local hello");
        FakeUpstream.Recorded chat = local.take();
        assertThat(chat.path()).as("Completions is listed: as it is, at its path").isEqualTo("/openai/chat");
        assertThat(chat.headers().get("authorization")).isEqualTo("Bearer sk-local");
        assertThat(chat.json().path("model").asText()).isEqualTo("local-model");
        assertThat(chat.json().has("messages")).isTrue();

        AnthropicClient an = AnthropicOkHttpClient.builder().baseUrl(url("/local")).apiKey("client").maxRetries(0).build();
        Message m = an.messages().create(MessageCreateParams.builder().model("whatever").maxTokens(16).addUserMessage("hi").build());
        assertThat(m.content()).isNotEmpty();
        FakeUpstream.Recorded msg = local.take();
        assertThat(msg.path()).isEqualTo("/anthropic/v1/messages");
        assertThat(msg.json().path("max_tokens").asInt()).as("the client's own Messages body").isEqualTo(16);
        assertThat(an.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model("whatever").addUserMessage("hi").build()).inputTokens()).as("AnthropicTokenCount is listed").isEqualTo(11);
        assertThat(local.take().path()).isEqualTo("/anthropic/v1/messages/count_tokens");

        // Responses is not listed: translated to the first listed format it reaches (Messages).
        HttpResponse<String> responses = post("/local/v1/responses", "{\"model\":\"m\",\"input\":\"hi\"}");
        assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
        assertThat(JSON.readTree(responses.body()).path("object").asText()).isEqualTo("response");
        FakeUpstream.Recorded tr = local.take();
        assertThat(tr.path()).isEqualTo("/anthropic/v1/messages");
        assertThat(tr.json().has("max_tokens")).as("an Anthropic body").isTrue();

        // Embeddings reach none of its formats: refused, naming them.
        HttpResponse<String> emb = post("/local/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}");
        assertThat(emb.statusCode()).isEqualTo(501);
        assertThat(emb.body()).contains("custom provider local lists formats [Messages, Completions, AnthropicTokenCount]"
                + ", none of which a request in the openai-embeddings format can be sent or translated to");
        assertThat(local.received()).isZero();
    }
}

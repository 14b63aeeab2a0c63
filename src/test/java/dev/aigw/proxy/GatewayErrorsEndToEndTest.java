package dev.aigw.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.errors.ApiException;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every error the gateway makes, as the official OpenAI, Anthropic and Gemini SDKs see it,
 * streamed and not: the typed exception carries the status and the gateway's message, in each
 * API's own shape. Streams after a keep-alive head end with the format's error event.
 */
class GatewayErrorsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream ok;
    private static FakeUpstream hang;
    private static GatewayHarness gw;

    enum Sdk { OPENAI, ANTHROPIC, GEMINI }

    /** A gateway-made error: where to send, what, and what the client must be told. */
    record Case(String name, String prefix, String model, String prompt, int status, String fragment, String anthropicType,
                String geminiStatus) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String BIG = "x".repeat(20_000);

    static final List<Case> CASES = List.of(
            new Case("no route", "/nowhere", "m", "hi", 404, "no route matches", "not_found_error", "NOT_FOUND"),
            new Case("body too large", "/ok", "m", BIG, 413, "larger than the limit of 16384 bytes", "request_too_large",
                    "INVALID_ARGUMENT"),
            new Case("backend unresolved", "/nosecret", "m", "hi", 500, "secret missing-secret not found", "api_error",
                    "INTERNAL"),
            new Case("provider unreachable", "/down", "m", "hi", 502, "connection refused", "api_error", "INTERNAL"),
            new Case("timeout", "/slow", "m", "hi", 504, "did not answer within 400 ms", "timeout_error", "DEADLINE_EXCEEDED"),
            new Case("policy rejection", "/guarded", "m", "my password is hunter2", 403, "No secrets, please",
                    "permission_error", "PERMISSION_DENIED"),
            new Case("model with a line break", "/ok", "gpt\nX: y", "hi", 400, "control character", "invalid_request_error",
                    "INVALID_ARGUMENT"));

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : CASES) {
            for (Sdk sdk : Sdk.values()) {
                // Gemini names the model in the URL, not the body: the SDK refuses a line break itself.
                if (sdk == Sdk.GEMINI && c.model().contains("\n")) continue;
                for (boolean stream : new boolean[] {false, true}) out.add(Arguments.of(c, sdk, stream));
            }
        }
        return out.stream();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ok = FakeUpstream.plain().respondWith(200, "application/json", """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""");
        hang = FakeUpstream.plain().respond((r, req) -> { /* never answers */ });
        int dead = freePort();
        gw = GatewayHarness.builder().maxBody(16 * 1024).file("e.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: ok}
                spec: {type: AI, ai: {llm: {openai: {model: gpt-4o-mini, authToken: {kind: Inline, inline: sk-secret-value}}, host: 127.0.0.1, port: %1$d}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: down}
                spec: {type: AI, ai: {llm: {openai: {model: gpt-4o-mini, authToken: {kind: Inline, inline: sk-secret-value}}, host: 127.0.0.1, port: %2$d}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: slow}
                spec: {type: AI, ai: {llm: {openai: {model: gpt-4o-mini, authToken: {kind: Inline, inline: sk-secret-value}}, host: 127.0.0.1, port: %3$d}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: nosecret}
                spec: {type: AI, ai: {llm: {openai: {authToken: {kind: SecretRef, secretRef: {name: missing-secret}}}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: main}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /ok}}]
                    backendRefs: [{name: ok, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /down}}]
                    backendRefs: [{name: down, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /slow}}]
                    timeouts: {backendRequest: 400ms}
                    backendRefs: [{name: slow, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /nosecret}}]
                    backendRefs: [{name: nosecret, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: warm
                  annotations: {ai.gateway.dev/stream-keepalive: 100ms}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /warm-slow}}]
                    timeouts: {backendRequest: 700ms}
                    backendRefs: [{name: slow, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: guarded}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /guarded}}]
                    backendRefs: [{name: ok, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: guard}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: guarded}]
                  ai:
                    promptGuard:
                      request:
                        customResponse: {message: "No secrets, please", statusCode: 403}
                        regex:
                          action: REJECT
                          matches: [{pattern: "(?i)password", name: PASSWORD}]
                """.formatted(ok.port(), dead, hang.port())).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        ok.close();
        hang.close();
    }

    /** What the SDK's exception said: the HTTP status (200 for an error event after the head) and the error body. */
    record Seen(int httpStatus, JsonNode body, String text) {
    }

    private static Seen call(Sdk sdk, String prefix, String model, String prompt, boolean stream) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> switch (sdk) {
            case OPENAI -> openAi(prefix, model, prompt, stream);
            case ANTHROPIC -> anthropic(prefix, model, prompt, stream);
            case GEMINI -> gemini(prefix, prompt, stream);
        }, "a hanging request is a failure");
    }

    private static Seen openAi(String prefix, String model, String prompt, boolean stream) throws Exception {
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gw.url() + prefix + "/v1").apiKey("unused").maxRetries(0)
                .timeout(Duration.ofSeconds(15)).build();
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
        try {
            if (stream) {
                try (var s = c.chat().completions().createStreaming(p)) {
                    s.stream().forEach(x -> { });
                }
            } else {
                c.chat().completions().create(p);
            }
        } catch (OpenAIServiceException e) {
            return new Seen(e.statusCode(), JSON.readTree(JSON.writeValueAsString(e.body())), e.getMessage());
        }
        throw new AssertionError("the OpenAI SDK saw no error");
    }

    private static Seen anthropic(String prefix, String model, String prompt, boolean stream) throws Exception {
        AnthropicClient c = AnthropicOkHttpClient.builder().baseUrl(gw.url() + prefix).apiKey("unused").maxRetries(0)
                .timeout(Duration.ofSeconds(15)).build();
        MessageCreateParams p = MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage(prompt).build();
        try {
            if (stream) {
                try (var s = c.messages().createStreaming(p)) {
                    s.stream().forEach(x -> { });
                }
            } else {
                c.messages().create(p);
            }
        } catch (AnthropicServiceException e) {
            return new Seen(e.statusCode(), JSON.readTree(JSON.writeValueAsString(e.body())), e.getMessage());
        }
        throw new AssertionError("the Anthropic SDK saw no error");
    }

    private static Seen gemini(String prefix, String prompt, boolean stream) {
        com.google.genai.Client c = com.google.genai.Client.builder().apiKey("unused")
                .httpOptions(HttpOptions.builder().baseUrl(gw.url() + prefix).timeout(15_000)
                        // The SDK retries 5xx by default; the first answer is what is tested.
                        .retryOptions(com.google.genai.types.HttpRetryOptions.builder().attempts(1).build()).build()).build();
        try {
            if (stream) {
                try (var s = c.models.generateContentStream("gemini-x", prompt, null)) {
                    for (var ignored : s) {
                        // drain
                    }
                }
            } else {
                c.models.generateContent("gemini-x", prompt, null);
            }
        } catch (ApiException e) {
            var body = JSON.createObjectNode();
            body.putObject("error").put("code", e.code()).put("status", e.status()).put("message", e.message());
            return new Seen(e.code(), body, e.getMessage());
        }
        throw new AssertionError("the Gemini SDK saw no error");
    }

    @ParameterizedTest(name = "{0} to a {1} client, stream={2}")
    @MethodSource("matrix")
    void everyGatewayErrorReachesEveryClientInItsOwnFormat(Case c, Sdk sdk, boolean stream) {
        Seen seen = call(sdk, c.prefix(), c.model(), c.prompt(), stream);
        assertThat(seen.httpStatus()).as("the SDK's status").isEqualTo(c.status());
        JsonNode error = seen.body().has("error") ? seen.body().path("error") : seen.body();
        switch (sdk) {
            case OPENAI -> assertThat(error.path("message").asText()).contains(c.fragment());
            case ANTHROPIC -> {
                assertThat(seen.body().path("type").asText()).isEqualTo("error");
                assertThat(error.path("type").asText()).isEqualTo(c.anthropicType());
                assertThat(error.path("message").asText()).contains(c.fragment());
            }
            case GEMINI -> {
                assertThat(error.path("status").asText()).isEqualTo(c.geminiStatus());
                assertThat(error.path("message").asText()).contains(c.fragment());
            }
        }
        assertThat(seen.text() + seen.body()).doesNotContain("sk-secret-value");
    }

    static Stream<Sdk> sdks() {
        return Stream.of(Sdk.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdks")
    void afterAKeepAliveHeadTheErrorIsTheStreamsErrorEvent(Sdk sdk) {
        Seen seen = call(sdk, "/warm-slow", "m", "hi", true);
        switch (sdk) {
            case OPENAI -> {
                assertThat(seen.httpStatus()).as("the head was 200").isEqualTo(200);
                assertThat(seen.body().path("code").asInt()).isEqualTo(504);
                assertThat(seen.body().path("message").asText()).contains("did not answer within 700 ms");
            }
            case ANTHROPIC -> {
                assertThat(seen.httpStatus()).isEqualTo(200);
                assertThat(seen.body().path("error").path("type").asText()).isEqualTo("timeout_error");
                assertThat(seen.body().path("error").path("message").asText()).contains("did not answer within 700 ms");
            }
            case GEMINI -> {
                assertThat(seen.body().path("error").path("code").asInt()).isEqualTo(504);
                assertThat(seen.body().path("error").path("status").asText()).isEqualTo("DEADLINE_EXCEEDED");
                assertThat(seen.body().path("error").path("message").asText()).contains("did not answer within 700 ms");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdks")
    void brokenJsonIsRefusedWithLineAndColumnInTheClientsFormat(Sdk sdk) throws Exception {
        String path = switch (sdk) {
            case OPENAI -> "/ok/v1/chat/completions";
            case ANTHROPIC -> "/ok/v1/messages";
            case GEMINI -> "/ok/v1beta/models/g:generateContent";
        };
        HttpResponse<String> r = gw.post(path, "{\"model\": \"m\",\n \"messages\": [}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(r.body());
        String message = body.path("error").path("message").asText();
        assertThat(message).startsWith("request body is not valid JSON at line 2, column 15: ")
                .doesNotContain("StreamReadFeature", "Source:", "INCLUDE_SOURCE");
        switch (sdk) {
            case OPENAI -> assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            case ANTHROPIC -> assertThat(body.path("type").asText()).isEqualTo("error");
            case GEMINI -> assertThat(body.path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        }
        HttpResponse<String> array = gw.post(path, "[1, 2]");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(array.body()).path("error").path("message").asText())
                .isEqualTo("request body must be a JSON object, not array");
        assertThat(ok.received()).isZero();
    }
}

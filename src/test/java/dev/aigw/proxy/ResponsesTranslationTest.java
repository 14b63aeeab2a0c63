package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import dev.aigw.translate.EventStreamFixtures;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * openai-java's Responses API through the gateway to providers that do not speak it: Anthropic,
 * Gemini, Vertex AI (Gemini and Claude), Bedrock (signed) and an OpenAI-compatible server with
 * only Chat Completions. Each gets its own format; the SDK gets Responses objects and events.
 */
class ResponsesTranslationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEDROCK = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static final Map<String, FakeUpstream> fakes = new java.util.LinkedHashMap<>();
    private static GatewayHarness gw;

    static String golden(String path) {
        try (InputStream in = ResponsesTranslationTest.class.getResourceAsStream("/golden/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers in a provider's format: a tool call when tools are offered and no result is back yet, else text. */
    private record Answers(String text, String tool, String stream, String streamType) {
        void answer(FakeUpstream.Recorded r, HttpServerRequest req, boolean stream) {
            String body = r.body().toString();
            boolean toolResult = body.contains("tool_result") || body.contains("functionResponse") || body.contains("toolResult")
                    || body.contains("\"role\":\"tool\"");
            boolean tools = body.contains("\"tools\"");
            if (stream) {
                req.response().putHeader("content-type", streamType);
                if (streamType.startsWith("application/vnd.amazon")) {
                    req.response().end(Buffer.buffer(bedrockFrames(this.stream)));
                } else {
                    req.response().end(this.stream);
                }
            } else {
                req.response().putHeader("content-type", "application/json").end(tools && !toolResult ? tool : text);
            }
        }
    }

    private static byte[] bedrockFrames(String eventsJson) {
        try {
            return EventStreamFixtures.concat(EventStreamFixtures.encode(JSON.readTree(eventsJson)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Answers anthropic = new Answers(Fixtures.read("anthropic/message.json"),
                golden("openai-chat_to_anthropic-messages/tools/upstream-response.json"),
                Fixtures.read("anthropic/message-stream.sse"), "text/event-stream");
        Answers gemini = new Answers(Fixtures.read("gemini/generate.json"),
                golden("openai-chat_to_gemini-generate/tools/upstream-response.json"),
                Fixtures.read("gemini/stream.sse"), "text/event-stream");
        Answers bedrock = new Answers(golden("openai-chat_to_bedrock-converse/basic/upstream-response.json"),
                golden("openai-chat_to_bedrock-converse/tools/upstream-response.json"),
                golden("openai-chat_to_bedrock-converse/stream-text/upstream-stream.events.json"),
                "application/vnd.amazon.eventstream");
        Answers chat = new Answers(Fixtures.read("openai/chat-completion.json"),
                golden("anthropic-messages_to_openai-chat/tools/upstream-response.json"),
                golden("openai-chat_to_openai-chat/stream-include-usage/upstream-stream.sse"), "text/event-stream");
        fakes.put("anthropic", FakeUpstream.tls().respond((r, req) -> anthropic.answer(r, req, r.json().path("stream").asBoolean())));
        fakes.put("gemini", FakeUpstream.tls().respond((r, req) -> gemini.answer(r, req, r.path().endsWith(":streamGenerateContent"))));
        fakes.put("vertex", FakeUpstream.tls().respond((r, req) -> {
            if (r.path().contains("/publishers/anthropic/")) anthropic.answer(r, req, r.path().endsWith(":streamRawPredict"));
            else gemini.answer(r, req, r.path().endsWith(":streamGenerateContent"));
        }));
        fakes.put("bedrock", FakeUpstream.tls().respond((r, req) -> {
            if (!BedrockEndToEndTest.signatureValid(r)) {
                req.response().setStatusCode(403).putHeader("content-type", "application/json").end("{\"message\":\"bad signature\"}");
            } else {
                bedrock.answer(r, req, r.path().endsWith("/converse-stream"));
            }
        }));
        fakes.put("chat", FakeUpstream.plain().respond((r, req) -> chat.answer(r, req, r.json().path("stream").asBoolean())));
        gw = GatewayHarness.builder()
                .upstream("api.anthropic.com", fakes.get("anthropic"))
                .upstream("generativelanguage.googleapis.com", fakes.get("gemini"))
                .upstream("us-central1-aiplatform.googleapis.com", fakes.get("vertex"))
                .upstream(BEDROCK, fakes.get("bedrock"))
                .file("t.yaml", """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: aws}
                        stringData: {accessKey: AKIDEXAMPLE, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: anthropic}
                        spec: {type: AI, ai: {llm: {anthropic: {model: claude-sonnet-4-5, authToken: {kind: Inline, inline: sk-ant}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: gemini}
                        spec: {type: AI, ai: {llm: {gemini: {model: gemini-2.5-flash, apiVersion: v1beta, authToken: {kind: Inline, inline: g-key}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: vertex}
                        spec: {type: AI, ai: {llm: {vertexai: {model: gemini-2.5-flash, apiVersion: v1, projectId: p1, location: us-central1,
                               authToken: {kind: Inline, inline: ya29.t}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: vertex-claude}
                        spec: {type: AI, ai: {llm: {vertexai: {model: claude-sonnet-4-5@20250929, apiVersion: v1, projectId: p1,
                               location: us-central1, publisher: ANTHROPIC, authToken: {kind: Inline, inline: ya29.t}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: bedrock}
                        spec: {type: AI, ai: {llm: {bedrock: {model: anthropic.claude-3-5-sonnet-20240620-v1:0, region: eu-west-1,
                               auth: {type: Secret, secretRef: {name: aws}}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: chat}
                        spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: %d, openai: {model: llama-3, authToken: {kind: Inline, inline: sk-local}}}}}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: t}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /anthropic}}]
                            backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /gemini}}]
                            backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /vertex-claude}}]
                            backendRefs: [{name: vertex-claude, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /vertex}}]
                            backendRefs: [{name: vertex, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /bedrock}}]
                            backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /chat}}]
                            backendRefs: [{name: chat, group: gateway.kgateway.dev, kind: Backend}]
                        """.formatted(fakes.get("chat").port()))
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        fakes.values().forEach(FakeUpstream::close);
    }

    private static FakeUpstream fake(String route) {
        return fakes.get(route.startsWith("vertex") ? "vertex" : route);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "gemini", "vertex", "vertex-claude", "bedrock", "chat"})
    void createStreamAndToolRoundTrip(String route) {
        OpenAIClient c = ResponsesSdk.client(gw.url() + "/" + route + "/v1");
        FakeUpstream up = fake(route);
        Response r = ResponsesSdk.create(c, "any-model", "What is the capital of France?");
        assertThat(ResponsesSdk.text(r)).as(route).isNotBlank();
        assertThat(r.status()).hasValueSatisfying(s -> assertThat(s.asString()).isEqualTo("completed"));
        assertThat(r.usage().orElseThrow().inputTokens()).isPositive();
        JsonNode sent = up.take().json();
        assertThat(sent.toString()).as("the provider got its own format").doesNotContain("\"instructions\"")
                .doesNotContain("max_output_tokens").contains("Be brief.");

        ResponsesSdk.Streamed s = ResponsesSdk.stream(c, "any-model", "Say hello");
        assertThat(s.text()).as(route).isNotBlank();
        assertThat(s.types().getFirst()).isEqualTo("response.created");
        assertThat(s.types().getLast()).isEqualTo("response.completed");
        assertThat(s.sequence()).isSorted().doesNotHaveDuplicates();
        assertThat(s.completed().usage().orElseThrow().outputTokens()).isPositive();
        up.take();

        ResponseFunctionToolCall call = ResponsesSdk.askForTool(c, "any-model");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isNotBlank();
        up.take();
        Response answer = ResponsesSdk.answerTool(c, "any-model", call);
        assertThat(ResponsesSdk.text(answer)).isNotBlank();
        String round = up.take().body().toString();
        assertThat(round).as("the call and its output went back in the provider's terms").contains("22").contains("get_weather");
    }

    @Test
    void previousResponseIdIsRefusedInTheResponsesErrorShape() {
        OpenAIClient c = ResponsesSdk.client(gw.url() + "/anthropic/v1");
        int before = fakes.get("anthropic").received();
        assertThatThrownBy(() -> c.responses().create(ResponseCreateParams.builder().model("m").input("and then?")
                .previousResponseId("resp_123").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("previous_response_id")
                .satisfies(e -> assertThat(((BadRequestException) e).code()).hasValue("unsupported_parameter"));
        assertThat(fakes.get("anthropic").received()).isEqualTo(before);
    }

    @Test
    void inputTokensAreEstimatedForAProviderWithoutTheEndpoint() throws Exception {
        int before = fakes.get("anthropic").received();
        var r = gw.post("/anthropic/v1/responses/input_tokens", "{\"model\":\"m\",\"input\":\"How many tokens is this?\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-estimated")).hasValue("true");
        JsonNode b = JSON.readTree(r.body());
        assertThat(b.path("object").asText()).isEqualTo("response.input_tokens");
        assertThat(b.path("input_tokens").asInt()).isPositive();
        assertThat(fakes.get("anthropic").received()).isEqualTo(before);
    }

    @Test
    void droppedFieldsAreNamedInTheWarningHeader() throws Exception {
        var r = gw.post("/anthropic/v1/responses", "{\"model\":\"m\",\"input\":\"hi\",\"store\":true,\"tools\":[{\"type\":\"web_search\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-warning").orElse("")).contains("store").contains("web_search");
        fakes.get("anthropic").take();
    }
}

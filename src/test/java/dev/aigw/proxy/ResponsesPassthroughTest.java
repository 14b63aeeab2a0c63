package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Responses API to OpenAI and Azure passes through: the upstream gets {@code /v1/responses}
 * (Azure {@code /openai/v1/responses}) with the client's body and no Chat-only field such as
 * {@code stream_options}; the answer and the stream come back as the provider sent them; usage is
 * read from the response and from {@code response.completed}, also when a {@code path} override
 * points at {@code /v1/responses}. {@code input_tokens} passes through too.
 */
class ResponsesPassthroughTest {
    private static FakeUpstream openai;
    private static FakeUpstream azure;
    private static FakeUpstream custom;
    private static GatewayHarness gw;

    private static void answer(FakeUpstream.Recorded r, io.vertx.core.http.HttpServerRequest req) {
        if (r.path().endsWith("/input_tokens")) {
            req.response().putHeader("content-type", "application/json").end("{\"object\":\"response.input_tokens\",\"input_tokens\":11}");
            return;
        }
        JsonNode b = r.json();
        boolean stream = b.path("stream").asBoolean();
        boolean tools = b.path("tools").size() > 0 && b.path("input").isTextual();
        req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                .end(Fixtures.read(stream ? "openai/response-stream.sse" : tools ? "openai/response-function-call.json"
                        : "openai/response.json"));
    }

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.tls().respond(ResponsesPassthroughTest::answer);
        azure = FakeUpstream.tls().respond(ResponsesPassthroughTest::answer);
        custom = FakeUpstream.plain().respond(ResponsesPassthroughTest::answer);
        gw = GatewayHarness.builder()
                .upstream("api.openai.com", openai)
                .upstream("my-resource.openai.azure.com", azure)
                .file("r.yaml", """
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: openai}
                        spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-oai}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: azure}
                        spec: {type: AI, ai: {llm: {azureopenai: {endpoint: my-resource.openai.azure.com, deploymentName: gpt-41,
                               apiVersion: 2024-10-21, authToken: {kind: Inline, inline: az-key}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: custom}
                        spec:
                          type: AI
                          ai:
                            llm:
                              host: 127.0.0.1
                              port: %d
                              path: {full: /v1/responses}
                              openai: {model: my-model, authToken: {kind: Inline, inline: sk-custom}}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: r}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /openai}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /azure}}]
                            backendRefs: [{name: azure, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /custom}}]
                            backendRefs: [{name: custom, group: gateway.kgateway.dev, kind: Backend}]
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: mock}
                        spec: {type: AI, ai: {llm: {mock: {model: mock-1}}}}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: guarded}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /guarded}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /mock}}]
                            backendRefs: [{name: mock, group: gateway.kgateway.dev, kind: Backend}]
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: TrafficPolicy
                        metadata: {name: guard}
                        spec:
                          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: guarded}]
                          ai:
                            promptGuard:
                              request:
                                customResponse: {message: "No secrets, please", statusCode: 422}
                                regex:
                                  action: REJECT
                                  matches: [{pattern: "(?i)password", name: PASSWORD}]
                        """.formatted(custom.port()))
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        azure.close();
        custom.close();
    }

    @Test
    void createStreamAndToolRoundTripPassThroughToOpenAi() {
        OpenAIClient c = ResponsesSdk.client(gw.url() + "/openai/v1");
        Response r = ResponsesSdk.create(c, "gpt-4.1", "Tell me a three sentence bedtime story about a unicorn.");
        assertThat(ResponsesSdk.text(r)).startsWith("In a peaceful grove");
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.path()).isEqualTo("/v1/responses");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer sk-oai");
        assertThat(up.json().path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(up.json().path("max_output_tokens").asInt()).isEqualTo(200);

        ResponsesSdk.Streamed s = ResponsesSdk.stream(c, "gpt-4.1", "Say hi");
        assertThat(s.text()).isEqualTo("Hi there!");
        assertThat(s.sequence()).isSorted();
        assertThat(s.completed().usage().orElseThrow().totalTokens()).isEqualTo(48);
        JsonNode sup = openai.take().json();
        assertThat(sup.path("stream").asBoolean()).isTrue();
        assertThat(sup.has("stream_options")).as("no Chat-only field is added").isFalse();

        ResponseFunctionToolCall call = ResponsesSdk.askForTool(c, "gpt-4.1");
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(call.arguments()).contains("Boston");
        openai.take();
        Response answer = ResponsesSdk.answerTool(c, "gpt-4.1", call);
        assertThat(ResponsesSdk.text(answer)).isNotEmpty();
        JsonNode round = openai.take().json();
        assertThat(round.path("input").get(1).path("type").asText()).isEqualTo("function_call");
        assertThat(round.path("input").get(2).path("call_id").asText()).isEqualTo(call.callId());
    }

    @Test
    void azureGetsTheV1ResponsesPathWithItsDeployment() {
        Response r = ResponsesSdk.create(ResponsesSdk.client(gw.url() + "/azure/v1"), "anything", "hello");
        assertThat(ResponsesSdk.text(r)).startsWith("In a peaceful grove");
        FakeUpstream.Recorded up = azure.take();
        assertThat(up.path()).isEqualTo("/openai/v1/responses");
        assertThat(up.headers().get("api-key")).isEqualTo("az-key");
        assertThat(up.json().path("model").asText()).isEqualTo("gpt-41");
    }

    @Test
    void pathOverrideToResponsesStreamsWithoutStreamOptionsAndCountsUsage() throws Exception {
        ResponsesSdk.Streamed s = ResponsesSdk.stream(ResponsesSdk.client(gw.url() + "/custom/v1"), "m", "Say hi");
        assertThat(s.text()).isEqualTo("Hi there!");
        FakeUpstream.Recorded up = custom.take();
        assertThat(up.path()).isEqualTo("/v1/responses");
        assertThat(up.json().has("stream_options")).isFalse();
        assertThat(up.json().path("model").asText()).isEqualTo("my-model");
        String metrics = gw.get(gw.adminUrl() + "/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("gen_ai_client_token_usage_sum{") && l.contains("route=\"default/r#2\"")
                && l.contains("gen_ai_token_type=\"output\"")).findFirst().orElseThrow(() -> new AssertionError(metrics)))
                .endsWith(" 11.0");
    }

    @Test
    void theRegexGuardReadsResponsesInput() {
        int before = openai.received();
        OpenAIClient c = ResponsesSdk.client(gw.url() + "/guarded/v1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResponsesSdk.create(c, "gpt-4.1", "my password is hunter2"))
                .isInstanceOf(com.openai.errors.UnprocessableEntityException.class).hasMessageContaining("No secrets, please");
        assertThat(openai.received()).isEqualTo(before);
    }

    @Test
    void theMockAnswersResponsesRequestsToo() {
        OpenAIClient c = ResponsesSdk.client(gw.url() + "/mock/v1");
        assertThat(ResponsesSdk.text(ResponsesSdk.create(c, "m", "hello"))).isNotBlank();
        ResponsesSdk.Streamed s = ResponsesSdk.stream(c, "m", "hello");
        assertThat(s.text()).isNotBlank();
        assertThat(s.types().getLast()).isEqualTo("response.completed");
    }

    @Test
    void inputTokensPassThroughToOpenAi() throws Exception {
        HttpResponse<String> r = gw.post("/openai/v1/responses/input_tokens", "{\"model\":\"gpt-4.1\",\"input\":\"hello\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"input_tokens\":11");
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.path()).isEqualTo("/v1/responses/input_tokens");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer sk-oai");
    }
}

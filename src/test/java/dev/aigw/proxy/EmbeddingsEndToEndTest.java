package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Embeddings for every provider that has them, the OpenAI SDK as client: OpenAI and Azure take
 * the request as it is; Gemini (batchEmbedContents), Vertex AI (predict), Bedrock Titan and
 * Cohere (InvokeModel, SigV4-checked) get their own bodies, and the answers come back in
 * OpenAI's shape with usage. The google-genai SDK's embedContent reaches Gemini unchanged. The
 * regex guard reads embedding inputs; metrics name the operation {@code embeddings}.
 */
class EmbeddingsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEDROCK = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static FakeUpstream openai;
    private static FakeUpstream azure;
    private static FakeUpstream gemini;
    private static FakeUpstream vertex;
    private static FakeUpstream bedrock;
    private static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.tls().respondWith(200, "application/json", """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}""");
        azure = FakeUpstream.tls().respondWith(200, "application/json", """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[1.0,2.0]}],
                 "model":"text-embedding-3-large","usage":{"prompt_tokens":4,"total_tokens":4}}""");
        gemini = FakeUpstream.tls().respond((r, req) -> {
            JsonNode body = r.json();
            StringBuilder sb = new StringBuilder("{\"embeddings\":[");
            if (r.path().endsWith(":embedContent")) {
                req.response().putHeader("content-type", "application/json").end("{\"embedding\":{\"values\":[0.125,0.25,0.5]}}");
                return;
            }
            for (int i = 0; i < body.path("requests").size(); i++) {
                String text = body.path("requests").get(i).path("content").path("parts").get(0).path("text").asText();
                sb.append(i == 0 ? "" : ",").append(text.equals("hello") ? "{\"values\":[0.125,0.25,0.5]}"
                        : "{\"values\":[" + i + ".5,1.5]}");
            }
            req.response().putHeader("content-type", "application/json").end(sb.append("]}").toString());
        });
        vertex = FakeUpstream.tls().respondWith(200, "application/json", """
                {"predictions":[{"embeddings":{"values":[0.1,0.2,0.3],"statistics":{"token_count":6,"truncated":false}}},
                 {"embeddings":{"values":[0.4,0.5,0.6],"statistics":{"token_count":2,"truncated":false}}}]}""");
        bedrock = FakeUpstream.tls().respond((r, req) -> {
            if (!BedrockEndToEndTest.signatureValid(r)) {
                req.response().setStatusCode(403).putHeader("content-type", "application/json")
                        .end("{\"message\":\"The request signature we calculated does not match\"}");
            } else if (r.path().contains("cohere.")) {
                req.response().putHeader("content-type", "application/json").end("""
                        {"id":"e1","embeddings":{"float":[[0.9,0.8],[0.7,0.6]]},"texts":["a","b"],"response_type":"embeddings_by_type"}""");
            } else {
                req.response().putHeader("content-type", "application/json")
                        .end("{\"embedding\":[0.25,0.75],\"inputTextTokenCount\":5}");
            }
        });
        gw = GatewayHarness.builder()
                .upstream("api.openai.com", openai)
                .upstream("my-resource.openai.azure.com", azure)
                .upstream("generativelanguage.googleapis.com", gemini)
                .upstream("us-central1-aiplatform.googleapis.com", vertex)
                .upstream(BEDROCK, bedrock)
                .file("e.yaml", """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: aws}
                        stringData: {accessKey: AKIDEXAMPLE, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: openai}
                        spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-oai}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: azure}
                        spec: {type: AI, ai: {llm: {azureopenai: {endpoint: my-resource.openai.azure.com, deploymentName: emb-large,
                               apiVersion: 2024-10-21, authToken: {kind: Inline, inline: az-key}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: gemini}
                        spec: {type: AI, ai: {llm: {gemini: {model: gemini-embedding-001, apiVersion: v1beta, authToken: {kind: Inline, inline: g-key}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: vertex}
                        spec: {type: AI, ai: {llm: {vertexai: {model: text-embedding-005, apiVersion: v1, projectId: p1, location: us-central1,
                               authToken: {kind: Inline, inline: ya29.token}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: titan}
                        spec: {type: AI, ai: {llm: {bedrock: {model: amazon.titan-embed-text-v2:0, region: eu-west-1,
                               auth: {type: Secret, secretRef: {name: aws}}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: cohere}
                        spec: {type: AI, ai: {llm: {bedrock: {model: cohere.embed-english-v3, region: eu-west-1,
                               auth: {type: Secret, secretRef: {name: aws}}}}}}
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: emb}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /openai}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /azure}}]
                            backendRefs: [{name: azure, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /gemini}}]
                            backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /vertex}}]
                            backendRefs: [{name: vertex, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /titan}}]
                            backendRefs: [{name: titan, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /cohere}}]
                            backendRefs: [{name: cohere, group: gateway.kgateway.dev, kind: Backend}]
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: TrafficPolicy
                        metadata: {name: guard}
                        spec:
                          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: emb}]
                          ai:
                            promptGuard:
                              request:
                                customResponse: {message: "No secrets in embeddings", statusCode: 422}
                                regex:
                                  action: REJECT
                                  matches: [{pattern: "(?i)password", name: PASSWORD}]
                        """)
                .start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        for (FakeUpstream f : List.of(openai, azure, gemini, vertex, bedrock)) f.close();
    }

    private static OpenAIClient client(String prefix) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.url() + prefix + "/v1").apiKey("sk-client").maxRetries(0).build();
    }

    private static EmbeddingCreateParams floats(String model, List<String> input) {
        return EmbeddingCreateParams.builder().model(model).inputOfArrayOfStrings(input)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build();
    }

    @Test
    void openAiAndAzurePassThrough() throws Exception {
        CreateEmbeddingResponse r = client("/openai").embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello world").dimensions(2).build());
        assertThat(r.data().getFirst().embedding()).containsExactly(0.5f, -0.25f);
        assertThat(r.usage().promptTokens()).isEqualTo(3);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.path()).isEqualTo("/v1/embeddings");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer sk-oai");
        assertThat(up.json().path("dimensions").asInt()).isEqualTo(2);
        assertThat(up.json().path("input").asText()).isEqualTo("hello world");

        CreateEmbeddingResponse a = client("/azure").embeddings().create(floats("whatever", List.of("x")));
        assertThat(a.data().getFirst().embedding()).containsExactly(1.0f, 2.0f);
        FakeUpstream.Recorded aup = azure.take();
        assertThat(aup.uri()).isEqualTo("/openai/deployments/emb-large/embeddings?api-version=2024-10-21");
        assertThat(aup.headers().get("api-key")).isEqualTo("az-key");
    }

    @Test
    void geminiGetsBatchEmbedContentsWithDimensionsAndTaskType() throws Exception {
        CreateEmbeddingResponse r = client("/gemini").embeddings().create(EmbeddingCreateParams.builder()
                .model("ignored").inputOfArrayOfStrings(List.of("first", "second")).dimensions(2)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                .putAdditionalBodyProperty("task_type", JsonValue.from("RETRIEVAL_QUERY")).build());
        assertThat(r.data()).hasSize(2);
        // base64 as OpenAI encodes it (little-endian float32); the SDK decodes it back.
        assertThat(r.data().get(1).embedding()).containsExactly(1.5f, 1.5f);
        assertThat(r.data().get(0).embedding()).containsExactly(0.5f, 1.5f);
        FakeUpstream.Recorded up = gemini.take();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(up.headers().get("x-goog-api-key")).isEqualTo("g-key");
        assertThat(up.headers().get("authorization")).isNull();
        JsonNode first = up.json().path("requests").get(0);
        assertThat(first.path("model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(first.path("content").path("parts").get(0).path("text").asText()).isEqualTo("first");
        assertThat(first.path("outputDimensionality").asInt()).isEqualTo(2);
        assertThat(first.path("taskType").asText()).isEqualTo("RETRIEVAL_QUERY");
    }

    @Test
    void vertexGetsPredictAndReportsTokens() throws Exception {
        CreateEmbeddingResponse r = client("/vertex").embeddings().create(floats("text-embedding-005", List.of("a", "b")));
        assertThat(r.data().get(1).embedding()).containsExactly(0.4f, 0.5f, 0.6f);
        assertThat(r.usage().promptTokens()).isEqualTo(8);
        assertThat(r.usage().totalTokens()).isEqualTo(8);
        FakeUpstream.Recorded up = vertex.take();
        assertThat(up.path()).isEqualTo("/v1/projects/p1/locations/us-central1/publishers/google/models/text-embedding-005:predict");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer ya29.token");
        assertThat(up.json().path("instances").get(1).path("content").asText()).isEqualTo("b");
    }

    @Test
    void bedrockTitanAndCohereAreInvokedSigned() throws Exception {
        CreateEmbeddingResponse t = client("/titan").embeddings().create(EmbeddingCreateParams.builder()
                .model("amazon.titan-embed-text-v2:0").input("one text").dimensions(256)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertThat(t.data().getFirst().embedding()).containsExactly(0.25f, 0.75f);
        assertThat(t.usage().promptTokens()).isEqualTo(5);
        FakeUpstream.Recorded up = bedrock.take();
        assertThat(up.path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
        assertThat(BedrockEndToEndTest.signatureValid(up)).isTrue();
        assertThat(up.json().path("inputText").asText()).isEqualTo("one text");
        assertThat(up.json().path("dimensions").asInt()).isEqualTo(256);

        CreateEmbeddingResponse c = client("/cohere").embeddings().create(floats("cohere.embed-english-v3", List.of("a", "b")));
        assertThat(c.data()).hasSize(2);
        assertThat(c.data().get(1).embedding()).containsExactly(0.7f, 0.6f);
        FakeUpstream.Recorded cup = bedrock.take();
        assertThat(BedrockEndToEndTest.signatureValid(cup)).isTrue();
        assertThat(cup.json().path("texts").size()).isEqualTo(2);
        assertThat(cup.json().path("input_type").asText()).isEqualTo("search_document");

        // Titan embeds one text per call: more is refused before any provider is called, saying why.
        assertThatThrownBy(() -> client("/titan").embeddings().create(floats("t", List.of("a", "b"))))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("one text per request");
    }

    @Test
    void googleGenAiSdkEmbedContentReachesGeminiUnchanged() throws Exception {
        try (Client g = Client.builder().apiKey("client-key").httpOptions(HttpOptions.builder()
                .baseUrl(gw.url() + "/gemini").apiVersion("v1beta").build()).build()) {
            EmbedContentResponse r = g.models.embedContent("gemini-embedding-001", "hello",
                    EmbedContentConfig.builder().outputDimensionality(3).build());
            FakeUpstream.Recorded up = gemini.take();
            assertThat(up.path()).startsWith("/v1beta/models/gemini-embedding-001:");
            assertThat(up.headers().get("x-goog-api-key")).as("the Backend's key replaces the client's").isEqualTo("g-key");
            assertThat(r.embeddings().orElseThrow().getFirst().values().orElseThrow()).containsExactly(0.125f, 0.25f, 0.5f);
        }
    }


    @Test
    void regexGuardReadsEmbeddingInputsAndMetricsNameTheOperation() throws Exception {
        int before = openai.received();
        assertThatThrownBy(() -> client("/openai").embeddings().create(floats("m", List.of("fine", "my password is 1"))))
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("No secrets in embeddings");
        assertThat(openai.received()).isEqualTo(before);
        client("/openai").embeddings().create(floats("text-embedding-3-small", List.of("count me")));
        openai.take();
        String metrics = gw.get(gw.adminUrl() + "/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("gen_ai_client_token_usage_sum{")
                && l.contains("gen_ai_operation_name=\"embeddings\"") && l.contains("gen_ai_token_type=\"input\"")))
                .as(metrics).isNotEmpty();
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import dev.aigw.translate.EventStreamFixtures;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bedrock through the gateway: the OpenAI SDK as client, a fake Bedrock that checks the SigV4
 * signature by recomputing it with the same algorithm and its own copy of the key, Converse JSON
 * and a ConverseStream answer in real AWS event-stream frames (with CRCs).
 */
class BedrockEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static final String ACCESS = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    static String golden(String path) {
        try (InputStream in = BedrockEndToEndTest.class.getResourceAsStream("/golden/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Recomputes the request's SigV4 signature with the fake's own key: true when it matches. */
    static boolean signatureValid(FakeUpstream.Recorded r) {
        String auth = r.headers().get("authorization");
        if (auth == null) return false;
        Matcher m = Pattern.compile("SignedHeaders=([^,]+)").matcher(auth);
        if (!m.find()) return false;
        String amzDate = r.headers().get("x-amz-date");
        ZonedDateTime at = ZonedDateTime.parse(amzDate, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"));
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://" + HOST + r.uri()));
        for (String h : m.group(1).split(";")) {
            if (h.equals("host") || h.equals("x-amz-date")) continue;
            b.putHeader(h, r.headers().get(h));
        }
        var signed = AwsV4HttpSigner.create().sign(s -> s.identity(AwsCredentialsIdentity.create(ACCESS, SECRET))
                .request(b.build()).payload(ContentStreamProvider.fromByteArray(r.body().getBytes()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at.toInstant(), ZoneOffset.UTC)));
        return auth.equals(signed.request().firstMatchingHeader("Authorization").orElse(""));
    }

    private static FakeUpstream fakeBedrock() throws Exception {
        byte[] frames = EventStreamFixtures.concat(EventStreamFixtures.encode(JSON.readTree(
                golden("openai-chat_to_bedrock-converse/stream-tool/upstream-stream.events.json"))));
        String converse = golden("openai-chat_to_bedrock-converse/basic/upstream-response.json");
        return FakeUpstream.tls().respond((r, req) -> {
            if (!signatureValid(r)) {
                req.response().setStatusCode(403).putHeader("content-type", "application/json")
                        .putHeader("x-amzn-errortype", "InvalidSignatureException")
                        .end("{\"message\":\"The request signature we calculated does not match the signature you provided.\"}");
            } else if (r.path().endsWith("/converse-stream")) {
                req.response().putHeader("content-type", "application/vnd.amazon.eventstream").end(Buffer.buffer(frames));
            } else {
                req.response().putHeader("content-type", "application/json").end(converse);
            }
        });
    }

    private static String config(String secretKey) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: aws, namespace: ai}
                stringData: {accessKey: %s, secretKey: "%s"}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: bedrock, namespace: ai}
                spec:
                  type: AI
                  ai:
                    llm:
                      bedrock:
                        model: anthropic.claude-3-5-sonnet-20240620-v1:0
                        region: eu-west-1
                        auth: {type: Secret, secretRef: {name: aws}}
                        guardrail: {identifier: gr-123, version: "1"}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ai}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(ACCESS, secretKey);
    }

    @Test
    void openAiSdkReachesBedrockSignedPlainAndStreamed() throws Exception {
        try (FakeUpstream bedrock = fakeBedrock();
             GatewayHarness gw = GatewayHarness.builder().upstream(HOST, bedrock).file("b.yaml", config(SECRET)).start()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.url() + "/v1").apiKey("unused").maxRetries(0).build();
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("x")
                    .addSystemMessage("Be brief.").addUserMessage("Hello").build());
            assertThat(c.choices().getFirst().message().content()).isPresent();
            FakeUpstream.Recorded up = bedrock.take();
            assertThat(up.uri()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
            assertThat(signatureValid(up)).isTrue();
            JsonNode body = up.json();
            assertThat(body.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
            assertThat(body.path("guardrailConfig").path("guardrailIdentifier").asText()).isEqualTo("gr-123");
            assertThat(body.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(4096);

            String request = golden("openai-chat_to_bedrock-converse/stream-tool/request.json");
            var r = gw.post("/v1/chat/completions", request);
            assertThat(r.statusCode()).isEqualTo(200);
            FakeUpstream.Recorded sup = bedrock.take();
            assertThat(sup.uri()).endsWith("/converse-stream");
            assertThat(signatureValid(sup)).isTrue();
            // Tool-call deltas reassemble into whole JSON arguments, and the stream ends properly.
            Map<Integer, StringBuilder> args = new TreeMap<>();
            for (String line : r.body().split("\n")) {
                if (!line.startsWith("data: {")) continue;
                for (JsonNode ch : JSON.readTree(line.substring(6)).path("choices")) {
                    for (JsonNode tc : ch.path("delta").path("tool_calls")) {
                        args.computeIfAbsent(tc.path("index").asInt(), k -> new StringBuilder())
                                .append(tc.path("function").path("arguments").asText(""));
                    }
                }
            }
            assertThat(args).isNotEmpty();
            for (StringBuilder a : args.values()) assertThat(JSON.readTree(a.toString()).isObject()).isTrue();
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void aWrongKeyFailsTheSignatureCheck() throws Exception {
        try (FakeUpstream bedrock = fakeBedrock();
             GatewayHarness gw = GatewayHarness.builder().upstream(HOST, bedrock).file("b.yaml", config("wrong-secret")).start()) {
            var r = gw.post("/v1/chat/completions", "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("signature");
            assertThat(signatureValid(bedrock.take())).isFalse();
        }
    }

    /** agentgateway's resources: a Bedrock AgentgatewayBackend and a policy with promptCaching and both transformations. */
    private static String agentgatewayConfig() {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: bedrock-secret, namespace: agentgateway-system}
                stringData: {accessKey: %s, secretKey: "%s"}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: bedrock, namespace: agentgateway-system}
                spec:
                  ai:
                    provider:
                      bedrock: {model: "anthropic.claude-3-5-sonnet-20240620-v1:0", region: "eu-west-1"}
                  policies:
                    auth:
                      aws:
                        secretRef:
                          name: bedrock-secret
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: bedrock, namespace: agentgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: bedrock}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: caching, namespace: agentgateway-system}
                spec:
                  targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: bedrock}]
                  backend:
                    ai:
                      promptCaching:
                        cacheSystem: true
                        cacheMessages: true
                        cacheTools: false
                        minTokens: 1024
                        cacheMessageOffset: 0
                      overrides: [{field: temperature, value: "0.5"}]
                      transformations:
                      - {field: max_tokens, expression: "llmRequest.messages.size() * 100"}
                      - {field: top_p, expression: "llmRequest.temperature / 2.0"}
                      - {field: stop, expression: "llmRequest.no_such_field"}
                      defaults: [{field: top_p, value: "0.9"}]
                      finalTransformations:
                      - {field: requestMetadata, expression: '{"team": request.headers["x-team"]}'}
                """.formatted(ACCESS, SECRET);
    }

    @Test
    void promptCachingAndTransformationsShapeTheSignedConverseBody() throws Exception {
        try (FakeUpstream bedrock = fakeBedrock();
             GatewayHarness gw = GatewayHarness.builder().upstream(HOST, bedrock).file("b.yaml", agentgatewayConfig()).start()) {
            String system = "You answer questions about the attached handbook. ".repeat(120); // 840 words: ~1092 tokens
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.url() + "/v1").apiKey("unused").maxRetries(0)
                    .putHeader("x-team", "search").build();
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("x")
                    .addSystemMessage(system).addUserMessage("What is chapter 1 about?")
                    .addAssistantMessage("Onboarding.").addUserMessage("And chapter 2?").stop("END").build());
            assertThat(c.choices().getFirst().message().content()).isPresent();
            FakeUpstream.Recorded up = bedrock.take();
            assertThat(signatureValid(up)).as("the cache points are inside the signed body").isTrue();
            JsonNode body = up.json();
            assertThat(body.path("system")).hasSize(2);
            assertThat(body.at("/system/1/cachePoint/type").asText()).isEqualTo("default");
            JsonNode messages = body.path("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
            assertThat(messages.get(1).path("content").get(1).path("cachePoint").path("type").asText()).isEqualTo("default");
            assertThat(messages.get(2).path("content")).as("the current turn is not cached").hasSize(1);
            assertThat(messages.get(0).path("content")).hasSize(1);
            // overrides, then transformations (which see the override), then defaults (top_p already set).
            assertThat(body.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.5);
            assertThat(body.at("/inferenceConfig/topP").asDouble()).isEqualTo(0.25);
            assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(400);
            assertThat(body.at("/inferenceConfig/stopSequences").isMissingNode()).as("a failed expression removes").isTrue();
            // finalTransformations: on the Converse body, after conversion.
            assertThat(body.at("/requestMetadata/team").asText()).isEqualTo("search");

            // Below minTokens: no system cache point, the message one stays.
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("x")
                    .addSystemMessage("Be brief.").addUserMessage("Hi").addAssistantMessage("Hello.")
                    .addUserMessage("Bye").build());
            JsonNode small = bedrock.take().json();
            assertThat(small.path("system")).hasSize(1);
            assertThat(small.at("/messages/1/content/1/cachePoint").isObject()).isTrue();
        }
    }

}

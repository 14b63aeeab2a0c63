package dev.aigw.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client speaking Bedrock Converse on a route whose policy guards responses. Whole Converse
 * answers are masked; a ConverseStream (an AWS event stream, which no response guard reads)
 * is refused with a clear error before any upstream call, never relayed unguarded. A route
 * without a response guard relays the stream as it came. The fake provider answers in real
 * event-stream frames (the AWS event-stream codec, CRCs and all), which the test decodes with
 * the same codec.
 */
class BedrockConverseGuardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static final String SECRET_TEXT = "write to jane.doe@example.com today";

    private static FakeUpstream bedrock;
    private static GatewayHarness gw;
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static final Logger CONFIG_LOG = (Logger) LoggerFactory.getLogger("dev.aigw.cli.ConfigReloader");

    private static byte[] event(String type, String payload) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":event-type", HeaderValue.fromString(type));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("event"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Message(h, payload.getBytes(StandardCharsets.UTF_8)).encode(out);
        return out.toByteArray();
    }

    private static final byte[] FRAMES;

    static {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(event("messageStart", "{\"role\":\"assistant\"}"));
        all.writeBytes(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + SECRET_TEXT + "\"}}"));
        all.writeBytes(event("contentBlockStop", "{\"contentBlockIndex\":0}"));
        all.writeBytes(event("messageStop", "{\"stopReason\":\"end_turn\"}"));
        all.writeBytes(event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":7,\"totalTokens\":12},\"metrics\":{\"latencyMs\":9}}"));
        FRAMES = all.toByteArray();
    }

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        CONFIG_LOG.addAppender(logs);
        bedrock = FakeUpstream.tls().respond((r, req) -> {
            if (r.path().endsWith("/converse-stream")) {
                req.response().putHeader("content-type", "application/vnd.amazon.eventstream").end(Buffer.buffer(FRAMES));
            } else {
                req.response().putHeader("content-type", "application/json").end("{\"output\":{\"message\":{\"role\":\"assistant\","
                        + "\"content\":[{\"text\":\"" + SECRET_TEXT + "\"}]}},\"stopReason\":\"end_turn\","
                        + "\"usage\":{\"inputTokens\":5,\"outputTokens\":7,\"totalTokens\":12}}");
            }
        });
        gw = GatewayHarness.builder().upstream(HOST, bedrock).file("b.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: aws, namespace: ai}
                stringData: {accessKey: AKIDEXAMPLE, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
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
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: guarded, namespace: ai}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /guarded}}]
                    backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: plain, namespace: ai}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /plain}}]
                    backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: guard, namespace: ai}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: guarded}]
                  ai:
                    promptGuard:
                      response:
                        regex:
                          builtins: [EMAIL]
                """).start();
    }

    @AfterAll
    static void stop() {
        CONFIG_LOG.detachAppender(logs);
        gw.close();
        bedrock.close();
    }

    private static final String CONVERSE = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Who do I write to?\"}]}]}";

    private static HttpResponse<byte[]> post(String path) throws Exception {
        return gw.http().send(HttpRequest.newBuilder(URI.create(gw.url() + path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CONVERSE)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The event-stream messages of {@code bytes}, as the AWS codec decodes them: event type and payload. */
    private static List<String> decode(byte[] bytes) {
        List<String> out = new ArrayList<>();
        MessageDecoder d = new MessageDecoder(m -> out.add(m.getHeaders().get(":event-type").getString() + " "
                + new String(m.getPayload(), StandardCharsets.UTF_8)));
        d.feed(bytes);
        return out;
    }

    @Test
    void theLoadNotesTheGuardedRouteOnceInTheLogAndInRoutes() throws Exception {
        List<ILoggingEvent> noted = logs.list.stream().filter(e -> e.getFormattedMessage().contains("ConverseStream")).toList();
        assertThat(noted).as("one warning, for the guarded route only").hasSize(1);
        assertThat(noted.getFirst().getLevel()).isEqualTo(Level.WARN);
        assertThat(noted.getFirst().getFormattedMessage()).contains("HTTPRoute ai/guarded").contains("refused with 501")
                .contains("OpenAI- and Anthropic-format clients translated to Bedrock");
        HttpResponse<String> routes = gw.get(gw.adminUrl() + "/routes");
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body().lines().filter(l -> l.contains("ConverseStream")))
                .singleElement().asString().contains("warning: HTTPRoute ai/guarded: rule ai/guarded#0");
    }

    @Test
    void anOpenAiFormatStreamTranslatedToBedrockOnTheSameRouteIsMasked() throws Exception {
        HttpResponse<String> r = gw.post("/guarded/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Who do I write to?\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("data: ").doesNotContain("jane.doe@example.com").contains("<EMAIL_ADDRESS>");
    }

    @Test
    void aWholeConverseAnswerIsMasked() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse");
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(body).isEqualTo(200);
        JsonNode text = JSON.readTree(body).path("output").path("message").path("content").get(0).path("text");
        assertThat(text.asText()).doesNotContain("jane.doe@example.com").contains("<EMAIL_ADDRESS>");
    }

    @Test
    void aConverseStreamOnARouteThatGuardsResponsesIsRefusedNotRelayedUnguarded() throws Exception {
        int before = bedrock.received();
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream");
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("jane.doe@example.com");
        assertThat(r.statusCode()).as(body).isEqualTo(501);
        assertThat(JSON.readTree(body).path("error").path("message").asText())
                .contains("response guard").contains("ConverseStream").contains("/converse");
        assertThat(bedrock.received()).as("no upstream call: no tokens spent on an answer that cannot be guarded")
                .isEqualTo(before);
    }

    @Test
    void aConverseStreamOnARouteWithoutAResponseGuardIsRelayedAsItCame() throws Exception {
        HttpResponse<byte[]> r = post("/plain/model/m/converse-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        assertThat(r.body()).isEqualTo(FRAMES);
        assertThat(decode(r.body())).hasSize(5).element(1).asString().contains(SECRET_TEXT);
    }
}

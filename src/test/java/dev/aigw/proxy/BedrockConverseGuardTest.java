package dev.aigw.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client speaking Bedrock Converse on routes whose policies guard responses. The regex guard
 * masks whole Converse answers and ConverseStreams alike: the stream's AWS event-stream messages
 * are read, their {@code contentBlockDelta} text masked per content block (a match split across
 * deltas and across the provider's writes still found), and written back as event-stream
 * messages the AWS codec decodes, checksums and all; a stream that breaks ends with an exception
 * message. A route whose response webhook judges whole answers holds a ConverseStream until the
 * webhook has judged its text, then releases it masked (as event-stream messages) or ends it with
 * one exception message when it rejects. A route without a response guard relays the stream as
 * it came. The fake provider
 * answers in real event-stream frames made by the AWS codec, which the test decodes with it too.
 */
class BedrockConverseGuardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static final String SECRET_TEXT = "write to jane.doe@example.com today";

    private static FakeUpstream bedrock;
    private static FakeUpstream webhook;
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

    private static byte[] exception(String type, String message) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":exception-type", HeaderValue.fromString(type));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("exception"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Message(h, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8)).encode(out);
        return out.toByteArray();
    }

    private static byte[] delta(int index, String text) {
        return event("contentBlockDelta", "{\"contentBlockIndex\":" + index + ",\"delta\":{\"text\":\"" + text + "\"},\"p\":\"abcdef\"}");
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) all.writeBytes(p);
        return all.toByteArray();
    }

    private static final byte[] START = event("messageStart", "{\"role\":\"assistant\"}");
    private static final byte[] STOP = join(event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            event("messageStop", "{\"stopReason\":\"end_turn\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":7,\"totalTokens\":12},\"metrics\":{\"latencyMs\":9}}"));
    /** One text block, the address in one delta. */
    private static final byte[] FRAMES = join(START, delta(0, SECRET_TEXT), STOP);
    /**
     * Two text blocks and a tool call: block 0's address split across three deltas, block 1's
     * address in one, the tool's input (an address too) passed as it is.
     */
    private static final byte[] SPLIT = join(START,
            delta(0, "write to jane.d"), delta(0, "oe@exam"), delta(0, "ple.com today"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            delta(1, "or bob@example.org"), event("contentBlockStop", "{\"contentBlockIndex\":1}"),
            event("contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"mail\"}}}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"to\\\":\\\"x@example.com\\\"}\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":2}"),
            event("messageStop", "{\"stopReason\":\"tool_use\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":9,\"totalTokens\":14},\"metrics\":{\"latencyMs\":9}}"));

    /** Writes {@code bytes} in pieces of {@code piece} bytes (cutting messages), then ends. */
    private static void inPieces(HttpServerResponse resp, byte[] bytes, int piece) {
        resp.setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream");
        for (int i = 0; i < bytes.length; i += piece) {
            resp.write(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece))));
        }
        resp.end();
    }

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        CONFIG_LOG.addAppender(logs);
        webhook = FakeUpstream.plain().respond((r, req) -> {
            String text = r.json().path("body").path("choices").path(0).path("message").path("content").asText();
            String answer = !r.path().equals("/response") ? "{\"action\":{}}"
                    : req.getHeader("x-mode") != null ? "{\"action\":{\"body\":\"Not allowed\",\"status_code\":403,\"reason\":\"blocked\"}}"
                    : "{\"action\":{\"body\":{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\""
                    + text.replace("jane.doe@example.com", "[redacted]") + "\"}}]},\"reason\":\"pii\"}}";
            req.response().putHeader("content-type", "application/json").end(answer);
        });
        bedrock = FakeUpstream.tls().respond((r, req) -> {
            String ask = r.json().path("messages").path(0).path("content").path(0).path("text").asText();
            if (r.path().endsWith("/converse-stream")) {
                switch (ask) {
                    case "split" -> inPieces(req.response(), SPLIT, 7);
                    case "cut" -> inPieces(req.response(), Arrays.copyOf(join(START, delta(0, SECRET_TEXT)),
                            START.length + delta(0, SECRET_TEXT).length + 10), 64);
                    case "corrupt" -> {
                        byte[] bad = delta(0, "more");
                        bad[bad.length - 1] ^= 1; // the message CRC no longer matches
                        inPieces(req.response(), join(START, delta(0, SECRET_TEXT), bad, STOP), 64);
                    }
                    case "throttle" -> inPieces(req.response(), join(START, delta(0, "write to jane.doe@example.com, "),
                            exception("throttlingException", "Too many tokens, please wait")), 64);
                    default -> req.response().putHeader("content-type", "application/vnd.amazon.eventstream")
                            .end(Buffer.buffer(FRAMES));
                }
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
                metadata: {name: judged, namespace: ai}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /judged}}]
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
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: judge, namespace: ai}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: judged}]
                  ai:
                    promptGuard:
                      response:
                        webhook: {host: {host: 127.0.0.1, port: %d}, forwardHeaders: [x-mode]}
                """.formatted(webhook.port())).start();
    }

    @AfterAll
    static void stop() {
        CONFIG_LOG.detachAppender(logs);
        gw.close();
        bedrock.close();
        webhook.close();
    }

    private static String converse(String ask) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + ask + "\"}]}]}";
    }

    private static HttpResponse<byte[]> post(String path) throws Exception {
        return post(path, "Who do I write to?");
    }

    private static HttpResponse<byte[]> post(String path, String ask, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path)).header("content-type", "application/json");
        if (headers.length > 0) b.headers(headers);
        return gw.http().send(b
                .POST(HttpRequest.BodyPublishers.ofString(converse(ask))).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The event-stream messages of {@code bytes}, as the AWS codec decodes them (it checks both CRCs). */
    private static List<Message> messages(byte[] bytes) {
        List<Message> out = new ArrayList<>();
        MessageDecoder d = new MessageDecoder(out::add);
        d.feed(bytes);
        return out;
    }

    /** Each message as "type payload": the event type, or "exception:type" / "error:code". */
    private static List<String> decode(byte[] bytes) {
        List<String> out = new ArrayList<>();
        for (Message m : messages(bytes)) {
            String kind = m.getHeaders().get(":message-type").getString();
            String name = switch (kind) {
                case "exception" -> "exception:" + m.getHeaders().get(":exception-type").getString();
                case "error" -> "error:" + m.getHeaders().get(":error-code").getString();
                default -> m.getHeaders().get(":event-type").getString();
            };
            out.add(name + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The answer text per content block, from the decoded contentBlockDelta messages. */
    private static Map<Integer, String> texts(byte[] bytes) throws Exception {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Message m : messages(bytes)) {
            if (!"contentBlockDelta".equals(m.getHeaders().get(":event-type") == null ? null
                    : m.getHeaders().get(":event-type").getString())) continue;
            JsonNode d = JSON.readTree(m.getPayload());
            if (!d.path("delta").path("text").isTextual()) continue;
            out.merge(d.path("contentBlockIndex").asInt(), d.path("delta").path("text").asText(), String::concat);
        }
        return out;
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
    void aConverseStreamIsMaskedAndStaysAnAwsEventStream() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("jane.doe@example.com");
        List<String> events = decode(r.body());
        // The text after the address is held until no match can grow into it, then released before the block's stop.
        assertThat(events).extracting(e -> e.substring(0, e.indexOf(' '))).containsExactly("messageStart",
                "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(texts(r.body())).containsExactly(Map.entry(0, "write to <EMAIL_ADDRESS> today"));
        assertThat(events.getLast()).startsWith("metadata").contains("\"outputTokens\":7");
    }

    @Test
    void anAddressSplitAcrossDeltasAndWritesIsMaskedPerContentBlockAndToolInputPasses() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream", "split");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(texts(r.body())).containsExactly(Map.entry(0, "write to <EMAIL_ADDRESS> today"),
                Map.entry(1, "or <EMAIL_ADDRESS>"));
        List<String> events = decode(r.body());
        assertThat(events).as("the tool call's input is not answer text").anyMatch(e -> e.startsWith("contentBlockDelta")
                && e.contains("toolUse") && e.contains("x@example.com"));
        // Held text goes out before its block's stop: each block's text, then its stop.
        int stop0 = events.indexOf("contentBlockStop {\"contentBlockIndex\":0}");
        int stop1 = events.indexOf("contentBlockStop {\"contentBlockIndex\":1}");
        assertThat(stop0).isPositive().isLessThan(stop1);
        assertThat(events.subList(0, stop0)).noneMatch(e -> e.contains("\"contentBlockIndex\":1"));
        assertThat(events.getLast()).startsWith("metadata");
    }

    @Test
    void aStreamCutShortEndsWithAnExceptionMessageAfterTheMaskedText() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream", "cut");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = decode(r.body());
        assertThat(events.getLast()).startsWith("exception:modelStreamErrorException ").contains("\"message\"");
        // What the guard still held when the stream broke is not sent: the answer is not complete.
        assertThat(texts(r.body()).get(0)).isEqualTo("write to <EMAIL_ADDRESS> ");
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("jane.doe@example.com");
    }

    @Test
    void aCorruptMessageEndsTheStreamWithAnExceptionMessage() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream", "corrupt");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = decode(r.body());
        assertThat(events.getLast()).startsWith("exception:modelStreamErrorException ").contains("checksum");
        assertThat(events).noneMatch(e -> e.contains("more")).noneMatch(e -> e.startsWith("messageStop"));
    }

    @Test
    void theProvidersOwnExceptionIsRelayedOnceAfterTheHeldTextMasked() throws Exception {
        HttpResponse<byte[]> r = post("/guarded/model/m/converse-stream", "throttle");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = decode(r.body());
        assertThat(events).filteredOn(e -> e.startsWith("exception:")).singleElement().asString()
                .startsWith("exception:throttlingException ").contains("Too many tokens");
        assertThat(events.getLast()).startsWith("exception:throttlingException");
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("jane.doe@example.com");
        assertThat(texts(r.body()).get(0)).as("the held rest goes out before the exception").isEqualTo("write to <EMAIL_ADDRESS>, ");
    }

    @Test
    void theLoadNotesNoRoute() {
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("ConverseStream"));
    }

    @Test
    void anOpenAiFormatStreamTranslatedToBedrockOnTheSameRouteIsMasked() throws Exception {
        HttpResponse<String> r = gw.post("/guarded/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Who do I write to?\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("data: ").doesNotContain("jane.doe@example.com").contains("<EMAIL_ADDRESS>");
    }

    @Test
    void aConverseStreamIsHeldForTheResponseWebhookAndReleasedWithItsMask() throws Exception {
        HttpResponse<byte[]> r = post("/judged/model/m/converse-stream");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.ISO_8859_1)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("jane.doe@example.com");
        // The webhook judged the whole text; the text delta carries its answer, the other events are kept.
        assertThat(texts(r.body())).containsExactly(Map.entry(0, "write to [redacted] today"));
        assertThat(decode(r.body())).extracting(e -> e.substring(0, e.indexOf(' '))).containsExactly("messageStart",
                "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(decode(r.body()).getLast()).startsWith("metadata");
    }

    @Test
    void aConverseStreamTheWebhookRejectsIsOneExceptionMessage() throws Exception {
        HttpResponse<byte[]> r = post("/judged/model/m/converse-stream", "Who do I write to?", "x-mode", "strict");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("jane.doe");
        assertThat(decode(r.body())).singleElement().asString().startsWith("exception:validationException ")
                .contains("Not allowed");
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

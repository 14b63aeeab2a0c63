package dev.aigw.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Hostile clients and broken providers (issue 15, bugs 1, 2 and 7, and the global buffer bound),
 * over real sockets: every one gets an answer in a few seconds, in the client's format, and a
 * broken stream is never a clean 200 in the access log.
 */
class BrokenExchangesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    /** Streamed, without include_usage: the identity relay re-emits events (no raw passthrough). */
    private static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM_USAGE = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final ListAppender<ILoggingEvent> access = new ListAppender<>();

    @BeforeEach
    void captureAccessLog() {
        access.start();
        ((Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER)).addAppender(access);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER)).detachAppender(access);
    }

    private static String config(int port) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: ai}
                spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: ai, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(port);
    }

    private static HttpResponse<String> post(GatewayHarness gw, String path, String body) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> gw.post(path, body), "a hanging request is a failure");
    }

    /** The access-log record of the one request logged so far. */
    private JsonNode accessRecord() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (access.list.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(access.list).isNotEmpty();
        String line = access.list.getLast().getFormattedMessage();
        return JSON.readTree(line.substring(line.indexOf('{')));
    }

    @Test
    void aModelNameWithALineBreakIsRefusedBeforeAnythingIsSent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
            calls.incrementAndGet();
            req.response().putHeader("content-type", "application/json").end("{\"choices\":[]}");
        }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            for (String stream : List.of("false", "true")) {
                HttpResponse<String> r = post(gw, "/v1/chat/completions", "{\"model\":\"gpt\\nX: y\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                        .contains("\"model\" field contains a control character (U+000A) at position 3");
            }
            HttpResponse<String> anthropic = post(gw, "/v1/messages", "{\"model\":\"claude\\r\\nX: y\",\"max_tokens\":5,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(anthropic.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(anthropic.body()).path("type").asText()).isEqualTo("error");
            assertThat(calls).as("no provider was called, no token spent").hasValue(0);
        }
    }

    /** Sends the chunk, then breaks the stream the way {@code breaker} does. */
    private void brokenStream(String request, Consumer<io.vertx.core.http.HttpServerRequest> breaker) throws Exception {
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> breaker.accept(req));
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            HttpResponse<String> r = post(gw, "/v1/chat/completions", request);
            assertBrokenStream(r);
        }
    }

    private void assertBrokenStream(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"Hel\"").doesNotContain("[DONE]");
        String last = r.body().substring(r.body().lastIndexOf("event: error"));
        assertThat(last).startsWith("event: error\ndata: {\"error\":").contains("upstream_stream_truncated").endsWith("\n\n");
        JsonNode logged = accessRecord();
        assertThat(logged.path("upstream_failure").asText()).as("logged as failed, not a clean 200").isNotEmpty();
    }

    @Test
    void anUpstreamResetMidStreamEndsWithAnErrorEvent() throws Exception {
        for (String request : List.of(STREAM, STREAM_USAGE)) {
            access.list.clear();
            brokenStream(request, req -> {
                var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                resp.write(CHUNK);
                io.vertx.core.Vertx.currentContext().owner().setTimer(100, t -> req.connection().close());
            });
        }
    }

    @Test
    void anOversizedEventEndsWithAnErrorEventAndNothingOfIt() throws Exception {
        for (String request : List.of(STREAM, STREAM_USAGE)) {
            access.list.clear();
            brokenStream(request, req -> {
                var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                resp.write(CHUNK);
                // One event over the parser's 8 MiB bound, sent in pieces.
                resp.write("data: {\"junk\":\"");
                Buffer piece = Buffer.buffer("y".repeat(1024 * 1024));
                for (int i = 0; i < 9; i++) resp.write(piece);
                resp.end("\"}\n\n");
            });
        }
    }

    @Test
    void aLastEventWithoutItsBlankLineStillReachesTheClient() throws Exception {
        // The stream is complete (finish_reason, [DONE]) but its last line has no blank line after it.
        String finished = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> req.response()
                .putHeader("content-type", "text/event-stream").end(CHUNK + finished + "data: [DONE]\n"));
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            for (String request : List.of(STREAM, STREAM_USAGE)) {
                HttpResponse<String> r = post(gw, "/v1/chat/completions", request);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).as(request).contains("\"content\":\"Hel\"").endsWith("data: [DONE]\n\n")
                        .doesNotContain("event: error");
            }
        }
    }

    @Test
    void anEndBeforeTheAnswerIsCompleteIsNotACleanEnd() throws Exception {
        brokenStream(STREAM, req -> req.response().putHeader("content-type", "text/event-stream").end(CHUNK));
    }

    @Test
    void aGzipEncodedStreamIsRefusedInTheClientsFormat() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(zipped)) {
            z.write((CHUNK + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> req.response()
                .putHeader("content-type", "text/event-stream").putHeader("content-encoding", "gzip")
                .end(Buffer.buffer(zipped.toByteArray())));
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            for (String request : List.of(STREAM, STREAM_USAGE)) {
                access.list.clear();
                HttpResponse<String> r = post(gw, "/v1/chat/completions", request);
                assertThat(r.statusCode()).isEqualTo(502);
                assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("upstream_stream_truncated");
                assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("gzip-encoded");
                assertThat(accessRecord().path("upstream_failure").asText()).contains("gzip");
            }
        }
    }

    @Test
    void aBadChunkSizeEndsWithAnErrorEvent() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0)) {
            Thread t = Thread.ofVirtual().start(() -> {
                while (!upstream.isClosed()) {
                    try (Socket s = upstream.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[65536];
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().contains("\r\n\r\n")) {
                            int n = in.read(buf);
                            if (n < 0) break;
                            head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        }
                        OutputStream out = s.getOutputStream();
                        byte[] chunk = CHUNK.getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                                + Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(chunk);
                        out.write("\r\nzz-not-a-size\r\ndata: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        Thread.sleep(300);
                    } catch (Exception e) {
                        // next connection
                    }
                }
            });
            try (GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(upstream.getLocalPort())).start()) {
                for (String request : List.of(STREAM, STREAM_USAGE)) {
                    access.list.clear();
                    assertBrokenStream(post(gw, "/v1/chat/completions", request));
                }
            } finally {
                upstream.close();
                t.join(2000);
            }
        }
    }

    @Test
    void aResponseOverTheBufferingLimitSaysItIsTooLarge() throws Exception {
        Buffer huge = Buffer.buffer("{\"choices\":[{\"message\":{\"content\":\"");
        Buffer mib = Buffer.buffer("z".repeat(1024 * 1024));
        for (int i = 0; i < 65; i++) huge.appendBuffer(mib);
        huge.appendString("\"}}]}");
        for (boolean chunked : new boolean[] {true, false}) {
            try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
                var resp = req.response().putHeader("content-type", "application/json");
                if (chunked) {
                    resp.setChunked(true);
                    for (int i = 0; i < huge.length(); i += 1024 * 1024) {
                        resp.write(huge.getBuffer(i, Math.min(huge.length(), i + 1024 * 1024)));
                    }
                    resp.end();
                } else {
                    resp.end(huge);
                }
            }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
                // An Anthropic client, translated: the whole body must be read.
                HttpResponse<String> r = post(gw, "/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).isEqualTo(502);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.path("type").asText()).isEqualTo("error");
                assertThat(body.path("error").path("message").asText())
                        .contains("larger than 67108864 bytes, too large").doesNotContain("Stream reset");
            }
        }
    }

    @Test
    void bufferedBytesAreBoundAcrossAllRequests() throws Exception {
        String big = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"" + "w".repeat(300_000) + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        String small = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> req.response()
                .putHeader("content-type", "application/json").end(r.json().path("model").asText().equals("big") ? big : small));
             GatewayHarness gw = GatewayHarness.builder().proxy(o -> o.withMaxBufferedBytes(256 * 1024)).file("c.yaml", config(fake.port())).start()) {
            String prompt = "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = post(gw, "/v1/chat/completions", prompt);
                assertThat(response.statusCode()).as("a response over the global bound").isEqualTo(503);
                assertThat(JSON.readTree(response.body()).path("error").path("message").asText())
                        .contains("262144 buffered bytes (--max-buffered-bytes)");
            }
            HttpResponse<String> request = post(gw, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"" + "q".repeat(300_000) + "\"}]}");
            assertThat(request.statusCode()).as("a request body over the global bound").isEqualTo(503);
            // What the refused requests held was given back: small ones still pass.
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> ok = post(gw, "/v1/chat/completions",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "s".repeat(40_000) + "\"}]}");
                assertThat(ok.statusCode()).isEqualTo(200);
            }
        }
    }
}

package dev.aigw.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests that must still get an answer, and upstreams that misbehave. */
class RobustnessTest {

    private static String config(int aiPort, int staticPort) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: ai}
                spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: web}
                spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /v1}}]
                    timeouts: {request: 800ms}
                    backendRefs: [{name: ai, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /web}}]
                    backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(aiPort, staticPort);
    }

    /** One request over a raw socket, for what java.net.http refuses to send (bad escapes, a Host header). */
    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A copy of what was logged: the appender adds from event loops (under its own lock) while the test reads. */
    private static java.util.List<ILoggingEvent> logged(ListAppender<ILoggingEvent> lines) {
        synchronized (lines) {
            return java.util.List.copyOf(lines.list);
        }
    }

    @Test
    void misbehavingClientsAndUpstreamsStillGetClearAnswers() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try (FakeUpstream ai = FakeUpstream.plain().respond((r, req) -> {
            // Streams one event, then stalls: timeouts.request must still end the exchange.
            req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                    .write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
        }); FakeUpstream web = FakeUpstream.plain().respond((r, req) -> req.response().end(
                "host=" + r.headers().get("host") + " te=" + r.headers().get("transfer-encoding")));
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port())).start()) {
            int port = Integer.parseInt(gw.url().substring(gw.url().lastIndexOf(':') + 1));
            String bad = raw(port, "GET /web/x?q=%zz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            assertThat(bad).startsWith("HTTP/1.1 400").contains("query string");

            String get = raw(port, "GET /web/page HTTP/1.1\r\nhost: shop.example.com\r\nconnection: close\r\n\r\n");
            // The upstream gets its own host:port, not the client's Host (docs/configuration.md, Static backends).
            assertThat(get).startsWith("HTTP/1.1 200").endsWith("host=127.0.0.1:" + web.port() + " te=null");

            HttpResponse<String> stalled = gw.post("/v1/chat/completions",
                    "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
            assertThat(stalled.body()).contains("\"content\":\"a\"").contains("event: error").contains("timeouts.request");

            // A client that leaves mid-stream is logged as 499, not 200.
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(gw.url().substring(gw.url().lastIndexOf(':') + 1)))) {
                String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}";
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                        + "content-length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                assertThat(in.read(buf)).isPositive();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && logged(lines).stream().noneMatch(e -> e.getFormattedMessage().contains("\"response_code\":499"))) {
                Thread.sleep(50);
            }
            assertThat(logged(lines)).anyMatch(e -> e.getFormattedMessage().contains("\"response_code\":499"));
        } finally {
            access.detachAppender(lines);
        }
    }
}

package dev.aigw.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every token counted: usage from plain and streamed responses reaches metrics and the access log. */
class TelemetryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String OPENAI_STREAM_WITH_USAGE = Fixtures.read("openai/chat-stream.sse").replace("data: [DONE]",
            "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":4,\"total_tokens\":21}}\n\ndata: [DONE]");

    @Test
    void usageIsCountedWhileTheClientGetsExactlyWhatItAskedFor() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try (FakeUpstream openai = FakeUpstream.plain().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean();
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(stream ? OPENAI_STREAM_WITH_USAGE : Fixtures.read("openai/chat-completion.json"));
        }); GatewayHarness gw = GatewayHarness.builder().file("t.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-test}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(openai.port())).start()) {
            // A stream whose client did not ask for usage: the gateway asks upstream, the client sees none.
            HttpResponse<String> s = gw.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}",
                    "user-agent", "telemetry-test/1.0");
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(s.body()).doesNotContain("\"usage\"").contains("Hello").endsWith("data: [DONE]\n\n");
            JsonNode sent = openai.take().json();
            assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();

            HttpResponse<String> p = gw.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
            assertThat(p.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(p.body())).isEqualTo(JSON.readTree(Fixtures.read("openai/chat-completion.json")));
            openai.take();

            String metrics = gw.get(gw.adminUrl() + "/metrics").body();
            assertThat(metrics).contains("gen_ai_client_token_usage");
            assertThat(line(metrics, "ai_prompt_tokens_total", "gpt-4o-mini")).endsWith(" 36.0"); // 17 streamed + 19 plain
            assertThat(line(metrics, "ai_completion_tokens_total", "gpt-4o-mini")).endsWith(" 14.0"); // 4 + 10
            assertThat(metrics).contains("aigw_config_generation");
            assertThat(metrics).as("both attempts ended: no connection left counted as in use")
                    .contains("aigw_upstream_in_flight{upstream=\"127.0.0.1:" + openai.port() + "\"} 0.0");

            List<JsonNode> logs = lines.list.stream().map(e -> {
                try {
                    return JSON.readTree(e.getFormattedMessage());
                } catch (Exception x) {
                    throw new AssertionError("access log line is not JSON: " + e.getFormattedMessage());
                }
            }).toList();
            assertThat(logs).hasSize(2);
            JsonNode streamed = logs.getFirst();
            assertThat(streamed.path("streamed").asBoolean()).isTrue();
            assertThat(streamed.path("tokens_in").asLong()).isEqualTo(17);
            assertThat(streamed.path("tokens_out").asLong()).isEqualTo(4);
            assertThat(streamed.path("response_code").asInt()).isEqualTo(200);
            assertThat(streamed.path("user_agent").asText()).isEqualTo("telemetry-test/1.0");
            assertThat(streamed.path("route").asText()).contains("default/chat");
            assertThat(lines.list.toString()).doesNotContain("secret prompt").doesNotContain("sk-test");
        } finally {
            access.detachAppender(lines);
        }
    }

    private static String line(String metrics, String name, String model) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains("model=\"" + model + "\""))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " for " + model + " in\n" + metrics));
    }

    @Test
    void promptLoggingIsOptInAndBounded() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try (GatewayHarness gw = GatewayHarness.builder().logPrompts(24).file("m.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: mock}
                spec: {type: AI, ai: {llm: {mock: {model: mock-1}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: mock, group: gateway.kgateway.dev, kind: Backend}]}]
                """).start()) {
            assertThat(gw.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"tell me a long story about dragons and castles\"}]}").statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (lines.list.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            JsonNode line = JSON.readTree(lines.list.getFirst().getFormattedMessage());
            assertThat(line.path("prompt").asText()).isEqualTo("user: tell me a long sto…");
            assertThat(line.path("completion").asText()).isEqualTo("Mock reply to: tell me a…");
        } finally {
            access.detachAppender(lines);
        }
    }
}

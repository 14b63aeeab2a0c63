package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A slow first byte on a streamed request: SSE comments keep the client's connection warm. */
class KeepAliveTest {
    private static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String config(int port) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: slow}
                spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  annotations: {ai.gateway.dev/stream-keepalive: 150ms}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: slow, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(port);
    }

    @Test
    void commentsFlowUntilTheFirstByteThenTheStream() throws Exception {
        try (FakeUpstream slow = FakeUpstream.plain().respond((r, req) -> io.vertx.core.Vertx.currentContext().owner()
                .setTimer(700, t -> req.response().putHeader("content-type", "text/event-stream")
                        .end(Fixtures.read("openai/chat-stream.sse"))));
             GatewayHarness gw = GatewayHarness.builder().file("k.yaml", config(slow.port())).start()) {
            var pending = gw.http().sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/v1/chat/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(STREAM)).header("content-type", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertThat(gw.get(gw.adminUrl() + "/metrics").body()).as("the waiting attempt holds a connection")
                    .contains("aigw_upstream_in_flight{upstream=\"127.0.0.1:" + slow.port() + "\"} 1.0");
            HttpResponse<String> r = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": keep-alive\n\n");
            assertThat(r.body().split(": keep-alive", -1).length - 1).isBetween(2, 6);
            assertThat(r.body()).contains("\"content\":\"Hello\"").endsWith("data: [DONE]\n\n");
            // A request that does not stream gets no comments.
            HttpResponse<String> plain = gw.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
            assertThat(plain.body()).doesNotContain("keep-alive");
        }
    }

    // The upstream answers ten keep-alive intervals late: on a loaded 2-core machine a 500 ms margin
    // was sometimes not enough for the first comment to go out, and the 503 then came as a plain answer.
    @Test
    void aFailureAfterKeepAlivesEndsTheStreamWithAnErrorEvent() throws Exception {
        try (FakeUpstream failing = FakeUpstream.plain().respond((r, req) -> io.vertx.core.Vertx.currentContext().owner()
                .setTimer(1500, t -> req.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")));
             GatewayHarness gw = GatewayHarness.builder().file("k.yaml", config(failing.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", STREAM);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": keep-alive\n\n").contains("overloaded");
        }
    }
}

package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Responses stream event by event, and a client that leaves cancels the upstream request. */
class StreamingTest {

    static String config(int port) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: local}
                spec:
                  type: AI
                  ai:
                    llm:
                      openai:
                        authToken: {kind: Inline, inline: sk-local}
                      host: 127.0.0.1
                      port: %d
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: local, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(port);
    }

    private static final String BODY = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void theClientSeesEachEventBeforeTheNextIsSent() throws Exception {
        CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
        AtomicBoolean secondSentAfterClientSawFirst = new AtomicBoolean();
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
            var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write("data: {\"n\":1}\n\n");
            // If the gateway buffered, the client could not see event 1 and this would time out.
            clientSawFirst.orTimeout(5, TimeUnit.SECONDS).whenComplete((v, e) -> {
                secondSentAfterClientSawFirst.set(e == null);
                resp.end("data: {\"n\":2}\n\ndata: [DONE]\n\n");
            });
        }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            HttpResponse<InputStream> resp = gw.http().send(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                assertThat(in.readLine()).isEqualTo("data: {\"n\":1}");
                clientSawFirst.complete(null);
                assertThat(in.readLine()).isEmpty();
                assertThat(in.readLine()).isEqualTo("data: {\"n\":2}");
                in.readLine();
                assertThat(in.readLine()).isEqualTo("data: [DONE]");
            }
            assertThat(secondSentAfterClientSawFirst).isTrue();
        }
    }

    @Test
    void aStreamThatEndsBeforeItsHeadWentOutIsSentWithItsLength() throws Exception {
        String events = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\ndata: [DONE]\n\n";
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) ->
                req.response().putHeader("content-type", "text/event-stream").end(events));
             GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            // With its usage (no estimate on a worker first, which would end it in a later turn).
            HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(events);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
            // One read brought it all: one message with its length, no chunk framing.
            assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(events.length()));
            assertThat(r.headers().firstValue("transfer-encoding")).isEmpty();
        }
    }

    @Test
    void aStreamStillUnderWayWhenItsFirstEventGoesOutIsChunked() throws Exception {
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
            var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write("data: {\"n\":1}\n\n");
            io.vertx.core.Vertx.currentContext().owner().setTimer(100, t -> resp.end("data: [DONE]\n\n"));
        }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", BODY);
            assertThat(r.body()).isEqualTo("data: {\"n\":1}\n\ndata: [DONE]\n\n");
            assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
            assertThat(r.headers().firstValue("content-length")).isEmpty();
        }
    }

    @Test
    void aClientThatGoesAwayCancelsTheUpstreamRequest() throws Exception {
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        AtomicInteger sent = new AtomicInteger();
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
            var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            resp.closeHandler(v -> upstreamClosed.complete(null));
            FakeUpstreamTicker.tick(resp, sent);
        }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            HttpResponse<InputStream> resp = gw.http().send(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
            InputStream body = resp.body();
            BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("data: ");
            body.close();
            upstreamClosed.get(10, TimeUnit.SECONDS);
            int atClose = sent.get();
            Thread.sleep(300);
            assertThat(sent.get()).as("the upstream stopped sending once cancelled").isLessThanOrEqualTo(atClose + 1);
        }
    }

    @Test
    void aStreamThatBreaksMidwayEndsWithAnErrorEvent() throws Exception {
        try (FakeUpstream fake = FakeUpstream.plain().respond((r, req) -> {
            var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            resp.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n");
            io.vertx.core.Vertx.currentContext().owner().setTimer(100, t -> req.connection().close());
        }); GatewayHarness gw = GatewayHarness.builder().file("c.yaml", config(fake.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions",
                    "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"content\":\"Hel\"")
                    .contains("event: error").contains("upstream_stream_truncated");
        }
    }

    /** Sends an event every 20 ms until the response is closed. */
    static final class FakeUpstreamTicker {
        static void tick(io.vertx.core.http.HttpServerResponse resp, AtomicInteger sent) {
            io.vertx.core.Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
            vertx.setPeriodic(20, id -> {
                if (resp.closed() || resp.ended()) {
                    vertx.cancelTimer(id);
                    return;
                }
                resp.write("data: {\"n\":" + sent.incrementAndGet() + "}\n\n");
            });
        }
    }
}

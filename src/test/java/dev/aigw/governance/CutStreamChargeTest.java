package dev.aigw.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream the client cuts short is still charged for what it delivered (to the ledger and the token limit). */
class CutStreamChargeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cutStreamChargesWhatWasDelivered() throws Exception {
        String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"several words of output here \"},\"finish_reason\":null}]}\n\n";
        try (FakeUpstream openai = FakeUpstream.plain().respond((r, req) -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            long id = openai().vertx().setPeriodic(30, t -> {
                if (!req.response().closed()) req.response().write(chunk);
            });
            req.connection().closeHandler(v -> openai().vertx().cancelTimer(id));
        })) {
            holder = openai;
            try (GatewayHarness gw = GatewayHarness.builder().file("g.yaml", """
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: openai}
                    spec:
                      type: AI
                      ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: chat}
                    spec:
                      parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                      rules: [{backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}]
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: keys}
                    stringData: {k: '{"key": "sk-cut-stream-key-1", "metadata": {"name": "cutter", "team": "t"}}'}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata: {name: p}
                    spec:
                      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
                      traffic:
                        apiKeyAuthentication: {secretRef: {name: keys}}
                        rateLimit:
                          local: [{tokens: 5, unit: Hours}]
                    """.formatted(openai.port())).start()) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                        .header("content-type", "application/json").header("authorization", "Bearer sk-cut-stream-key-1")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build();
                HttpResponse<InputStream> r = gw.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                byte[] buf = new byte[4096];
                int got = 0;
                try (InputStream in = r.body()) {
                    while (got < 1000) {
                        int n = in.read(buf);
                        if (n < 0) break;
                        got += n;
                    }
                }
                assertThat(got).isGreaterThan(0);
                // The gateway notices the cut, resets the upstream and charges what it had delivered.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                JsonNode g;
                do {
                    Thread.sleep(100);
                    g = JSON.readTree(gw.get(gw.adminUrl() + "/governance").body());
                } while (g.at("/callers/cutter/outputTokens").asLong() == 0 && System.nanoTime() < deadline);
                assertThat(g.at("/callers/cutter/outputTokens").asLong()).isGreaterThan(5);
                // And the token bucket was charged: the next request is refused.
                HttpResponse<String> next = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}",
                        "authorization", "Bearer sk-cut-stream-key-1");
                assertThat(next.statusCode()).isEqualTo(429);
            }
        }
    }

    static FakeUpstream holder;

    static FakeUpstream openai() {
        return holder;
    }
}

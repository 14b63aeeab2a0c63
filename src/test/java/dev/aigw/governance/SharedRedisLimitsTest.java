package dev.aigw.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import dev.aigw.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways (in-process, separate state: their own Vert.x, buckets and Redis clients) sharing
 * one real redis-server, under concurrent load, streaming and not.
 */
class SharedRedisLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int IN_FLIGHT = 16;                    // per gateway
    static final long TOKENS_PER_REQUEST = 150;         // 100 in + 50 out, from the fake's usage
    static RedisServer redis;
    static FakeUpstream openai;
    static GatewayHarness g1, g2;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static final String COMPLETION = """
            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,
            "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150}}""";
    static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150}}

            data: [DONE]

            """;

    static String yaml(int upstream, String redisUrl) {
        return """
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
                  rules:
                  - {name: requests, matches: [{path: {type: PathPrefix, value: /requests}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}
                  - {name: tokens, matches: [{path: {type: PathPrefix, value: /tokens}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}
                  - {name: budget, matches: [{path: {type: PathPrefix, value: /budget}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}
                  - {name: outage, matches: [{path: {type: PathPrefix, value: /outage}}], backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: requests}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: requests}]
                  traffic:
                    rateLimit:
                      global:
                        url: %s
                        domain: shared
                        descriptors:
                        - entries: [{name: user, expression: 'request.headers["x-user-id"]'}]
                          limit: {unit: hour, requestsPerUnit: 150}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: tokens}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: tokens}]
                  traffic:
                    rateLimit:
                      global:
                        url: %s
                        domain: shared
                        descriptors:
                        - entries: [{name: user, expression: 'request.headers["x-user-id"]'}]
                          unit: Tokens
                          limit: {unit: hour, requestsPerUnit: 6000}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: budget}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: budget}]
                  traffic:
                    rateLimit:
                      global:
                        url: %s
                        domain: shared
                        descriptors:
                        - name: daily-budget
                          entries: [{name: user, expression: 'request.headers["x-user-id"]'}]
                          cost: 'uint(llm.cost.total * 1000000.0)'
                          limit: {unit: day, requestsPerUnit: 100000}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: outage}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: outage}]
                  traffic:
                    rateLimit:
                      global:
                        url: %s
                        domain: shared
                        failureMode: FailClosed
                        descriptors:
                        - entries: [{name: user, expression: 'request.headers["x-user-id"]'}]
                          limit: {unit: hour, requestsPerUnit: 1000000}
                """.formatted(upstream, redisUrl, redisUrl, redisUrl, redisUrl);
    }

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        openai = FakeUpstream.plain().respond((r, req) -> {
            if (r.json().path("stream").asBoolean()) req.response().putHeader("content-type", "text/event-stream").end(STREAM);
            else req.response().putHeader("content-type", "application/json").end(COMPLETION);
        });
        g1 = GatewayHarness.builder().file("g.yaml", yaml(openai.port(), redis.url())).start();
        g2 = GatewayHarness.builder().file("g.yaml", yaml(openai.port(), redis.url())).start();
        // Warm both (JIT, the Redis pool, the script cache), so that a cold first second is not what is measured.
        for (GatewayHarness g : List.of(g1, g2)) {
            for (String p : List.of("/requests", "/tokens", "/budget", "/outage")) {
                g.post(p + "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "x-user-id", "warm-up");
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        g1.close();
        g2.close();
        openai.close();
        redis.close();
    }

    record Outcome(int status, String body) {
    }

    /** {@code n} requests to each gateway, {@link #IN_FLIGHT} at a time per gateway, alternating streamed and not. */
    static List<Outcome> load(String path, String user, int n, String model) throws Exception {
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (GatewayHarness g : List.of(g1, g2)) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < n; i++) {
                slots.acquire();
                boolean stream = i % 2 == 0;
                String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                HttpRequest req = HttpRequest.newBuilder(URI.create(g.url() + path + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(20)).header("content-type", "application/json").header("x-user-id", user)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                        .handle((r, e) -> e != null ? new Outcome(-1, e.toString()) : new Outcome(r.statusCode(), r.body()))
                        .whenComplete((o, e) -> slots.release()));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return all.stream().map(CompletableFuture::join).toList();
    }

    static long count(List<Outcome> os, int status) {
        return os.stream().filter(o -> o.status() == status).count();
    }

    /**
     * What a bound's failure needs said: the outcomes by status, and the limiter failures the
     * replicas counted. A check that misses the 1 s limiter timeout is admitted unjudged
     * (FailOpen, the default) and so may add to the overshoot beyond the requests in flight.
     */
    static String why(List<Outcome> os) throws Exception {
        Map<Integer, Long> byStatus = new TreeMap<>();
        for (Outcome o : os) byStatus.merge(o.status(), 1L, Long::sum);
        StringBuilder errors = new StringBuilder();
        for (GatewayHarness g : List.of(g1, g2)) {
            for (String line : g.get(g.adminUrl() + "/metrics").body().split("\n")) {
                if (line.startsWith("aigw_ratelimit_backend_errors_total")) errors.append(line).append("; ");
            }
        }
        return "outcomes " + byStatus + ", limiter failures: " + (errors.isEmpty() ? "none" : errors);
    }

    @Test
    void requestLimitAdmitsExactlyTheLimitAcrossBothReplicas() throws Exception {
        List<Outcome> os = load("/requests", "u-req", 200, "gpt-4o");
        assertThat(count(os, 200)).isEqualTo(150);
        assertThat(count(os, 429)).isEqualTo(250);
        Outcome refused = os.stream().filter(o -> o.status() == 429).findFirst().orElseThrow();
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).isEqualTo("rate limit exceeded");
    }

    @Test
    void tokenLimitIsOvershotByNoMoreThanTheRequestsInFlight() throws Exception {
        List<Outcome> os = load("/tokens", "u-tok", 150, "gpt-4o");
        long admitted = count(os, 200);
        long charged = admitted * TOKENS_PER_REQUEST;
        String why = why(os);
        assertThat(charged).as(why).isGreaterThanOrEqualTo(6000);
        // Charged after the response: at most the requests in flight on both replicas get past the limit.
        assertThat(charged).as(why).isLessThanOrEqualTo(6000 + 2L * IN_FLIGHT * TOKENS_PER_REQUEST);
        assertThat(count(os, 429)).as(why).isEqualTo(300 - admitted);
        for (GatewayHarness g : List.of(g1, g2)) {
            assertThat(g.post("/tokens/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "x-user-id", "u-tok").statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void dollarBudgetIsOvershotByNoMoreThanTheRequestsInFlightAndSaysWhichAndWhen() throws Exception {
        // gpt-4o: 100 * $2.50 + 50 * $10 per million = $0.00075 a request; $0.10 is 133.3 requests.
        List<Outcome> os = load("/budget", "u-usd", 150, "gpt-4o");
        long admitted = count(os, 200);
        long micros = admitted * 750;
        String why = why(os);
        assertThat(micros).as(why).isGreaterThanOrEqualTo(100_000);
        assertThat(micros).as(why).isLessThanOrEqualTo(100_000 + 2L * IN_FLIGHT * 750);
        HttpResponse<String> r = g2.post("/budget/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "x-user-id", "u-usd");
        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(e.at("/error/message").asText()).startsWith("budget exceeded: daily-budget (100000 micro-USD ($0.1) per day); resets at ")
                .endsWith("T00:00:00Z");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(g1.post("/budget/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "x-user-id", "u-usd").statusCode()).isEqualTo(429);
    }

    @Test
    void redisKilledAndRestartedMidLoad() throws Exception {
        // Its own thread: the JDK client completes responses on the common pool, which load() must not occupy.
        CompletableFuture<List<Outcome>> running = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                running.complete(load("/outage", "u-out", 150, "gpt-4o"));
            } catch (Exception e) {
                running.completeExceptionally(e);
            }
        }, "outage-load");
        loader.start();
        Thread.sleep(300);
        redis.kill();
        Thread.sleep(1500);
        redis.restart();
        List<Outcome> os = running.get(120, TimeUnit.SECONDS);
        // No request hung or broke: each is admitted or refused by FailClosed (500, in the client's format).
        assertThat(os).allMatch(o -> o.status() == 200 || o.status() == 500);
        assertThat(os.stream().filter(o -> o.status() == 500))
                .allMatch(o -> o.body().contains("rate limit service unavailable"));
        // Counting resumes on both replicas.
        for (GatewayHarness g : List.of(g1, g2)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            HttpResponse<String> r;
            do {
                r = g.post("/outage/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}", "x-user-id", "u-after");
            } while (r.statusCode() != 200 && System.nanoTime() < deadline);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-ratelimit-limit")).contains("1000000");
        }
        assertThat(redis.command("KEYS aigw:rl:shared:*")).contains("aigw:rl:shared:rH:");
    }
}

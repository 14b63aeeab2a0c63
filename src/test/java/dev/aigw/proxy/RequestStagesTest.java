package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.config.YamlResources;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.proxy.stage.RequestStage;
import dev.aigw.proxy.stage.Verdict;
import dev.aigw.route.SnapshotCompiler;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.translate.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request-stage slots: stages plugged in through {@link ProxyServices.Stages} run in order
 * around the route's policy, may answer in the client's format (401, 429 with retry-after),
 * see the body before the policy rewrites it, and learn the usage of the exchange.
 */
class RequestStagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = """
            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
            "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void stagesRunInTheirSlotsAroundThePolicyAndMayAnswer() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        List<Usage> spent = new CopyOnWriteArrayList<>();
        RequestStage auth = scope -> {
            order.add("auth:temperature=" + scope.body().path("temperature").asText("none"));
            if (!"let-me-in".equals(scope.header("x-client-key"))) {
                return Future.succeededFuture(Verdict.answer(new GatewayError.Unauthorized("no client key (x-client-key)")));
            }
            return Future.succeededFuture(Verdict.proceed());
        };
        RequestStage limit = scope -> {
            order.add("limit:temperature=" + scope.body().path("temperature").asText("none"));
            if ("boom".equals(scope.header("x-tier"))) throw new IllegalStateException("boom");
            scope.onUsage(spent::add);
            if ("over".equals(scope.header("x-tier"))) {
                return Future.succeededFuture(Verdict.answer(new GatewayError.RateLimited("token limit of 100 per minute "
                        + "reached", Optional.of(Duration.ofSeconds(7)))));
            }
            // Asynchronous, as a Redis lookup would be.
            return Vertx.currentContext().owner().timer(20, TimeUnit.MILLISECONDS).map(Verdict.proceed());
        };
        Vertx vertx = Vertx.vertx();
        try (FakeUpstream upstream = FakeUpstream.plain().respondWith(200, "application/json", OK)) {
            int port = freePort();
            GatewayServer server = new GatewayServer(vertx, ProxyOptions.defaults().withBindAddress("127.0.0.1"),
                    Telemetry.NOOP, new ProxyServices.Stages(List.of(auth), List.of(limit)));
            var yaml = """
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
                    ---
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: TrafficPolicy
                    metadata: {name: p}
                    spec:
                      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                      ai:
                        defaults: [{field: temperature, value: 0.2}]
                    """.formatted(upstream.port());
            var compiled = SnapshotCompiler.compile(YamlResources.parse("t.yaml", yaml).resources(), 1,
                    new SnapshotCompiler.Options(port, name -> null, true));
            server.apply(compiled.snapshot()).await(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            String anthropic = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

            HttpResponse<String> refused = send(http, port, "/v1/messages", anthropic);
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode body = JSON.readTree(refused.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(body.path("error").path("message").asText()).isEqualTo("no client key (x-client-key)");
            assertThat(order).containsExactly("auth:temperature=none");

            order.clear();
            HttpResponse<String> limited = send(http, port, "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-client-key", "let-me-in", "x-tier", "over");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
            assertThat(JSON.readTree(limited.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(order).as("authentication before the policy, limits after it")
                    .containsExactly("auth:temperature=none", "limit:temperature=0.2");
            assertThat(upstream.received()).isZero();

            HttpResponse<String> thrown = send(http, port, "/v1beta/models/g:generateContent",
                    "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-client-key", "let-me-in", "x-tier", "boom");
            assertThat(thrown.statusCode()).as("a stage that throws still answers").isEqualTo(500);
            assertThat(JSON.readTree(thrown.body()).path("error").path("status").asText()).isEqualTo("INTERNAL");
            assertThat(JSON.readTree(thrown.body()).path("error").path("message").asText()).isEqualTo("a request stage failed: boom");

            order.clear();
            HttpResponse<String> ok = send(http, port, "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-client-key", "let-me-in");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(upstream.take().json().path("temperature").asDouble()).isEqualTo(0.2);
            assertThat(spent).singleElement().satisfies(u -> {
                assertThat(u.input()).isEqualTo(5);
                assertThat(u.output()).isEqualTo(1);
            });
            server.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> send(HttpClient http, int port, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

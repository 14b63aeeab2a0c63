package dev.aigw.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigw.route.Snapshot;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.telemetry.MetricsTelemetry;
import dev.aigw.telemetry.RequestInfo;
import dev.aigw.translate.Usage;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdminMetricsTest {

    @Test
    void metricsEndpointServesPrometheusText() throws Exception {
        MetricsTelemetry metrics = new MetricsTelemetry(() -> Set.of("gpt-4o"));
        ExchangeObserver o = metrics.begin(new RequestInfo("r", Instant.now(), System.nanoTime(), "POST",
                "/v1/chat/completions", null, null, null));
        o.routed("default/r#0", "openai");
        o.attemptStarted("openai", "openai", "gpt-4o", "api.openai.com:443");
        o.usage(Usage.of(7, 3, 0, 0, 0), "gpt-4o", "stop", false);
        o.finished(200, false, 10);
        Vertx vertx = Vertx.vertx();
        try {
            AdminServer admin = new AdminServer(vertx, Snapshot::empty, Map::of, metrics::scrape);
            admin.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.actualPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).contains(AdminServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(r.body()).contains("# TYPE ai_prompt_tokens_total counter")
                    .contains("ai_prompt_tokens_total{llm=\"openai\",model=\"gpt-4o\"} 7.0")
                    .contains("gen_ai_client_token_usage_bucket{");
            AdminServer without = new AdminServer(vertx, Snapshot::empty, Map::of);
            without.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + without.actualPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}

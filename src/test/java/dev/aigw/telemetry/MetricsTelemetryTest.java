package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigw.translate.Usage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsTelemetryTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final MetricsTelemetry metrics = new MetricsTelemetry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () -> Set.of("gpt-4o", "claude-sonnet-4-5"), clock::get);

    private RequestInfo info() {
        return new RequestInfo("req-1", Instant.parse("2025-01-01T00:00:00Z"), clock.get(), "POST",
                "/v1/chat/completions", "10.0.0.1", "test", h -> null);
    }

    private void streamedExchange(String requestModel, String responseModel, Usage usage) {
        ExchangeObserver o = metrics.begin(info());
        o.routed("default/openai#0", "openai");
        o.attemptStarted("openai", "openai", requestModel, "api.openai.com:443");
        clock.addAndGet(50_000_000); // 50 ms to the response head
        o.responseHeaders(200);
        clock.addAndGet(50_000_000); // first chunk at 100 ms
        o.firstChunk();
        clock.addAndGet(900_000_000); // stream ends at 1 s
        o.usage(usage, responseModel, "stop", false);
        o.finished(200, true, 1234);
    }

    @Test
    void streamedExchangeShowsGenAiKgatewayAndHttpSeries() {
        streamedExchange("gpt-4o", "gpt-4o-2024-08-06", Usage.of(19, 10, 0, 0, 0));
        metrics.configLoaded(true, 3);
        metrics.configLoaded(false, 4);
        List<PrometheusText.Sample> s = PrometheusText.parse(metrics.scrape());

        Map<String, String> genAi = Map.of("gen_ai_operation_name", "chat", "gen_ai_system", "openai",
                "gen_ai_request_model", "gpt-4o", "gen_ai_response_model", "gpt-4o-2024-08-06",
                "route", "default/openai#0", "backend", "openai");
        Map<String, String> input = new java.util.HashMap<>(genAi);
        input.put("gen_ai_token_type", "input");
        Map<String, String> output = new java.util.HashMap<>(genAi);
        output.put("gen_ai_token_type", "output");
        assertThat(PrometheusText.value(s, "gen_ai_client_token_usage_sum", input)).isEqualTo(19);
        assertThat(PrometheusText.value(s, "gen_ai_client_token_usage_count", input)).isEqualTo(1);
        assertThat(PrometheusText.value(s, "gen_ai_client_token_usage_sum", output)).isEqualTo(10);
        Map<String, String> le16 = new java.util.HashMap<>(output);
        le16.put("le", "16.0");
        assertThat(PrometheusText.value(s, "gen_ai_client_token_usage_bucket", le16)).isEqualTo(1);
        le16.put("le", "4.0");
        assertThat(PrometheusText.value(s, "gen_ai_client_token_usage_bucket", le16)).isEqualTo(0);

        assertThat(PrometheusText.value(s, "gen_ai_server_request_duration_sum", genAi)).isEqualTo(1.0);
        assertThat(PrometheusText.value(s, "gen_ai_server_time_to_first_token_sum", genAi)).isEqualTo(0.1);
        assertThat(PrometheusText.value(s, "gen_ai_server_time_per_output_token_sum", genAi)).isEqualTo(0.1);

        Map<String, String> kg = Map.of("llm", "openai", "model", "gpt-4o");
        assertThat(PrometheusText.value(s, "ai_prompt_tokens_total", kg)).isEqualTo(19);
        assertThat(PrometheusText.value(s, "ai_completion_tokens_total", kg)).isEqualTo(10);

        assertThat(PrometheusText.value(s, "aigw_requests_total",
                Map.of("route", "default/openai#0", "backend", "openai", "status", "200"))).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_upstream_latency_seconds_sum",
                Map.of("backend", "openai", "provider", "openai"))).isEqualTo(0.05);
        assertThat(PrometheusText.value(s, "aigw_active_requests", Map.of())).isZero();
        assertThat(PrometheusText.value(s, "aigw_active_streams", Map.of())).isZero();
        assertThat(PrometheusText.value(s, "aigw_config_reloads_total", Map.of("result", "ok"))).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_config_reloads_total", Map.of("result", "failed"))).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_config_generation", Map.of())).isEqualTo(3);
    }

    @Test
    void activeGaugesCountExchangesInFlight() {
        ExchangeObserver o = metrics.begin(info());
        o.routed("r", "b");
        o.attemptStarted("anthropic", "anthropic", "claude-sonnet-4-5", "api.anthropic.com:443");
        o.responseHeaders(200);
        o.firstChunk();
        List<PrometheusText.Sample> s = PrometheusText.parse(metrics.scrape());
        assertThat(PrometheusText.value(s, "aigw_active_requests", Map.of())).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_active_streams", Map.of())).isEqualTo(1);
        o.finished(200, true, 10);
        o.finished(200, true, 10); // a second finish changes nothing
        s = PrometheusText.parse(metrics.scrape());
        assertThat(PrometheusText.value(s, "aigw_active_requests", Map.of())).isZero();
        assertThat(PrometheusText.value(s, "aigw_active_streams", Map.of())).isZero();
        assertThat(PrometheusText.value(s, "aigw_requests_total", Map.of("status", "200"))).isEqualTo(1);
    }

    @Test
    void failedAttemptsCountAsExceptions() {
        ExchangeObserver o = metrics.begin(info());
        o.routed("r", "b");
        o.attemptStarted("anthropic", "primary", "claude-sonnet-4-5", "api.anthropic.com:443");
        o.attemptFailed("connection refused or unreachable", 0);
        o.attemptStarted("anthropic", "secondary", "claude-sonnet-4-5", "api.anthropic.com:443");
        o.attemptFailed("rate limited", 429);
        o.finished(502, false, 100);
        List<PrometheusText.Sample> s = PrometheusText.parse(metrics.scrape());
        assertThat(PrometheusText.value(s, "ai_exception_raised_total",
                Map.of("llm", "anthropic", "model", "claude-sonnet-4-5"))).isEqualTo(2);
        assertThat(PrometheusText.value(s, "aigw_upstream_failures_total", Map.of("status", "429"))).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_upstream_failures_total", Map.of("status", "0"))).isEqualTo(1);
        assertThat(PrometheusText.value(s, "aigw_requests_total", Map.of("status", "502"))).isEqualTo(1);
    }

    @Test
    void tenThousandBogusModelNamesMakeBoundedSeries() {
        for (int i = 0; i < 10_000; i++) {
            streamedExchange("bogus-model-" + i, "gpt-4o-" + i, Usage.of(1, 1, 0, 0, 0));
            streamedExchange("gpt-4o-2024-" + i, "gpt-4o-" + (20240000 + i), Usage.of(1, 1, 0, 0, 0));
        }
        List<PrometheusText.Sample> s = PrometheusText.parse(metrics.scrape());
        List<PrometheusText.Sample> prompt = PrometheusText.find(s, "ai_prompt_tokens_total", Map.of());
        assertThat(prompt).hasSize(1);
        assertThat(prompt.getFirst().labels()).containsEntry("model", "other");
        assertThat(prompt.getFirst().value()).isEqualTo(20_000);
        long tokenSeries = s.stream().filter(x -> x.name().equals("gen_ai_client_token_usage_count")).count();
        assertThat(tokenSeries).isLessThanOrEqualTo(2L * (ModelLabels.MAX_VARIANTS + 1));
        assertThat(s.size()).isLessThan(20_000);
    }

    @Test
    void modelLabels() {
        ModelLabels m = new ModelLabels(() -> Set.of("gpt-4o", "gemini-2.5-flash"));
        assertThat(m.label("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(m.label("gpt-4o-2024-08-06")).as("a client's dated name is not trusted").isEqualTo("other");
        assertThat(m.responseLabel("gpt-4o-2024-08-06")).isEqualTo("gpt-4o-2024-08-06");
        assertThat(m.responseLabel("gpt-4o-evil")).isEqualTo("other");
        assertThat(m.label("models/gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(m.label("gpt-4o-evil")).isEqualTo("other");
        assertThat(m.label("gpt-5")).isEqualTo("other");
        assertThat(m.label(null)).isEmpty();
        assertThat(new ModelLabels(Set::of).label("gpt-4o")).isEqualTo("other");
    }
}

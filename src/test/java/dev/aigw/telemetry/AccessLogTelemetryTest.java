package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.translate.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTelemetryTest {
    private static final String PROMPT = "my secret prompt about the merger";
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLogTelemetry.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong clock = new AtomicLong(5_000_000_000L);

    @BeforeEach
    void attach() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    @Test
    void oneJsonLinePerRequestWithEnvoyLikeFieldsAndNoContent() throws Exception {
        AccessLogTelemetry t = new AccessLogTelemetry(logger, clock::get);
        Map<String, String> headers = Map.of("authorization", "Bearer sk-secret", "x-prompt", PROMPT);
        ExchangeObserver o = t.begin(new RequestInfo("req-42", Instant.parse("2025-03-01T12:00:00Z"), clock.get(),
                "POST", "/v1/chat/completions", "10.1.2.3", "openai-python/1.99", headers::get));
        o.routed("default/openai#0", "openai");
        o.attemptStarted("openai", "primary", "gpt-4o", "api.openai.com:443");
        o.attemptFailed("connection refused or unreachable", 0);
        o.attemptStarted("openai", "secondary", "gpt-4o", "api2.example.com:443");
        clock.addAndGet(120_000_000);
        o.responseHeaders(200);
        o.firstChunk();
        clock.addAndGet(380_000_000);
        o.usage(new Usage(1200, 300, 1500, 1024, 0, 0), "gpt-4o-2024-08-06", "stop", true);
        o.finished(200, true, 4567);
        o.finished(200, true, 4567);

        List<ILoggingEvent> lines = appender.list;
        assertThat(lines).hasSize(1);
        String line = lines.getFirst().getFormattedMessage();
        assertThat(line).doesNotContain("\n").doesNotContain(PROMPT).doesNotContain("sk-secret");
        JsonNode j = new ObjectMapper().readTree(line);
        assertThat(j.fieldNames()).toIterable().contains("start_time", "request_id", "method", "path", "route",
                "backend", "provider", "requested_model", "response_model", "response_code", "duration_ms", "ttfb_ms",
                "tokens_in", "tokens_out", "tokens_cached", "tokens_estimated", "streamed", "attempts",
                "client_address", "user_agent");
        assertThat(j.path("start_time").asText()).isEqualTo("2025-03-01T12:00:00Z");
        assertThat(j.path("request_id").asText()).isEqualTo("req-42");
        assertThat(j.path("route").asText()).isEqualTo("default/openai#0");
        assertThat(j.path("provider").asText()).isEqualTo("openai");
        assertThat(j.path("upstream_host").asText()).isEqualTo("api2.example.com:443");
        assertThat(j.path("requested_model").asText()).isEqualTo("gpt-4o");
        assertThat(j.path("response_model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(j.path("response_code").asInt()).isEqualTo(200);
        assertThat(j.path("duration_ms").asDouble()).isEqualTo(500.0);
        assertThat(j.path("ttfb_ms").asDouble()).isEqualTo(120.0);
        assertThat(j.path("tokens_in").asLong()).isEqualTo(1200);
        assertThat(j.path("tokens_out").asLong()).isEqualTo(300);
        assertThat(j.path("tokens_cached").asLong()).isEqualTo(1024);
        assertThat(j.path("tokens_estimated").asBoolean()).isTrue();
        assertThat(j.path("streamed").asBoolean()).isTrue();
        assertThat(j.path("attempts").asInt()).isEqualTo(2);
        assertThat(j.path("upstream_failure").asText()).isEqualTo("connection refused or unreachable");
        assertThat(j.path("client_address").asText()).isEqualTo("10.1.2.3");
        assertThat(j.path("user_agent").asText()).isEqualTo("openai-python/1.99");
    }

    @Test
    void localErrorHasNullTokensAndNoRoute() throws Exception {
        AccessLogTelemetry t = new AccessLogTelemetry(logger, clock::get);
        ExchangeObserver o = t.begin(new RequestInfo("r", Instant.EPOCH, clock.get(), "GET", "/nope", null, null, null));
        o.finished(404, false, 80);
        JsonNode j = new ObjectMapper().readTree(appender.list.getFirst().getFormattedMessage());
        assertThat(j.path("response_code").asInt()).isEqualTo(404);
        assertThat(j.get("route").isNull()).isTrue();
        assertThat(j.get("tokens_in").isNull()).isTrue();
        assertThat(j.get("ttfb_ms").isNull()).isTrue();
        assertThat(j.path("attempts").asInt()).isZero();
    }

    /** The hand-written start_time is ISO_INSTANT's text, fraction and all, across seconds and days. */
    @Test
    void startTimeIsWrittenAsIsoInstantWrites() {
        java.util.Random r = new java.util.Random(14);
        long[] nanos = {0, 1, 999_999_999, 5_000_000, 120_000, 123_456_789, 100_000_000, 1_000};
        for (int i = 0; i < 5_000; i++) {
            long sec = 1_700_000_000L + r.nextInt(400_000_000) - (i % 7 == 0 ? 1_800_000_000L : 0);
            int zeros = new int[] {1, 1_000, 1_000_000}[r.nextInt(3)]; // trailing zero groups: 9, 6 or 3 digits
            int nano = i < nanos.length * 10 ? (int) nanos[i % nanos.length] : r.nextInt(1_000_000_000) / zeros * zeros;
            Instant t = Instant.ofEpochSecond(sec, nano);
            AccessLogTelemetry.Json j = new AccessLogTelemetry.Json(64);
            j.instant("t", t);
            assertThat(j.end()).as(t.toString()).isEqualTo("{\"t\":\"" + java.time.format.DateTimeFormatter.ISO_INSTANT.format(t) + "\"}");
        }
    }

    /** Durations are written as Double.toString would write the rounded milliseconds, without formatting a double. */
    @Test
    void millisecondsAreWrittenAsDoublesAre() {
        java.util.Random r = new java.util.Random(14);
        for (int i = 0; i < 20_000; i++) {
            long centis = switch (i % 4) {
                case 0 -> i / 4;
                case 1 -> r.nextInt(100_000);
                case 2 -> r.nextLong(1_000_000_000L);
                default -> r.nextLong(5_000_000_000L);
            };
            AccessLogTelemetry.Json a = new AccessLogTelemetry.Json(32);
            a.millis("d", centis);
            AccessLogTelemetry.Json b = new AccessLogTelemetry.Json(32);
            b.num("d", centis / 100.0);
            assertThat(a.end()).as("%d hundredths", centis).isEqualTo(b.end());
        }
    }
}

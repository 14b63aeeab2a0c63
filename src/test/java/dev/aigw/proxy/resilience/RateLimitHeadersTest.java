package dev.aigw.proxy.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static dev.aigw.proxy.resilience.Fixtures.headers;
import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static Optional<Duration> waitFor(String... kv) {
        return RateLimitHeaders.retryAfter(headers(kv), NOW);
    }

    @Test
    void retryAfterSeconds() {
        assertThat(waitFor("Retry-After", "120")).contains(Duration.ofSeconds(120));
        assertThat(waitFor("retry-after", " 1.5 ")).contains(Duration.ofMillis(1500));
        assertThat(waitFor("Retry-After", "0")).contains(Duration.ZERO);
    }

    @Test
    void retryAfterHttpDate() {
        assertThat(waitFor("Retry-After", "Sun, 01 Jun 2025 12:00:30 GMT")).contains(Duration.ofSeconds(30));
        assertThat(waitFor("Retry-After", "Sun, 01 Jun 2025 11:00:00 GMT")).as("in the past").contains(Duration.ZERO);
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertThat(waitFor("retry-after-ms", "250", "Retry-After", "1")).contains(Duration.ofMillis(250));
    }

    @Test
    void openAiResetDurations() {
        assertThat(RateLimitHeaders.goDuration("1s")).contains(Duration.ofSeconds(1));
        assertThat(RateLimitHeaders.goDuration("6m0s")).contains(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.goDuration("20ms")).contains(Duration.ofMillis(20));
        assertThat(RateLimitHeaders.goDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
        assertThat(RateLimitHeaders.goDuration("0.5")).contains(Duration.ofMillis(500));
        assertThat(RateLimitHeaders.goDuration("soon")).isEmpty();
        assertThat(RateLimitHeaders.goDuration("1s later")).isEmpty();
    }

    @Test
    void openAiTheExhaustedLimitsResetWins() {
        assertThat(waitFor("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "6m0s",
                "x-ratelimit-remaining-tokens", "1000", "x-ratelimit-reset-tokens", "20ms")).contains(Duration.ofMinutes(6));
        assertThat(waitFor("x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "6m0s",
                "x-ratelimit-remaining-tokens", "10", "x-ratelimit-reset-tokens", "20ms"))
                .as("none exhausted: the soonest").contains(Duration.ofMillis(20));
    }

    @Test
    void anthropicResetTimes() {
        assertThat(waitFor("anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2025-06-01T12:00:10Z",
                "anthropic-ratelimit-tokens-remaining", "0",
                "anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:40Z",
                "anthropic-ratelimit-input-tokens-reset", "2025-06-01T12:00:01Z")).contains(Duration.ofSeconds(40));
        assertThat(waitFor("anthropic-ratelimit-output-tokens-reset", "2025-06-01T14:00:05+02:00"))
                .contains(Duration.ofSeconds(5));
    }

    @Test
    void retryAfterWinsOverResetHeadersAndNothingUsableIsEmpty() {
        assertThat(waitFor("Retry-After", "3", "x-ratelimit-reset-requests", "1m", "x-ratelimit-remaining-requests", "0"))
                .contains(Duration.ofSeconds(3));
        assertThat(waitFor("Retry-After", "whenever")).isEmpty();
        assertThat(waitFor()).isEmpty();
        assertThat(RateLimitHeaders.retryAfter(null, NOW)).isEmpty();
    }
}

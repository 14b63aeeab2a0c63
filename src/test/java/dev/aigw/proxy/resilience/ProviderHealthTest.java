package dev.aigw.proxy.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.aigw.proxy.resilience.Fixtures.headers;
import static dev.aigw.proxy.resilience.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

class ProviderHealthTest {
    private final FakeTicker clock = new FakeTicker();
    private final ProviderHealth health = new ProviderHealth(clock, ProviderHealth.Settings.DEFAULTS);
    private final ProviderKey a = key("a");

    private void fail(int n) {
        for (int i = 0; i < n; i++) health.onFailure(a, FailureKind.CONNECT, null);
    }

    @Test
    void threeFailuresInARowEjectForFiveSecondsThenItIsBackByItself() {
        fail(2);
        assertThat(health.isAvailable(a)).isTrue();
        health.onSuccess(a, 1_000_000);
        fail(2);
        assertThat(health.isAvailable(a)).as("a success resets the count").isTrue();
        fail(1);
        assertThat(health.isAvailable(a)).isFalse();
        assertThat(health.view(a).status()).isEqualTo(ProviderHealth.Status.EJECTED);
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(5).toNanos());
        clock.advance(Duration.ofMillis(4999));
        assertThat(health.isAvailable(a)).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(health.isAvailable(a)).as("re-admitted by time alone").isTrue();
        assertThat(health.view(a).status()).isEqualTo(ProviderHealth.Status.PROBATION);
    }

    @Test
    void backOffDoublesPerEjectionUpToFiveMinutesAndResetsAfterSuccess() {
        fail(3);
        long expected = Duration.ofSeconds(5).toNanos();
        for (int i = 0; i < 10; i++) {
            assertThat(health.availableInNanos(a)).as("ejection " + (i + 1)).isEqualTo(Math.min(expected,
                    Duration.ofMinutes(5).toNanos()));
            clock.advance(Duration.ofNanos(health.availableInNanos(a)));
            assertThat(health.isAvailable(a)).isTrue();
            fail(1); // on probation: one failure re-ejects
            expected *= 2;
        }
        assertThat(health.view(a).ejections()).isEqualTo(11);
        clock.advance(Duration.ofMinutes(5));
        health.onSuccess(a, 1_000_000);
        assertThat(health.view(a).status()).isEqualTo(ProviderHealth.Status.HEALTHY);
        fail(2);
        assertThat(health.isAvailable(a)).as("out of probation: needs 3 again").isTrue();
        fail(1);
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void failuresOfRequestsInFlightDuringEjectionDoNotExtendIt() {
        fail(3);
        clock.advance(Duration.ofSeconds(1));
        fail(5);
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(4).toNanos());
        assertThat(health.view(a).ejections()).isEqualTo(1);
    }

    @Test
    void retryAfterSecondsMakesItUnavailableWithoutCountingAsBroken() {
        health.onFailure(a, FailureKind.HTTP_429, headers("Retry-After", "7"));
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(health.view(a).status()).isEqualTo(ProviderHealth.Status.RATE_LIMITED);
        assertThat(health.view(a).consecutiveFailures()).isZero();
        clock.advance(Duration.ofSeconds(7));
        assertThat(health.isAvailable(a)).isTrue();
    }

    @Test
    void aBare429WaitsTheDefaultSecondAndCounts() {
        health.onFailure(a, FailureKind.HTTP_429, headers());
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(health.view(a).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void anthropic529WithRetryAfterMs() {
        health.onFailure(a, FailureKind.OVERLOADED, headers("retry-after-ms", "1500", "retry-after", "9"));
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofMillis(1500).toNanos());
    }

    @Test
    void rateLimitWaitsAreCappedAtAnHour() {
        health.onFailure(a, FailureKind.HTTP_429, headers("x-ratelimit-reset-requests", "30h",
                "x-ratelimit-remaining-requests", "0"));
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofHours(1).toNanos());
    }

    @Test
    void aSuccessThatExhaustsTheLimitMakesItUnavailableUntilReset() {
        health.onSuccess(a, 1_000_000, headers("x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "2s", "x-ratelimit-remaining-tokens", "500", "x-ratelimit-reset-tokens", "9s"));
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void ttfbMovingAverageAndStaleness() {
        ProviderKey b = key("b");
        assertThat(health.latencyScore(b)).isZero();
        health.onSuccess(b, 100_000_000);
        assertThat(health.latencyScore(b)).isEqualTo(100_000_000);
        health.onSuccess(b, 200_000_000);
        assertThat(health.latencyScore(b)).isCloseTo(130_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(health.view(b).ttfbMillis()).hasValueSatisfying(v -> assertThat(v).isCloseTo(130, org.assertj.core.data.Offset.offset(0.01)));
        clock.advance(Duration.ofSeconds(31));
        assertThat(health.latencyScore(b)).as("stale: unknown again").isZero();
        health.onSuccess(b, 50_000_000);
        assertThat(health.latencyScore(b)).as("a stale average restarts").isEqualTo(50_000_000);
    }

    @Test
    void stateIsKeptPerKeyAndRetainForgetsRemovedProviders() {
        fail(3);
        ProviderKey same = key("a");
        assertThat(health.isAvailable(same)).as("an equal key after a reload").isFalse();
        assertThat(health.isAvailable(ProviderKey.of("ai/other", Fixtures.p("a")))).isTrue();
        health.retain(java.util.Set.of(key("b")));
        assertThat(health.known()).isEmpty();
        assertThat(health.isAvailable(a)).isTrue();
    }

    @Test
    void concurrentFailuresAndSuccessesDoNotLoseTheState() throws Exception {
        ProviderHealth h = new ProviderHealth(Ticker.SYSTEM, ProviderHealth.Settings.DEFAULTS);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) h.onSuccess(a, 1_000_000 + i);
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        assertThat(h.view(a).status()).isEqualTo(ProviderHealth.Status.HEALTHY);
        assertThat(h.latencyScore(a)).isBetween(1_000_000.0, 1_020_000.0);
    }
}

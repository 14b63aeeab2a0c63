package dev.aigw.proxy.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {
    private final FakeTicker clock = new FakeTicker();

    private static int acquire(RetryBudget b, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) if (b.tryAcquireRetry()) ok++;
        return ok;
    }

    @Test
    void retriesAreLimitedToTheRatioOfRequests() {
        RetryBudget b = new RetryBudget(clock, 0.2, 0, Duration.ofSeconds(10));
        for (int i = 0; i < 1000; i++) b.onRequest();
        assertThat(acquire(b, 1000)).isEqualTo(200);
        for (int i = 0; i < 10; i++) b.onRequest();
        assertThat(acquire(b, 10)).isEqualTo(2);
    }

    @Test
    void aMinimumPerSecondLetsQuietRoutesFailOver() {
        RetryBudget b = new RetryBudget(clock, 0.2, 5, Duration.ofSeconds(10));
        b.onRequest();
        assertThat(acquire(b, 100)).as("5/s over 10 s, plus 20% of 1").isEqualTo(50);
    }

    @Test
    void theWindowSlides() {
        RetryBudget b = new RetryBudget(clock, 0.2, 0, Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) b.onRequest();
        assertThat(acquire(b, 100)).isEqualTo(20);
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) b.onRequest();
        assertThat(acquire(b, 100)).isEqualTo(20);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.counts()).as("the first second has left the window").containsExactly(100, 20);
        assertThat(acquire(b, 100)).isZero();
        clock.advance(Duration.ofSeconds(6));
        assertThat(b.counts()).containsExactly(0, 0);
        for (int i = 0; i < 50; i++) b.onRequest();
        assertThat(acquire(b, 100)).isEqualTo(10);
    }

    @Test
    void defaultsAreTwentyPercentAndFivePerSecond() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 1000; i++) b.onRequest();
        assertThat(acquire(b, 1000)).isEqualTo(250);
    }

    @Test
    void budgetsArePerBackend() {
        RetryBudgets all = new RetryBudgets(clock, 0.2, 0, Duration.ofSeconds(10));
        for (int i = 0; i < 10; i++) all.of("ai/a").onRequest();
        assertThat(all.of("ai/a").tryAcquireRetry()).isTrue();
        assertThat(all.of("ai/b").tryAcquireRetry()).isFalse();
        assertThat(all.of("ai/a")).isSameAs(all.of("ai/a"));
    }
}

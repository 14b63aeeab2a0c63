package dev.aigw.proxy.resilience;

import dev.aigw.cel.CelExpression;
import dev.aigw.route.ProviderRules.HealthRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static dev.aigw.proxy.resilience.Fixtures.headers;
import static dev.aigw.proxy.resilience.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

/** agentgateway's {@code health} (unhealthyCondition, eviction) on {@link ProviderHealth}, with a fake clock. */
class HealthRuleTest {
    private final FakeTicker clock = new FakeTicker();
    private final ProviderHealth health = new ProviderHealth(clock, ProviderHealth.Settings.DEFAULTS);
    private final ProviderKey a = key("a");

    private static HealthRule rule(String cel, Duration d, int consecutive, Optional<Integer> threshold, int restore) {
        return new HealthRule(Optional.ofNullable(cel).map(CelExpression::compile), d, consecutive, threshold, restore);
    }

    private boolean judge(HealthRule r, int status, String... hs) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < hs.length; i += 2) m.put(hs[i].toLowerCase(), hs[i + 1]);
        return health.onJudged(a, r, r.unhealthy(status, m), FailureKind.HTTP_5XX, headers(hs));
    }

    @Test
    void theCelConditionDecidesWhatIsUnhealthy() {
        HealthRule r = rule("response.code >= 500 || response.code == 429", Duration.ofSeconds(3), 1, Optional.empty(), 100);
        assertThat(r.unhealthy(503, Map.of())).isTrue();
        assertThat(r.unhealthy(429, Map.of())).isTrue();
        assertThat(r.unhealthy(404, Map.of())).isFalse();
        assertThat(r.unhealthy(200, Map.of())).isFalse();
        HealthRule teapot = rule("response.code == 418 || response.headers['x-broken'] == 'yes'", Duration.ofSeconds(3), 1,
                Optional.empty(), 100);
        assertThat(teapot.unhealthy(418, Map.of())).isTrue();
        assertThat(teapot.unhealthy(200, Map.of("x-broken", "yes"))).isTrue();
        assertThat(teapot.unhealthy(503, Map.of())).as("only what the condition says").isFalse();
        assertThat(rule(null, Duration.ofSeconds(3), 1, Optional.empty(), 100).unhealthy(502, Map.of()))
                .as("no condition: 5xx").isTrue();
    }

    @Test
    void consecutiveFailuresEvictForTheDurationTimesTheEvictionsInARow() {
        HealthRule r = rule(null, Duration.ofSeconds(3), 2, Optional.empty(), 100);
        assertThat(judge(r, 503)).isFalse();
        assertThat(health.isAvailable(a)).isTrue();
        assertThat(judge(r, 503)).as("the second in a row evicts").isTrue();
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(judge(r, 503)).as("answers in flight while evicted do not count again").isFalse();
        clock.advance(Duration.ofSeconds(3));
        assertThat(health.isAvailable(a)).isTrue();
        judge(r, 503);
        assertThat(judge(r, 503)).isTrue();
        assertThat(health.availableInNanos(a)).as("second eviction: 2 × 3s").isEqualTo(Duration.ofSeconds(6).toNanos());
        clock.advance(Duration.ofSeconds(6));
        judge(r, 200);
        judge(r, 503);
        assertThat(judge(r, 503)).isTrue();
        assertThat(health.availableInNanos(a)).as("a healthy answer starts the count again").isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void retryAfterSetsTheEvictionTime() {
        HealthRule r = rule("response.code == 429", Duration.ofSeconds(3), 5, Optional.empty(), 100);
        assertThat(judge(r, 429, "Retry-After", "20")).as("Retry-After evicts at once").isTrue();
        assertThat(health.availableInNanos(a)).isEqualTo(Duration.ofSeconds(20).toNanos());
    }

    @Test
    void aScoreUnderTheThresholdEvictsAndRestoreHealthSetsItAfterwards() {
        // Each unhealthy answer takes 30% off the score: 1 → 0.7 → 0.49 (under 50%).
        HealthRule r = rule(null, Duration.ofSeconds(3), 0, Optional.of(50), 60);
        assertThat(judge(r, 500)).isFalse();
        assertThat(judge(r, 500)).isTrue();
        clock.advance(Duration.ofSeconds(3));
        // Back at 60%: one unhealthy answer (42%) evicts again.
        assertThat(judge(r, 500)).isTrue();
    }
}

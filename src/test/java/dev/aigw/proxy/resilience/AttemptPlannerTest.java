package dev.aigw.proxy.resilience;

import dev.aigw.route.Destination;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.aigw.config.BackendResource.LoadBalancing.LEAST_LATENCY;
import static dev.aigw.config.BackendResource.LoadBalancing.ROUND_ROBIN;
import static dev.aigw.proxy.resilience.Fixtures.backend;
import static dev.aigw.proxy.resilience.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

class AttemptPlannerTest {
    private final FakeTicker clock = new FakeTicker();
    private final ProviderHealth health = new ProviderHealth(clock, ProviderHealth.Settings.DEFAULTS);
    private final Random random = new Random(42);
    private final AttemptPlanner planner = new AttemptPlanner(health, random::nextInt);

    private static List<String> names(AttemptPlanner.Plan plan) {
        return plan.candidates().stream().map(c -> c.provider().name()).toList();
    }

    private void eject(String name) {
        for (int i = 0; i < 3; i++) health.onFailure(key(name), FailureKind.CONNECT, null);
    }

    @Test
    void roundRobinSpreadsEvenlyAndFallsBackToLaterGroups() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b", "c"), List.of("x", "y"));
        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            AttemptPlanner.Plan plan = planner.plan(ai);
            assertThat(plan.size()).isEqualTo(5);
            assertThat(names(plan).subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(names(plan).subList(3, 5)).containsExactlyInAnyOrder("x", "y");
            first.merge(names(plan).getFirst(), 1, Integer::sum);
        }
        assertThat(first).containsExactly(Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
    }

    @Test
    void unavailableProvidersAreSkippedAndTheRestShareEvenly() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b", "c"), List.of("x"));
        eject("b");
        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 100; i++) {
            AttemptPlanner.Plan plan = planner.plan(ai);
            assertThat(names(plan)).doesNotContain("b").hasSize(3).endsWith("x");
            first.merge(names(plan).getFirst(), 1, Integer::sum);
        }
        assertThat(first).containsExactly(Map.entry("a", 50), Map.entry("c", 50));
    }

    @Test
    void aGroupWithNothingAvailableIsSkipped() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b"), List.of("x"), List.of("y", "z"));
        eject("a");
        eject("b");
        AttemptPlanner.Plan plan = planner.plan(ai);
        assertThat(names(plan).getFirst()).isEqualTo("x");
        assertThat(names(plan).subList(1, 3)).containsExactlyInAnyOrder("y", "z");
        assertThat(plan.lastResort()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(names(planner.plan(ai)).subList(0, 2)).as("re-admitted after the back-off")
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void whenNothingIsAvailableTheSoonestIsTheLastResort() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b"), List.of("x"));
        eject("a");
        clock.advance(Duration.ofSeconds(1));
        eject("x");
        health.onFailure(key("b"), FailureKind.HTTP_429, Fixtures.headers("Retry-After", "60"));
        AttemptPlanner.Plan plan = planner.plan(ai);
        assertThat(plan.lastResort()).isTrue();
        assertThat(names(plan)).containsExactly("a");
        assertThat(plan.attempt(0)).isPresent();
        assertThat(plan.attempt(1)).as("no second pass to unavailable providers").isEmpty();
    }

    @Test
    void attemptsBeyondThePlanGoRoundAgainToAvailableProvidersOnly() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b"));
        AttemptPlanner.Plan plan = planner.plan(ai);
        String first = names(plan).get(0);
        String second = names(plan).get(1);
        assertThat(plan.attempt(2).orElseThrow().provider().name()).isEqualTo(first);
        eject(first);
        assertThat(plan.attempt(2).orElseThrow().provider().name()).isEqualTo(second);
    }

    @Test
    void powerOfTwoChoicesPrefersTheFasterProvider() {
        Destination.Ai ai = backend(LEAST_LATENCY, List.of("fast", "slow"), List.of("backup"));
        health.onSuccess(key("fast"), 50_000_000);
        health.onSuccess(key("slow"), 900_000_000);
        for (int i = 0; i < 50; i++) {
            assertThat(names(planner.plan(ai))).containsExactly("fast", "slow", "backup");
        }
    }

    @Test
    void powerOfTwoChoicesAmongManySendsMostToTheFastestAndSomeElsewhere() {
        Destination.Ai ai = backend(LEAST_LATENCY, List.of("p1", "p2", "p3", "p4"));
        for (int i = 1; i <= 4; i++) health.onSuccess(key("p" + i), i * 100_000_000L);
        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 4000; i++) first.merge(names(planner.plan(ai)).getFirst(), 1, Integer::sum);
        // P2C: the best of 4 wins whenever drawn (1/2 of draws); the worst never leads.
        assertThat(first.get("p1")).isBetween(1800, 2200);
        assertThat(first.get("p2")).isBetween(1150, 1500);
        assertThat(first.get("p3")).isBetween(500, 850);
        assertThat(first).doesNotContainKey("p4");
        AttemptPlanner.Plan plan = planner.plan(ai);
        assertThat(names(plan).subList(1, 4)).isSorted();
    }

    @Test
    void aProviderWithNoMeasurementGetsTriedAndFailuresCountAgainstIt() {
        Destination.Ai ai = backend(LEAST_LATENCY, List.of("known", "new"));
        health.onSuccess(key("known"), 100_000_000);
        assertThat(names(planner.plan(ai)).getFirst()).isEqualTo("new");
        health.onSuccess(key("new"), 100_000_000);
        health.onFailure(key("new"), FailureKind.HTTP_5XX, null);
        assertThat(names(planner.plan(ai)).getFirst()).isEqualTo("known");
    }

    @Test
    void aBackendsCandidatesAreMadeOnceAndAfreshForAReloadedBackend() {
        Destination.Ai ai = backend(ROUND_ROBIN, List.of("a", "b"));
        ProviderKey first = planner.plan(ai).candidates().stream().filter(c -> c.provider().name().equals("a"))
                .findFirst().orElseThrow().key();
        ProviderKey again = planner.plan(ai).candidates().stream().filter(c -> c.provider().name().equals("a"))
                .findFirst().orElseThrow().key();
        assertThat(again).isSameAs(first);
        // The same Backend as a reload builds it: a new object, equal keys, its own candidates.
        Destination.Ai reloaded = backend(ROUND_ROBIN, List.of("a", "b"));
        ProviderKey after = planner.plan(reloaded).candidates().stream().filter(c -> c.provider().name().equals("a"))
                .findFirst().orElseThrow().key();
        assertThat(after).isEqualTo(first).isNotSameAs(first);
        // Health still follows the key's value across the reload.
        eject("a");
        assertThat(names(planner.plan(reloaded))).containsExactly("b");
        assertThat(names(planner.plan(ai))).containsExactly("b");
    }
}

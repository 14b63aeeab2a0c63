package dev.aigw.proxy.resilience;

import dev.aigw.route.Destination;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.aigw.config.BackendResource.LoadBalancing.ROUND_ROBIN;
import static dev.aigw.proxy.resilience.Fixtures.backend;
import static org.assertj.core.api.Assertions.assertThat;

/** Failover decisions from attempt outcomes alone: a fake clock, a fixed random source, no server. */
class FailoverDecisionTest {
    private final FakeTicker clock = new FakeTicker();
    private final ProviderHealth health = new ProviderHealth(clock, ProviderHealth.Settings.DEFAULTS);

    private static final Failover.Outcome REFUSED = new Failover.Outcome.NoResponse(FailureKind.CONNECT, true, 502,
            "bad_gateway", "Backend ai/b provider a: connection refused or unreachable");

    private Failover failover(Destination.Ai ai, RetryPolicy policy, RetryBudget budget) {
        budget.onRequest();
        // random(n) = n - 1: the longest back-off, so the delays are exact.
        // A planner per request: round robin would otherwise rotate the first provider between them.
        return new Failover(new AttemptPlanner(health, n -> 0).plan(ai), policy, budget, ai.name(), n -> n - 1);
    }

    private static String name(Failover.Decision d) {
        return ((Failover.Decision.Attempt) d).candidate().provider().name();
    }

    private static RetryBudget roomy() {
        return new RetryBudget(new FakeTicker(), 1.0, 100, Duration.ofSeconds(10));
    }

    @Test
    void connectFailuresMoveThroughThePlanThenGiveUpWithTheLastFailure() {
        Failover f = failover(backend(ROUND_ROBIN, List.of("a"), List.of("b")), RetryPolicy.DEFAULT, roomy());
        assertThat(name(f.first())).isEqualTo("a");
        assertThat(f.lastPossible()).isFalse();
        Failover.Decision second = f.next(REFUSED);
        assertThat(f.lastPossible()).as("b is the last the plan allows").isTrue();
        assertThat(name(second)).isEqualTo("b");
        assertThat(((Failover.Decision.Attempt) second).delay()).as("another provider: no back-off").isZero();
        Failover.Decision last = f.next(new Failover.Outcome.NoResponse(FailureKind.TIMEOUT_BEFORE_FIRST_BYTE, true, 504,
                "gateway_timeout", "provider b timed out"));
        assertThat(last).isEqualTo(new Failover.Decision.GiveUp(new Failover.Failure(504, "gateway_timeout",
                "provider b timed out")));
    }

    @Test
    void retriesOfTheSameProviderBackOffWithJitterAndARouteBackoffIsHonoured() {
        Destination.Ai one = backend(ROUND_ROBIN, List.of("a"));
        Failover f = failover(one, new RetryPolicy(List.of(), Optional.of(2), Optional.empty()), roomy());
        f.first();
        Failover.Decision retry = f.next(REFUSED);
        assertThat(name(retry)).isEqualTo("a");
        // Full jitter at its top: 25 ms, then 50 ms.
        assertThat(((Failover.Decision.Attempt) retry).delay()).isEqualTo(Duration.ofMillis(25));
        Failover.Decision again = f.next(REFUSED);
        assertThat(((Failover.Decision.Attempt) again).delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(f.next(REFUSED)).isInstanceOf(Failover.Decision.GiveUp.class);

        Failover single = failover(one, RetryPolicy.DEFAULT, roomy());
        single.first();
        assertThat(single.lastPossible()).as("one provider, no retries: the body need not be copied").isTrue();

        Failover fixed = failover(one, new RetryPolicy(List.of(), Optional.of(1), Optional.of(Duration.ofMillis(200))), roomy());
        fixed.first();
        assertThat(((Failover.Decision.Attempt) fixed.next(REFUSED)).delay()).isEqualTo(Duration.ofNanos(400_000_000));
    }

    @Test
    void anAnswerIsDeliveredUnlessItIsARetryableFailureWithAProviderLeft() {
        Destination.Ai two = backend(ROUND_ROBIN, List.of("a", "b"));
        Failover f = failover(two, RetryPolicy.DEFAULT, roomy());
        f.first();
        assertThat(f.next(new Failover.Outcome.Answered(400, "provider a"))).isInstanceOf(Failover.Decision.Deliver.class);

        Failover g = failover(two, RetryPolicy.DEFAULT, roomy());
        g.first();
        assertThat(name(g.next(new Failover.Outcome.Answered(503, "provider a")))).isEqualTo("b");
        assertThat(g.lastFailure()).contains(new Failover.Failure(502, "bad_gateway", "provider a answered 503"));
        // The last provider's 503 is the client's answer: relayed, not replaced by a gateway error.
        assertThat(g.next(new Failover.Outcome.Answered(503, "provider b"))).isInstanceOf(Failover.Decision.Deliver.class);

        // retry.codes lists 409: retried although it is no failure of the provider's.
        Failover h = failover(two, new RetryPolicy(List.of(409), Optional.empty(), Optional.empty()), roomy());
        h.first();
        assertThat(name(h.next(new Failover.Outcome.Answered(409, "provider a")))).isEqualTo("b");
    }

    @Test
    void anEmptyBudgetStopsRetriesUntilTheClockMovesOn() {
        FakeTicker budgetClock = new FakeTicker();
        RetryBudget budget = new RetryBudget(budgetClock, 0.0, 1, Duration.ofSeconds(1));
        Destination.Ai two = backend(ROUND_ROBIN, List.of("a", "b"));
        Failover first = failover(two, RetryPolicy.DEFAULT, budget);
        first.first();
        assertThat(first.next(REFUSED)).as("one retry per second is allowed").isInstanceOf(Failover.Decision.Attempt.class);
        Failover second = failover(two, RetryPolicy.DEFAULT, budget);
        second.first();
        assertThat(second.next(REFUSED)).as("the budget is spent").isInstanceOf(Failover.Decision.GiveUp.class);
        budgetClock.advance(Duration.ofSeconds(2));
        Failover third = failover(two, RetryPolicy.DEFAULT, budget);
        third.first();
        assertThat(third.next(REFUSED)).isInstanceOf(Failover.Decision.Attempt.class);
    }

    @Test
    void aProviderThatCannotTakeTheRequestIsSkippedWithoutSpendingBudget() {
        RetryBudget none = new RetryBudget(new FakeTicker(), 0.0, 0, Duration.ofSeconds(1));
        Failover f = failover(backend(ROUND_ROBIN, List.of("a"), List.of("b")), RetryPolicy.DEFAULT, none);
        f.first();
        Failover.Decision next = f.next(new Failover.Outcome.Skipped(501, "not_implemented", "no translator for a"));
        assertThat(name(next)).isEqualTo("b");
        assertThat(f.next(new Failover.Outcome.Skipped(501, "not_implemented", "no translator for b")))
                .isEqualTo(new Failover.Decision.GiveUp(new Failover.Failure(501, "not_implemented", "no translator for b")));
    }

    @Test
    void unretryableFailuresAndAnEmptyPlanGiveUpAtOnce() {
        Failover f = failover(backend(ROUND_ROBIN, List.of("a", "b")), RetryPolicy.DEFAULT, roomy());
        f.first();
        assertThat(f.next(new Failover.Outcome.NoResponse(FailureKind.RESET, false, 502, "bad_gateway", "cut after sending")))
                .isInstanceOf(Failover.Decision.GiveUp.class);

        Destination.Ai empty = new Destination.Ai("ai/empty", List.of(List.of()));
        Failover g = new Failover(new AttemptPlanner(health).plan(empty), RetryPolicy.DEFAULT, roomy(), "ai/empty", n -> 0);
        assertThat(g.first()).isEqualTo(new Failover.Decision.GiveUp(new Failover.Failure(502, "bad_gateway",
                "Backend ai/empty has no provider to try")));
    }
}

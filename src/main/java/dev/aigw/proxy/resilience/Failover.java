package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The failover of one client request as a unit: the plan (providers in order), the route's
 * retry policy, the backend's retry budget, the back-off, and the last failure. The proxy asks
 * for the {@link #first} attempt, then reports each attempt's {@link Outcome} and does what the
 * returned {@link Decision} says. No I/O and no clock of its own: the budget has its ticker and
 * the back-off its random source, so a test drives it with fakes and no server.
 *
 * <p>One per request, used from its event loop only (not thread-safe; the budget it shares is).
 */
public final class Failover {
    private final AttemptPlanner.Plan plan;
    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final LongUnaryOperator random;
    private final int maxAttempts;
    private final String backend;
    private int attempt;
    private ProviderKey lastKey;
    private Failure last;

    /** What happened to an attempt. */
    public sealed interface Outcome {
        /**
         * No response came: connect, DNS, TLS, reset, timeout. {@code retryable} is false when the
         * request may have reached a model (or was cancelled). {@code status}: what to answer (502/504).
         */
        record NoResponse(FailureKind kind, boolean retryable, int status, String code, String message) implements Outcome {
        }

        /** The provider answered with this HTTP status (its head is in hand). {@code where} names it. */
        record Answered(int status, String where) implements Outcome {
        }

        /** The provider cannot take this request at all (no translator, an adapter refusing it with 5xx). */
        record Skipped(int status, String code, String message) implements Outcome {
        }
    }

    /** What to do next. */
    public sealed interface Decision {
        /** Run attempt {@code index} on {@code candidate} after waiting {@code delay}. */
        record Attempt(int index, AttemptPlanner.Candidate candidate, Duration delay) implements Decision {
        }

        /** Give the client the response in hand (a success, or a provider error not worth retrying). */
        record Deliver() implements Decision {
        }

        /** Stop: answer with the last failure. */
        record GiveUp(Failure failure) implements Decision {
        }
    }

    /** Why the exchange failed, as the client will be told: status, the gateway's code, the message. */
    public record Failure(int status, String code, String message) {
    }

    public Failover(AttemptPlanner.Plan plan, RetryPolicy policy, RetryBudget budget, String backend,
                    LongUnaryOperator random) {
        this.plan = plan;
        this.policy = policy;
        this.budget = budget;
        this.backend = backend;
        this.random = random;
        this.maxAttempts = policy.maxAttempts(plan.size());
    }

    /** A failover for a new request, counted in the budget as one request. */
    public static Failover start(AttemptPlanner.Plan plan, RetryPolicy policy, RetryBudget budget, String backend) {
        budget.onRequest();
        return new Failover(plan, policy, budget, backend, n -> ThreadLocalRandom.current().nextLong(n));
    }

    public Decision first() {
        return plan.attempt(0).<Decision>map(c -> attemptAt(0, c))
                .orElseGet(() -> new Decision.GiveUp(new Failure(502, "bad_gateway", "Backend " + backend
                        + " has no provider to try")));
    }

    /** The decision after the current attempt ended with {@code outcome}. */
    public Decision next(Outcome outcome) {
        return switch (outcome) {
            case Outcome.NoResponse n -> {
                last = new Failure(n.status(), n.code(), n.message());
                yield n.retryable() && policy.retryable(n.kind(), 0) ? retryOr(last) : new Decision.GiveUp(last);
            }
            case Outcome.Answered a -> {
                Optional<FailureKind> kind = Classifier.ofStatus(a.status());
                // A status the route's retry.codes lists is retried too.
                boolean routeRetries = kind.isEmpty() && a.status() >= 400 && policy.retryableStatus(a.status());
                boolean retry = routeRetries || kind.isPresent() && policy.retryable(kind.get(), a.status());
                if (!retry || !another()) yield new Decision.Deliver();
                last = new Failure(502, "bad_gateway", a.where() + " answered " + a.status());
                yield advance();
            }
            case Outcome.Skipped s -> {
                last = new Failure(s.status(), s.code(), s.message());
                // A provider that cannot take the request is not a retry: it costs no budget and no attempt.
                yield plan.attempt(attempt + 1).isPresent() && attempt + 1 < plan.size() ? advance() : new Decision.GiveUp(last);
            }
        };
    }

    /** The failure the exchange would end with now, if any. */
    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(last);
    }

    /**
     * Whether no attempt can follow the current one, whatever its outcome (by count alone, not
     * health): then the proxy may hand it the client's body itself instead of a copy.
     */
    public boolean lastPossible() {
        return attempt + 1 >= Math.max(maxAttempts, plan.size());
    }

    /** The attempt in progress (0 for the first). */
    public int attempt() {
        return attempt;
    }

    private Decision retryOr(Failure f) {
        return another() ? advance() : new Decision.GiveUp(f);
    }

    /** Whether another attempt may run: the policy allows it, a provider is left, the budget has room. */
    private boolean another() {
        return attempt + 1 < maxAttempts && plan.attempt(attempt + 1).isPresent() && budget.tryAcquireRetry();
    }

    private Decision advance() {
        AttemptPlanner.Candidate c = plan.attempt(attempt + 1).orElseThrow();
        return attemptAt(attempt + 1, c);
    }

    private Decision attemptAt(int i, AttemptPlanner.Candidate c) {
        Duration delay = i == 0 ? Duration.ZERO : policy.delayBeforeRetry(i, c.key().equals(lastKey), random);
        attempt = i;
        lastKey = c.key();
        return new Decision.Attempt(i, c, delay.isNegative() ? Duration.ZERO : delay);
    }
}

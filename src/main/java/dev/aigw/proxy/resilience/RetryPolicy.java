package dev.aigw.proxy.resilience;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.route.CompiledRule;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * A rule's retry policy, from the HTTPRoute {@code retry} field (GEP-1731) or the gateway's
 * defaults when the rule has none.
 *
 * <ul>
 *   <li>What is retried: connect errors, resets and timeouts before the first byte always;
 *       HTTP statuses in {@code codes} when given, else those {@link Classifier} deems retryable
 *       (408, 429, 5xx, 529). Nothing once the first byte went to the client.</li>
 *   <li>How many attempts: {@code attempts} + 1 when given (attempts counts retries); else one
 *       per provider in the plan.</li>
 *   <li>How long between them: with {@code backoff} B, a wait uniform in [B, 2B] before every
 *       retry (GEP-1731 makes it a minimum). Without: none when moving to another provider, full
 *       jitter (25 ms base, 250 ms cap) when trying the same provider again.</li>
 * </ul>
 */
public record RetryPolicy(List<Integer> codes, Optional<Integer> retries, Optional<Duration> backoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(List.of(), Optional.empty(), Optional.empty());
    /** One attempt: agentgateway's rule for a route without {@code retry} (the next request fails over). */
    public static final RetryPolicy NO_REPLAY = new RetryPolicy(List.of(), Optional.of(0), Optional.empty());

    public static RetryPolicy of(Optional<HttpRouteResource.Retry> retry) {
        return retry.map(r -> new RetryPolicy(r.codes(), r.attempts(), r.backoff())).orElse(DEFAULT);
    }

    public static RetryPolicy of(CompiledRule rule) {
        return of(rule.retry());
    }

    /** Whether a failure of this kind (with this HTTP status, 0 when there was no response) is retried. */
    public boolean retryable(FailureKind kind, int status) {
        return switch (kind) {
            case BROKEN_AFTER_FIRST_BYTE -> false;
            case CONNECT, RESET -> true;
            case TIMEOUT_BEFORE_FIRST_BYTE -> status == 0 || codes.isEmpty() || codes.contains(status);
            case HTTP_429, HTTP_5XX, OVERLOADED -> codes.isEmpty() || codes.contains(status);
        };
    }

    /**
     * Whether an HTTP answer with this status is retried; covers statuses {@link Classifier}
     * does not count as failures but that the route lists (e.g. {@code codes: [409]}).
     */
    public boolean retryableStatus(int status) {
        return codes.isEmpty() ? Classifier.retryableStatus(status) : codes.contains(status);
    }

    /** The most attempts (first try included) for a plan of {@code planSize} providers; at least 1. */
    public int maxAttempts(int planSize) {
        return retries.map(r -> r + 1).orElse(Math.max(1, planSize));
    }

    /** The wait before retry number {@code retry} (1 is the first retry). */
    public Duration delayBeforeRetry(int retry, boolean sameProvider) {
        return delayBeforeRetry(retry, sameProvider, n -> ThreadLocalRandom.current().nextLong(n));
    }

    /** As {@link #delayBeforeRetry(int, boolean)}; {@code random}: given n &gt; 0, a number in [0, n). */
    public Duration delayBeforeRetry(int retry, boolean sameProvider, LongUnaryOperator random) {
        if (backoff.isPresent()) {
            long b = backoff.get().toNanos();
            return b <= 0 ? Duration.ZERO : Duration.ofNanos(b + random.applyAsLong(b + 1));
        }
        return sameProvider ? Backoff.fullJitter(retry, Backoff.BASE, Backoff.CAP, random) : Duration.ZERO;
    }
}

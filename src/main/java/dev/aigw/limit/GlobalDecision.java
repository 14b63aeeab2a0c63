package dev.aigw.limit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A global limiter's answer for one request's hits.
 *
 * @param allowed  false when a descriptor is over its limit
 * @param refused  the index of the hit that is over, when refused
 * @param counters per hit: limit, count after this request, end of window (limit -1 when the
 *                 limiter did not say)
 * @param failed   the limiter could not be reached (then {@code allowed} follows the failure mode)
 */
public record GlobalDecision(boolean allowed, Optional<Integer> refused, List<Counter> counters, boolean failed) {

    public record Counter(long limit, long used, Instant resetAt) {
        public long remaining() {
            return limit < 0 ? -1 : Math.max(0, limit - used);
        }
    }

    public GlobalDecision {
        counters = List.copyOf(counters);
    }

    public static GlobalDecision open() {
        return new GlobalDecision(true, Optional.empty(), List.of(), false);
    }
}

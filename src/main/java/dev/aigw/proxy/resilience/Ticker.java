package dev.aigw.proxy.resilience;

import java.time.Instant;

/**
 * The time, injected: a monotonic clock for durations and a wall clock for the absolute times
 * that rate-limit headers carry ({@code Retry-After: <HTTP date>}, RFC 3339 reset times).
 */
public interface Ticker {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The wall-clock time. */
    Instant now();

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}

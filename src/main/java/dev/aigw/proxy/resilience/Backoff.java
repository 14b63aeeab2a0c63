package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/** Waits between attempts: exponential back-off with full jitter. */
public final class Backoff {
    /** The default base and cap between attempts at the same provider. */
    public static final Duration BASE = Duration.ofMillis(25);
    public static final Duration CAP = Duration.ofMillis(250);

    private Backoff() {
    }

    /**
     * Full jitter: uniform in [0, min(cap, base × 2^(retry-1))] ({@code retry} 1 is the first
     * retry). {@code random}: given n &gt; 0, a number in [0, n).
     */
    public static Duration fullJitter(int retry, Duration base, Duration cap, LongUnaryOperator random) {
        long b = base.toNanos();
        long c = cap.toNanos();
        long ceiling = b;
        for (int i = 1; i < retry && ceiling < c; i++) ceiling *= 2;
        ceiling = Math.min(ceiling, c);
        if (ceiling <= 0) return Duration.ZERO;
        return Duration.ofNanos(random.applyAsLong(ceiling + 1));
    }

    /** {@link #fullJitter} with the defaults (25 ms base, 250 ms cap) and a thread-local random. */
    public static Duration jittered(int retry) {
        return fullJitter(retry, BASE, CAP, n -> ThreadLocalRandom.current().nextLong(n));
    }
}

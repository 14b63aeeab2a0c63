package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps the extra load that retries and failovers put on providers: over a sliding window
 * ({@code window}, in one-second buckets), retries may number at most {@code ratio} × requests,
 * plus {@code minPerSecond} × window seconds so that a quiet route can still fail over. Like
 * Linkerd's retry budget; the defaults are 20 %, 5 per second, over 10 seconds.
 *
 * <p>Call {@link #onRequest()} once per client request (first attempts only), and {@link
 * #tryAcquireRetry()} before each further attempt: false means give the client the last error.
 *
 * <p>Lock-free and approximate: a bucket being recycled while another thread counts in it may
 * lose that count, and concurrent acquisitions may overshoot by a few. One per Backend is best
 * (an outage of one Backend then cannot use up another's budget); see {@link RetryBudgets}.
 */
public final class RetryBudget {
    private static final long SECOND = 1_000_000_000L;

    private final Ticker ticker;
    private final double ratio;
    private final int minPerSecond;
    private final int buckets;
    private final AtomicLongArray epochs;
    private final AtomicLongArray requests;
    private final AtomicLongArray retries;

    public RetryBudget() {
        this(Ticker.SYSTEM, 0.2, 5, Duration.ofSeconds(10));
    }

    public RetryBudget(Ticker ticker, double ratio, int minPerSecond, Duration window) {
        if (ratio < 0) throw new IllegalArgumentException("ratio must not be negative");
        if (minPerSecond < 0) throw new IllegalArgumentException("minPerSecond must not be negative");
        this.ticker = ticker;
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.buckets = (int) Math.max(1, window.toSeconds());
        this.epochs = new AtomicLongArray(buckets);
        this.requests = new AtomicLongArray(buckets);
        this.retries = new AtomicLongArray(buckets);
        for (int i = 0; i < buckets; i++) epochs.set(i, Long.MIN_VALUE);
    }

    /** A client request arrived (its first attempt). */
    public void onRequest() {
        requests.incrementAndGet(bucket(second()));
    }

    /** Takes one retry from the budget; false when retrying now would exceed it. */
    public boolean tryAcquireRetry() {
        long now = second();
        int b = bucket(now);
        long req = 0;
        long ret = 0;
        for (int i = 0; i < buckets; i++) {
            long e = epochs.get(i);
            if (e > now - buckets && e <= now) {
                req += requests.get(i);
                ret += retries.get(i);
            }
        }
        double allowed = (double) minPerSecond * buckets + ratio * req;
        if (ret + 1 > allowed) return false;
        retries.incrementAndGet(b);
        return true;
    }

    /** Requests and retries counted in the window now: {requests, retries}. */
    public long[] counts() {
        long now = second();
        long req = 0;
        long ret = 0;
        for (int i = 0; i < buckets; i++) {
            long e = epochs.get(i);
            if (e > now - buckets && e <= now) {
                req += requests.get(i);
                ret += retries.get(i);
            }
        }
        return new long[] {req, ret};
    }

    private long second() {
        return Math.floorDiv(ticker.nanoTime(), SECOND);
    }

    private int bucket(long second) {
        int i = (int) Math.floorMod(second, (long) buckets);
        long e = epochs.get(i);
        if (e != second && epochs.compareAndSet(i, e, second)) {
            requests.set(i, 0);
            retries.set(i, 0);
        }
        return i;
    }
}

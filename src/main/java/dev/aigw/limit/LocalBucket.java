package dev.aigw.limit;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One replica's token bucket: holds up to {@code amount + burst}, refills {@code amount} per
 * {@code per}, continuously. Request limits take one token per request before it goes upstream.
 * Token limits admit while the bucket is above zero and are charged after the response with the
 * real usage, so the bucket may go below zero: the request that crosses the limit completes, the
 * next ones are refused until the refill brings it back above zero (agentgateway's semantics).
 */
public final class LocalBucket {
    /** @param amount per {@code per}; @param tokens true to count LLM tokens, false requests */
    public record Spec(long amount, Duration per, long burst, boolean tokens) {
        public Spec {
            if (amount < 1) throw new IllegalArgumentException("rate limit amount must be at least 1, got " + amount);
            if (burst < 0) throw new IllegalArgumentException("burst must not be negative, got " + burst);
        }

        public long capacity() {
            return amount + burst;
        }
    }

    /** A decision: {@code remaining} after it, {@code resetNanos} until the bucket is full again (or, refused, until it admits). */
    public record Decision(boolean allowed, long limit, long remaining, long resetNanos) {
    }

    private final Spec spec;
    private final LongSupplier nanos;
    private final double perNano;
    private double level;
    private long last;

    public LocalBucket(Spec spec, LongSupplier nanos) {
        this.spec = spec;
        this.nanos = nanos;
        this.perNano = (double) spec.amount() / spec.per().toNanos();
        this.level = spec.capacity();
        this.last = nanos.getAsLong();
    }

    public Spec spec() {
        return spec;
    }

    private void refill() {
        long now = nanos.getAsLong();
        level = Math.min(spec.capacity(), level + (now - last) * perNano);
        last = now;
    }

    /** Requests: takes one if there is one. Tokens: admits while the level is above zero (takes nothing). */
    public synchronized Decision acquire() {
        refill();
        if (spec.tokens()) {
            return level > 0 ? decision(true) : refused(Math.nextUp(0.0));
        }
        if (level >= 1) {
            level -= 1;
            return decision(true);
        }
        return refused(1);
    }

    /** Charges tokens after a response (may take the level below zero). */
    public synchronized void charge(long tokens) {
        if (tokens <= 0) return;
        refill();
        level -= tokens;
    }

    public synchronized Decision peek() {
        refill();
        return decision(level > 0);
    }

    private Decision decision(boolean allowed) {
        long remaining = (long) Math.max(0, Math.floor(level));
        long toFull = (long) Math.ceil((spec.capacity() - level) / perNano);
        return new Decision(allowed, spec.amount(), remaining, toFull);
    }

    private Decision refused(double need) {
        long wait = (long) Math.ceil((need - level) / perNano);
        return new Decision(false, spec.amount(), 0, Math.max(wait, 1));
    }
}

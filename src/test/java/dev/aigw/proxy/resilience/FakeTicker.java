package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told. */
final class FakeTicker implements Ticker {
    private long nanos = 1_000_000_000_000L;
    private Instant wall = Instant.parse("2025-06-01T12:00:00Z");

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return wall;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
        wall = wall.plus(d);
    }
}

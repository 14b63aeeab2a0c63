package dev.aigw.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a limiter's failures: {@code aigw_ratelimit_backend_errors_total{limiter, failure_mode}},
 * and one WARN line per 10 s at most (a dead Redis under load must not flood the log).
 */
final class LimiterHealth {
    private static final Logger log = LoggerFactory.getLogger(LimiterHealth.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final String what;
    private final FailureMode mode;
    private final Counter counter;
    private final LongAdder errors = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    LimiterHealth(String what, String kind, FailureMode mode, MeterRegistry registry) {
        this.what = what;
        this.mode = mode;
        this.counter = registry == null ? null : Counter.builder("aigw_ratelimit_backend_errors_total")
                .description("Global rate-limit checks that failed (limiter unreachable or too slow), by limiter and failure mode")
                .tag("limiter", kind).tag("failure_mode", mode == FailureMode.FAIL_OPEN ? "FailOpen" : "FailClosed")
                .register(registry);
    }

    void failed(Throwable cause) {
        errors.increment();
        if (counter != null) counter.increment();
        long now = System.nanoTime(), last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn("rate limiter {} failed ({}); {} ({} failures so far)", what,
                    cause == null ? "unknown" : cause.getMessage(),
                    mode == FailureMode.FAIL_OPEN ? "admitting requests (FailOpen)" : "refusing requests (FailClosed)", errors.sum());
        }
    }

    long errors() {
        return errors.sum();
    }
}

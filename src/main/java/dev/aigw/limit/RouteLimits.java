package dev.aigw.limit;

import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One route rule's rate limits: local buckets ({@code rateLimit.local[]}), then a global limiter
 * with its descriptors ({@code rateLimit.global}). Immutable; the buckets are shared with the next
 * snapshot for the same rule and spec (see {@link LocalBuckets}), so a reload does not refill them.
 */
public final class RouteLimits {
    public static final RouteLimits NONE = new RouteLimits(List.of(), Optional.empty(), Clock.systemUTC());

    /** {@code rateLimit.global}: a limiter and the descriptors it counts. */
    public record Global(GlobalLimiter limiter, List<Descriptor> descriptors) {
        public Global {
            descriptors = List.copyOf(descriptors);
        }
    }

    private final List<LocalBucket> locals;
    private final Optional<Global> global;
    private final Clock clock;

    public RouteLimits(List<LocalBucket> locals, Optional<Global> global, Clock clock) {
        this.locals = List.copyOf(locals);
        this.global = global;
        this.clock = clock;
    }

    public boolean isEmpty() {
        return locals.isEmpty() && global.isEmpty();
    }

    public List<LocalBucket> locals() {
        return locals;
    }

    public Optional<Global> global() {
        return global;
    }

    /** Whether any limit needs the CEL variables (a global descriptor does); local limits need none. */
    public boolean needsVariables() {
        return global.isPresent();
    }

    /** Checks (and charges request counts) before the request goes upstream. Never fails. */
    public Future<Admission> admit(Map<String, ?> vars) {
        Headers best = new Headers();
        for (LocalBucket b : locals) {
            LocalBucket.Decision d = b.acquire();
            best.consider(d.limit(), d.remaining(), nanosToSeconds(d.resetNanos()));
            if (!d.allowed()) {
                long retry = nanosToSeconds(d.resetNanos());
                return Future.succeededFuture(new Admission(429, "rate limit exceeded", best.refused(d.limit(), retry), this, List.of()));
            }
        }
        if (global.isEmpty()) return Future.succeededFuture(new Admission(0, "", best.map(), this, List.of()));
        Global g = global.get();
        List<Hit> hits = new ArrayList<>();
        for (Descriptor d : g.descriptors()) {
            Optional<List<Map.Entry<String, String>>> values = d.values(vars);
            if (values.isEmpty() || d.limit().isEmpty() && !(g.limiter() instanceof RlsLimiter)) continue;
            hits.add(new Hit(d, values.get(), d.amount(vars, false)));
        }
        if (hits.isEmpty()) return Future.succeededFuture(new Admission(0, "", best.map(), this, List.of()));
        Instant now = clock.instant();
        return g.limiter().checkAndCharge(hits).map(dec -> {
            if (dec.failed() && !dec.allowed()) {
                return new Admission(500, "rate limit service unavailable", Map.of(), this, List.of());
            }
            for (GlobalDecision.Counter c : dec.counters()) {
                if (c.limit() >= 0) best.consider(c.limit(), c.remaining(), Math.max(0, Duration.between(now, c.resetAt()).toSeconds()));
            }
            if (!dec.allowed()) {
                int i = dec.refused().orElse(0);
                Hit h = hits.get(i);
                GlobalDecision.Counter c = i < dec.counters().size() ? dec.counters().get(i) : null;
                Instant reset = c != null ? c.resetAt() : now;
                long retry = Math.max(1, Duration.between(now, reset).toSeconds());
                String msg = h.descriptor().isBudget()
                        ? "budget exceeded: " + h.descriptor().describe() + " ("
                        + (c != null && c.limit() >= 0 ? c.limit() + " micro-USD (" + usd(c.limit()) + ") per "
                        + h.descriptor().limit().map(l -> l.unit().name().toLowerCase(java.util.Locale.ROOT)).orElse("window") : "limit reached")
                        + "); resets at " + reset
                        : "rate limit exceeded";
                return new Admission(429, msg, best.refused(c != null ? c.limit() : -1, retry), this, List.of());
            }
            List<Hit> pending = hits.stream().filter(h -> h.descriptor().chargedAfterResponse()).toList();
            return new Admission(0, "", best.map(), this, pending);
        });
    }

    static String usd(long micros) {
        return "$" + java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    void settle(Map<String, ?> vars, List<Hit> pending) {
        long tokens = 0;
        if (vars.get("llm") instanceof Map<?, ?> m && m.get("totalTokens") instanceof Number n) tokens = n.longValue();
        for (LocalBucket b : locals) if (b.spec().tokens()) b.charge(tokens);
        if (global.isPresent() && !pending.isEmpty()) {
            List<Hit> charged = new ArrayList<>(pending.size());
            for (Hit h : pending) charged.add(h.withAmount(h.descriptor().amount(vars, true)));
            global.get().limiter().charge(charged);
        }
    }

    private static long nanosToSeconds(long nanos) {
        return Math.max(0, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** The most restrictive limit's numbers. */
    private static final class Headers {
        long limit = -1, remaining = Long.MAX_VALUE, reset;

        void consider(long l, long r, long resetSeconds) {
            if (l < 0) return;
            if (r < remaining) {
                limit = l;
                remaining = r;
                reset = resetSeconds;
            }
        }

        Map<String, String> map() {
            if (limit < 0) return Map.of();
            Map<String, String> m = new LinkedHashMap<>();
            m.put("x-ratelimit-limit", Long.toString(limit));
            m.put("x-ratelimit-remaining", Long.toString(remaining));
            m.put("x-ratelimit-reset", Long.toString(reset));
            return m;
        }

        Map<String, String> refused(long l, long retrySeconds) {
            Map<String, String> m = new LinkedHashMap<>();
            if (l >= 0) m.put("x-ratelimit-limit", Long.toString(l));
            m.put("x-ratelimit-remaining", "0");
            m.put("x-ratelimit-reset", Long.toString(retrySeconds));
            m.put("retry-after", Long.toString(retrySeconds));
            return m;
        }
    }
}

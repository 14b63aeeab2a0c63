package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * How each provider is doing, for the whole gateway: one instance lives as long as the process,
 * across config reloads (providers are named by {@link ProviderKey}). Lock-free: each provider's
 * state is an immutable value swapped by compare-and-set, so event loops never wait on each other.
 *
 * <p><b>Rate limits.</b> A failure whose headers say how long to wait ({@link RateLimitHeaders})
 * makes the provider unavailable until then (capped by {@link Settings#maxRateLimit}); such a
 * failure does not count towards ejection (the provider is not broken, just busy). A 429 or
 * overload answer that says nothing waits {@link Settings#defaultRateLimit}, and does count.
 * A success whose headers say a limit is exhausted also makes the provider unavailable until
 * that limit resets.
 *
 * <p><b>Outlier ejection.</b> {@link Settings#consecutiveFailures} failures in a row eject the
 * provider for a back-off that starts at {@link Settings#baseEjection} and doubles with each
 * ejection in a row, up to {@link Settings#maxEjection}. When the back-off ends the provider is
 * available again by itself, on probation: the next request may go to it, and if that fails it
 * is ejected again at once (for twice as long); a success ends probation and resets the back-off.
 * Failures of requests that were already in flight while it was ejected do not extend the
 * ejection.
 *
 * <p><b>Latency.</b> Successes record the time to first byte in an exponentially weighted moving
 * average, for the least-latency choice. An average older than {@link
 * Settings#latencyStaleAfter} is forgotten, so a provider once slow gets tried again.
 */
public final class ProviderHealth {

    /**
     * The knobs. {@code ewmaAlpha}: the weight of a new time-to-first-byte sample (0 to 1).
     */
    public record Settings(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
                           Duration defaultRateLimit, Duration maxRateLimit, double ewmaAlpha,
                           Duration latencyStaleAfter) {
        public static final Settings DEFAULTS = new Settings(3, Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofHours(1), 0.3, Duration.ofSeconds(30));

        public Settings {
            if (consecutiveFailures < 1) throw new IllegalArgumentException("consecutiveFailures must be at least 1");
            if (ewmaAlpha <= 0 || ewmaAlpha > 1) throw new IllegalArgumentException("ewmaAlpha must be in (0, 1]");
        }
    }

    /** What a provider looks like now, for the admin API, logs and metrics. */
    public enum Status { HEALTHY, RATE_LIMITED, EJECTED, PROBATION }

    /**
     * @param availableIn       how long until requests may go to it (zero when they may now)
     * @param ttfbMillis        the moving average of time to first byte; empty when unknown or stale
     */
    public record View(ProviderKey key, Status status, Duration availableIn, int consecutiveFailures,
                       int ejections, Optional<FailureKind> lastFailure, Optional<Double> ttfbMillis) {
    }

    /** Every known provider's state, one line each, for the admin server's {@code /providers}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        known().stream().sorted(java.util.Comparator.comparing(ProviderKey::toString)).forEach(k -> {
            View v = view(k);
            sb.append(k.backend()).append(' ').append(k.name()).append(" (").append(k.kind()).append(' ')
                    .append(k.hostPort()).append("): ").append(v.status());
            if (!v.availableIn().isZero()) sb.append(", available in ").append(v.availableIn().toMillis()).append(" ms");
            sb.append(", failures in a row ").append(v.consecutiveFailures()).append(", ejections ").append(v.ejections());
            v.lastFailure().ifPresent(f -> sb.append(", last failure ").append(f));
            v.ttfbMillis().ifPresent(t -> sb.append(String.format(java.util.Locale.ROOT, ", ttfb ~%.1f ms", t)));
            sb.append('\n');
        });
        return sb.length() == 0 ? "no provider has been tried yet\n" : sb.toString();
    }

    /** One provider's state; immutable, replaced as a whole. Times are {@link Ticker#nanoTime()}. */
    private record State(int consecutive, int ejections, boolean probation, long ejectedUntil, long limitedUntil,
                         double ewmaNanos, long ewmaAt, FailureKind lastFailure) {
        static final State FRESH = new State(0, 0, false, Long.MIN_VALUE, Long.MIN_VALUE, -1, 0, null);

        long availableAt() {
            return Math.max(ejectedUntil, limitedUntil);
        }
    }

    private final Ticker ticker;
    private final Settings settings;
    private final Map<ProviderKey, AtomicReference<State>> states = new ConcurrentHashMap<>();

    public ProviderHealth() {
        this(Ticker.SYSTEM, Settings.DEFAULTS);
    }

    public ProviderHealth(Ticker ticker, Settings settings) {
        this.ticker = ticker;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    Ticker ticker() {
        return ticker;
    }

    private AtomicReference<State> ref(ProviderKey key) {
        AtomicReference<State> r = states.get(key);
        return r != null ? r : states.computeIfAbsent(key, k -> new AtomicReference<>(State.FRESH));
    }

    /** A response's first byte arrived after {@code ttfbNanos}. */
    public void onSuccess(ProviderKey key, long ttfbNanos) {
        onSuccess(key, ttfbNanos, null);
    }

    /**
     * A response's first byte arrived after {@code ttfbNanos}; {@code headers} (may be null) are
     * its headers, looked up case-insensitively, read for exhausted rate limits.
     */
    public void onSuccess(ProviderKey key, long ttfbNanos, Function<String, String> headers) {
        long now = ticker.nanoTime();
        Optional<Duration> exhausted = RateLimitHeaders.exhaustedFor(headers, ticker::now);
        double alpha = settings.ewmaAlpha();
        long stale = settings.latencyStaleAfter().toNanos();
        ref(key).updateAndGet(s -> {
            double sample = Math.max(0, ttfbNanos);
            boolean fresh = s.ewmaNanos() >= 0 && now - s.ewmaAt() <= stale;
            double ewma = fresh ? s.ewmaNanos() + alpha * (sample - s.ewmaNanos()) : sample;
            long limited = exhausted.map(d -> Math.max(s.limitedUntil(), now + cap(d))).orElse(s.limitedUntil());
            return new State(0, 0, false, Long.MIN_VALUE, limited, ewma, now, s.lastFailure());
        });
    }

    /**
     * An attempt failed. {@code headers} (may be null): the failed response's headers, looked up
     * case-insensitively, read for {@code Retry-After} and rate-limit resets.
     */
    public void onFailure(ProviderKey key, FailureKind kind, Function<String, String> headers) {
        long now = ticker.nanoTime();
        Optional<Duration> wait = RateLimitHeaders.retryAfter(headers, ticker.now());
        boolean busy = kind == FailureKind.HTTP_429 || kind == FailureKind.OVERLOADED;
        ref(key).updateAndGet(s -> {
            long limited = s.limitedUntil();
            if (wait.isPresent()) limited = Math.max(limited, now + cap(wait.get()));
            else if (busy) limited = Math.max(limited, now + settings.defaultRateLimit().toNanos());
            if (wait.isPresent()) {
                // The provider said how long: honour that, and do not count it as broken.
                return new State(s.consecutive(), s.ejections(), s.probation(), s.ejectedUntil(), limited,
                        s.ewmaNanos(), s.ewmaAt(), kind);
            }
            if (now < s.ejectedUntil()) {
                // A request that was in flight when the provider was ejected: already accounted for.
                return new State(s.consecutive(), s.ejections(), s.probation(), s.ejectedUntil(), limited,
                        s.ewmaNanos(), s.ewmaAt(), kind);
            }
            int consecutive = s.consecutive() + 1;
            if (s.probation() || consecutive >= settings.consecutiveFailures()) {
                long backoff = backoffNanos(s.ejections());
                return new State(0, s.ejections() + 1, true, now + backoff, limited, s.ewmaNanos(), s.ewmaAt(), kind);
            }
            return new State(consecutive, s.ejections(), s.probation(), s.ejectedUntil(), limited,
                    s.ewmaNanos(), s.ewmaAt(), kind);
        });
    }

    // ---- agentgateway's health rule (a Backend's or provider's policies.health) ----

    /** Per provider under a health rule: unhealthy answers in a row, the health score (0..1), evictions in a row. */
    private record Judged(int consecutive, double score, int evictions) {
        static final Judged FRESH = new Judged(0, 1.0, 0);
    }

    private final Map<ProviderKey, AtomicReference<Judged>> judged = new ConcurrentHashMap<>();

    /**
     * An answer (or no answer) judged by the provider's health rule. Unhealthy: counts one more in
     * a row and lowers the score; {@code consecutiveFailures} in a row or a score under
     * {@code healthThreshold} percent evicts the provider for {@code duration} × its evictions in a
     * row (capped by {@link Settings#maxEjection}); a {@code Retry-After} on the answer sets the
     * eviction time instead, at once. Back from eviction the score is {@code restoreHealth} percent.
     * Healthy: the count in a row and the evictions in a row start again. Returns whether it evicted.
     */
    public boolean onJudged(ProviderKey key, dev.aigw.route.ProviderRules.HealthRule rule, boolean unhealthy,
                            FailureKind kind, Function<String, String> headers) {
        AtomicReference<Judged> r = judged.computeIfAbsent(key, k -> new AtomicReference<>(Judged.FRESH));
        if (!unhealthy) {
            r.updateAndGet(j -> new Judged(0, j.score() + SCORE_WEIGHT * (1 - j.score()), 0));
            return false;
        }
        Optional<Duration> wait = RateLimitHeaders.retryAfter(headers, ticker.now());
        long now = ticker.nanoTime();
        if (now < ref(key).get().ejectedUntil()) return false; // in flight while it was evicted: already counted
        Judged before = r.get();
        int consecutive = before.consecutive() + 1;
        double score = before.score() * (1 - SCORE_WEIGHT);
        boolean evict = wait.isPresent() || rule.consecutiveFailures() > 0 && consecutive >= rule.consecutiveFailures()
                || rule.healthThreshold().map(t -> score * 100 < t).orElse(false);
        if (!evict) {
            r.set(new Judged(consecutive, score, before.evictions()));
            return false;
        }
        int evictions = before.evictions() + 1;
        long max = settings.maxEjection().toNanos();
        long nanos = wait.map(this::cap).orElseGet(() -> Math.min(max, rule.duration().toNanos() * evictions));
        r.set(new Judged(0, rule.restoreHealth() / 100.0, evictions));
        ref(key).updateAndGet(s -> new State(0, s.ejections() + 1, false, Math.max(s.ejectedUntil(), now + nanos),
                s.limitedUntil(), s.ewmaNanos(), s.ewmaAt(), kind));
        return true;
    }

    /** The weight of one answer in a provider's health score. */
    private static final double SCORE_WEIGHT = 0.3;

    /** The ejection back-off after {@code ejections} ejections in a row: base × 2^n, capped. */
    long backoffNanos(int ejections) {
        long max = settings.maxEjection().toNanos();
        long b = settings.baseEjection().toNanos();
        for (int i = 0; i < ejections && b < max; i++) b *= 2;
        return Math.min(b, max);
    }

    private long cap(Duration d) {
        return Math.min(d.toNanos(), settings.maxRateLimit().toNanos());
    }

    /** Whether requests may go to the provider now. */
    public boolean isAvailable(ProviderKey key) {
        AtomicReference<State> r = states.get(key);
        return r == null || r.get().availableAt() <= ticker.nanoTime();
    }

    /** Nanoseconds until requests may go to the provider; 0 when they may now. */
    public long availableInNanos(ProviderKey key) {
        AtomicReference<State> r = states.get(key);
        return r == null ? 0 : until(r.get().availableAt(), ticker.nanoTime());
    }

    /** Nanoseconds from {@code now} to {@code at}, 0 when past (no overflow for "never set"). */
    private static long until(long at, long now) {
        return at <= now ? 0 : at - now;
    }

    /**
     * The least-latency cost: the moving average of time to first byte in nanoseconds (0 when
     * unknown or stale, so unknown providers get tried), multiplied by 1 + the failures in a row.
     */
    public double latencyScore(ProviderKey key) {
        AtomicReference<State> r = states.get(key);
        if (r == null) return 0;
        State s = r.get();
        boolean fresh = s.ewmaNanos() >= 0 && ticker.nanoTime() - s.ewmaAt() <= settings.latencyStaleAfter().toNanos();
        double ewma = fresh ? s.ewmaNanos() : 0;
        if (s.consecutive() > 0) ewma = Math.max(ewma, 1_000_000) * (1 + s.consecutive());
        return ewma;
    }

    public View view(ProviderKey key) {
        AtomicReference<State> r = states.get(key);
        State s = r == null ? State.FRESH : r.get();
        long now = ticker.nanoTime();
        Status status = now < s.ejectedUntil() ? Status.EJECTED
                : now < s.limitedUntil() ? Status.RATE_LIMITED
                : s.probation() ? Status.PROBATION : Status.HEALTHY;
        boolean fresh = s.ewmaNanos() >= 0 && now - s.ewmaAt() <= settings.latencyStaleAfter().toNanos();
        return new View(key, status, Duration.ofNanos(until(s.availableAt(), now)), s.consecutive(),
                s.ejections(), Optional.ofNullable(s.lastFailure()),
                fresh ? Optional.of(s.ewmaNanos() / 1e6) : Optional.empty());
    }

    /** The providers with recorded state. */
    public Set<ProviderKey> known() {
        return new HashSet<>(states.keySet());
    }

    /** Forgets providers no longer configured (call after a reload with {@link ProviderKey#allIn}). */
    public void retain(Collection<ProviderKey> live) {
        Set<ProviderKey> keep = live instanceof Set<ProviderKey> s ? s : new HashSet<>(live);
        states.keySet().removeIf(k -> !keep.contains(k));
        judged.keySet().removeIf(k -> !keep.contains(k));
    }
}

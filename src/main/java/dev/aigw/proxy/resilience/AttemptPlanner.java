package dev.aigw.proxy.resilience;

import dev.aigw.config.BackendResource.LoadBalancing;
import dev.aigw.provider.Provider;
import dev.aigw.route.Destination;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

/**
 * The order in which one request tries a Backend's providers.
 *
 * <ol>
 *   <li>Priority groups in order; a group none of whose providers is available ({@link
 *       ProviderHealth#isAvailable}) is skipped. Unavailable providers are left out.</li>
 *   <li>Inside a group, by the Backend's {@link LoadBalancing}: {@code ROUND_ROBIN} rotates the
 *       available providers with one counter per Backend; {@code LEAST_LATENCY} picks the better of
 *       two random providers by {@link ProviderHealth#latencyScore} (power of two choices), then
 *       the rest by score.</li>
 *   <li>The later groups follow as fallbacks, balanced the same way.</li>
 *   <li><b>Last resort</b>: when no provider at all is available, the plan holds the one provider
 *       that becomes available soonest, marked {@link Plan#lastResort()}. Trying it is better
 *       than failing without trying: the ejection may be stale, or a rate limit lifted early.</li>
 * </ol>
 *
 * One instance per gateway; thread-safe.
 */
public final class AttemptPlanner {

    /** A provider to try, with the key its outcome is recorded under. */
    public record Candidate(ProviderKey key, Provider provider) {
    }

    /** One request's providers in the order to try them; never empty for a Backend with providers. */
    public final class Plan implements Iterable<Candidate> {
        private final List<Candidate> candidates;
        private final boolean lastResort;

        private Plan(List<Candidate> candidates, boolean lastResort) {
            this.candidates = candidates;
            this.lastResort = lastResort;
        }

        public List<Candidate> candidates() {
            return candidates;
        }

        public int size() {
            return candidates.size();
        }

        /** True when every provider was unavailable and this plan holds the one available soonest. */
        public boolean lastResort() {
            return lastResort;
        }

        @Override
        public Iterator<Candidate> iterator() {
            return candidates.iterator();
        }

        /**
         * The candidate for attempt {@code n} (0 is the first try). Past the end of the plan (a
         * route allowing more attempts than there are providers) it goes round again, but only to
         * providers available now; empty when there is none (stop trying). The first pass is
         * served as planned: the planner already checked availability.
         */
        public Optional<Candidate> attempt(int n) {
            if (candidates.isEmpty()) return Optional.empty();
            if (n < candidates.size()) return Optional.of(candidates.get(n));
            int size = candidates.size();
            for (int i = 0; i < size; i++) {
                Candidate c = candidates.get((n + i) % size);
                if (health.isAvailable(c.key())) return Optional.of(c);
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return candidates.stream().map(c -> c.key().name()).toList() + (lastResort ? " (last resort)" : "");
        }
    }

    private final ProviderHealth health;
    private final IntUnaryOperator random;
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public AttemptPlanner(ProviderHealth health) {
        this(health, n -> ThreadLocalRandom.current().nextInt(n));
    }

    /** {@code random}: given n, a number from 0 to n-1 (injected so tests are deterministic). */
    public AttemptPlanner(ProviderHealth health, IntUnaryOperator random) {
        this.health = health;
        this.random = random;
    }

    public ProviderHealth health() {
        return health;
    }

    /**
     * A Backend's candidates, made once per Backend object (a reload makes a new one): building a
     * provider's key joined its host and port into a new string, which every health lookup then
     * hashed and compared again. By name; emptied past {@value #MAX_CACHED} names, so Backends
     * that reloads removed are not kept for ever.
     */
    private record Candidates(Destination.Ai backend, List<List<Candidate>> groups) {
    }

    private final Map<String, Candidates> candidates = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1024;

    private List<List<Candidate>> candidates(Destination.Ai backend) {
        Candidates c = candidates.get(backend.name());
        if (c != null && c.backend() == backend) return c.groups();
        List<List<Candidate>> groups = new ArrayList<>();
        for (List<Provider> group : backend.groups()) {
            List<Candidate> g = new ArrayList<>(group.size());
            for (Provider p : group) g.add(new Candidate(ProviderKey.of(backend.name(), p), p));
            groups.add(List.copyOf(g));
        }
        if (candidates.size() >= MAX_CACHED) candidates.clear();
        candidates.put(backend.name(), new Candidates(backend, List.copyOf(groups)));
        return groups;
    }

    public Plan plan(Destination.Ai backend) {
        String name = backend.name();
        long turn = -1;
        List<Candidate> out = new ArrayList<>();
        Candidate soonest = null;
        long soonestIn = Long.MAX_VALUE;
        for (List<Candidate> group : candidates(backend)) {
            List<Candidate> available = new ArrayList<>(group.size());
            for (Candidate c : group) {
                long in = health.availableInNanos(c.key());
                if (in == 0) {
                    available.add(c);
                } else if (in < soonestIn) {
                    soonestIn = in;
                    soonest = c;
                }
            }
            if (available.isEmpty()) continue;
            if (backend.balancing() == LoadBalancing.LEAST_LATENCY) {
                leastLatency(available, out);
            } else {
                if (turn < 0) turn = counters.computeIfAbsent(name, k -> new AtomicLong()).getAndIncrement();
                int n = available.size();
                int start = (int) Math.floorMod(turn, (long) n);
                for (int i = 0; i < n; i++) out.add(available.get((start + i) % n));
            }
        }
        if (out.isEmpty() && soonest != null) return new Plan(List.of(soonest), true);
        return new Plan(List.copyOf(out), false);
    }

    private void leastLatency(List<Candidate> available, List<Candidate> out) {
        int n = available.size();
        if (n == 1) {
            out.add(available.getFirst());
            return;
        }
        int i = random.applyAsInt(n);
        int j = random.applyAsInt(n - 1);
        if (j >= i) j++;
        Candidate a = available.get(i);
        Candidate b = available.get(j);
        double sa = health.latencyScore(a.key());
        double sb = health.latencyScore(b.key());
        Candidate first = sb < sa ? b : a;
        out.add(first);
        List<Candidate> rest = new ArrayList<>(available);
        rest.remove(first);
        rest.sort(Comparator.comparingDouble(c -> health.latencyScore(c.key())));
        out.addAll(rest);
    }

    /** Forgets round-robin counters of Backends no longer configured. */
    public void retainBackends(Collection<String> backends) {
        counters.keySet().retainAll(backends);
    }
}

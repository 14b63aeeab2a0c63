package dev.aigw.limit;

import dev.aigw.cel.CelExpression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code rateLimit.global.descriptors[]} entry: the CEL entries whose values make the counter's
 * key, what one request counts ({@code unit}: Requests or Tokens, or what {@code cost} yields), and,
 * for the Redis limiter, the limit itself in Envoy ratelimit's shape
 * ({@code limit: {unit, requestsPerUnit}}).
 *
 * <p>Counted before the request (check and charge at once): Requests whose cost does not read
 * {@code llm.*}. Counted after the response (checked before, charged with the real amount): Tokens,
 * and costs that read {@code llm.*} (such as {@code llm.cost.total}, a budget).
 */
public record Descriptor(String name, List<Entry> entries, boolean tokens, Optional<CelExpression> cost, Optional<Limit> limit) {

    public record Entry(String key, CelExpression value) {
    }

    /** @param perUnit requests, tokens or cost units per window */
    public record Limit(LimitUnit unit, long perUnit) {
        public Limit {
            if (perUnit < 0) throw new IllegalArgumentException("requestsPerUnit must not be negative, got " + perUnit);
        }
    }

    public Descriptor {
        entries = List.copyOf(entries);
    }

    public boolean chargedAfterResponse() {
        return tokens || cost.map(c -> c.source().contains("llm.")).orElse(false);
    }

    /** A budget in money: its cost reads {@code llm.cost}. */
    public boolean isBudget() {
        return cost.map(c -> c.source().contains("llm.cost")).orElse(false);
    }

    /** The entries' values for one request, or empty when one does not evaluate to a value (the descriptor then does not apply). */
    public Optional<List<Map.Entry<String, String>>> values(Map<String, ?> vars) {
        List<Map.Entry<String, String>> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Optional<Object> v = e.value().eval(vars);
            if (v.isEmpty()) return Optional.empty();
            Object o = v.get();
            String s = o instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(d.longValue()) : o.toString();
            if (s.isEmpty()) return Optional.empty();
            out.add(Map.entry(e.key(), s));
        }
        return Optional.of(out);
    }

    /**
     * What one request counts: {@code cost} if set (rounded up; negative or failing = 0), else 1 for
     * Requests, else {@code llm.totalTokens}. Before the response, post-charged descriptors count 0.
     */
    public long amount(Map<String, ?> vars, boolean afterResponse) {
        if (!afterResponse && chargedAfterResponse()) return 0;
        if (cost.isPresent()) {
            Optional<Object> v = cost.get().eval(vars);
            if (v.isEmpty()) return 0;
            Object o = v.get();
            if (o instanceof Number n) return Math.max(0, (long) Math.ceil(n.doubleValue()));
            if (o instanceof com.google.common.primitives.UnsignedLong u) return u.longValue();
            return 0;
        }
        if (!tokens) return 1;
        Object llm = vars.get("llm");
        if (llm instanceof Map<?, ?> m && m.get("totalTokens") instanceof Number n) return n.longValue();
        return 0;
    }

    /** For messages: {@code name} if given, else the entry keys. */
    public String describe() {
        if (name != null && !name.isEmpty()) return name;
        return entries.stream().map(Entry::key).reduce((a, b) -> a + "," + b).orElse("descriptor");
    }
}

package dev.aigw.route;

import dev.aigw.config.HttpRouteResource.Match;
import dev.aigw.config.HttpRouteResource.PathType;
import dev.aigw.config.HttpRouteResource.ValueMatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The routes of one listening port, in Gateway API precedence: the most specific hostname first;
 * then Exact path, then regular expression, then the longest prefix; then a method match; then
 * most header matches; then most query matches; then the oldest route, then namespace/name, then
 * rule and match order.
 *
 * <p>Regular expressions (path, header and query matches) run on RE2 ({@code com.google.re2j}):
 * linear time in the input, whatever the pattern, so a route cannot stall an event loop. Each
 * pattern taken from config is compiled once per table.
 */
public final class RouteTable {

    /** One (route, rule, match) with the hostnames it answers ({@code []}: any). */
    public record Entry(CompiledRule rule, Match match, List<String> hostnames, Instant created) {
    }

    private final List<Entry> entries;
    private final List<String> routedModels;
    /** The RE2 form of each config pattern (java.util.regex is used only to carry the source text). */
    private final Map<java.util.regex.Pattern, com.google.re2j.Pattern> re2 = new java.util.IdentityHashMap<>();

    public RouteTable(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(PRECEDENCE);
        this.entries = List.copyOf(sorted);
        java.util.Set<String> models = new java.util.TreeSet<>();
        for (Entry e : this.entries) {
            for (ValueMatch h : e.match().headers()) if (h.name().equals(MODEL_HEADER)) models.add(h.value());
        }
        this.routedModels = List.copyOf(models);
        for (Entry e : this.entries) {
            Match m = e.match();
            if (m.path().regex() != null) re2.computeIfAbsent(m.path().regex(), RouteTable::re2);
            for (ValueMatch v : m.headers()) if (v.regex() != null) re2.computeIfAbsent(v.regex(), RouteTable::re2);
            for (ValueMatch v : m.queryParams()) if (v.regex() != null) re2.computeIfAbsent(v.regex(), RouteTable::re2);
        }
    }

    /** RE2 syntax is checked when the config is read, so this only fails on a pattern that skipped it. */
    static com.google.re2j.Pattern re2(java.util.regex.Pattern p) {
        return com.google.re2j.Pattern.compile(p.pattern());
    }

    /** The header the proxy copies a request body's {@code model} into, for matches on it. */
    static final String MODEL_HEADER = "x-gateway-model";

    /** Whether any rule matches on {@code x-gateway-model}: only then is the body read before routing. */
    public boolean routesByModel() {
        return !routedModels.isEmpty();
    }

    /**
     * The rules whose path (and method) match, ignoring header and query matches: with model
     * routing, a {@code GET …/models} carries no model, so it lists what all of them serve.
     */
    public List<CompiledRule> rulesByPath(String path, String method) {
        List<CompiledRule> out = new ArrayList<>();
        for (Entry e : entries) {
            Match m = e.match();
            if (!pathMatches(m.path(), path)) continue;
            if (m.method().isPresent() && !m.method().get().equals(method)) continue;
            if (!out.contains(e.rule())) out.add(e.rule());
        }
        return out;
    }

    /** The model values (or patterns) rules match on, for a helpful 404. */
    public List<String> routedModels() {
        return routedModels;
    }

    public List<Entry> entries() {
        return entries;
    }

    private static final Comparator<Entry> PRECEDENCE = Comparator
            .comparingInt((Entry e) -> pathRank(e.match()))
            .thenComparing(e -> -e.match().path().value().length())
            .thenComparing(e -> e.match().method().isPresent() ? 0 : 1)
            .thenComparing(e -> -e.match().headers().size())
            .thenComparing(e -> -e.match().queryParams().size())
            .thenComparing(Entry::created)
            .thenComparing(e -> e.rule().route().namespace())
            .thenComparing(e -> e.rule().route().name())
            .thenComparingInt(e -> e.rule().index());

    private static int pathRank(Match m) {
        return switch (m.path().type()) {
            case EXACT -> 0;
            case REGULAR_EXPRESSION -> 1;
            case PATH_PREFIX -> 2;
        };
    }

    /** The best rule for a request, if any. {@code host} without port, any case. */
    public Optional<RouteMatch> match(String host, String path, String method, Function<String, String> header,
                                      Map<String, List<String>> query) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        Entry best = null;
        int bestHost = -1;
        for (Entry e : entries) {
            int hs = hostScore(e.hostnames(), h);
            if (hs <= bestHost) continue;
            if (!matches(e.match(), path, method, header, query)) continue;
            best = e;
            bestHost = hs;
        }
        if (best == null) return Optional.empty();
        return Optional.of(new RouteMatch(best.rule(), best.match(), best.match().path().value()));
    }

    /** -1: no match; 0: the route takes any host; higher: more specific. */
    static int hostScore(List<String> hostnames, String host) {
        if (hostnames.isEmpty()) return 0;
        int best = -1;
        for (String n : hostnames) {
            if (n.equals(host)) return Integer.MAX_VALUE;
            if (n.startsWith("*.") && host.endsWith(n.substring(1)) && host.length() > n.length() - 1) {
                best = Math.max(best, n.length());
            }
        }
        return best;
    }

    private boolean matches(Match m, String path, String method, Function<String, String> header,
                            Map<String, List<String>> query) {
        if (!pathMatches(m.path(), path)) return false;
        if (m.method().isPresent() && !m.method().get().equals(method)) return false;
        for (ValueMatch hm : m.headers()) if (!valueMatches(hm, header.apply(hm.name()))) return false;
        for (ValueMatch qm : m.queryParams()) {
            List<String> v = query.get(qm.name());
            if (v == null || v.isEmpty() || !valueMatches(qm, v.getFirst())) return false;
        }
        return true;
    }

    private boolean valueMatches(ValueMatch m, String actual) {
        if (actual == null) return false;
        return m.regex() == null ? m.value().equals(actual) : compiled(m.regex()).matches(actual);
    }

    private com.google.re2j.Pattern compiled(java.util.regex.Pattern p) {
        com.google.re2j.Pattern c = re2.get(p);
        return c != null ? c : re2(p);
    }

    private boolean pathMatches(dev.aigw.config.HttpRouteResource.PathMatch pm, String path) {
        return switch (pm.type()) {
            case REGULAR_EXPRESSION -> compiled(pm.regex()).matches(path);
            default -> pathMatches(pm.type(), pm.value(), path);
        };
    }

    static boolean pathMatches(PathType type, String value, String path) {
        return switch (type) {
            case EXACT -> path.equals(value);
            case REGULAR_EXPRESSION -> throw new IllegalArgumentException("a regex path is matched with its table");
            case PATH_PREFIX -> {
                String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                // Element-wise, as Gateway API asks: /gemini matches /gemini and /gemini/x, not /geminix.
                yield prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix)
                        && path.length() > prefix.length() && path.charAt(prefix.length()) == '/';
            }
        };
    }

    /** The table as a person reads it: one line per match, in precedence order. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            Match m = e.match();
            sb.append("  ").append(e.hostnames().isEmpty() ? "*" : String.join(",", e.hostnames())).append(' ');
            sb.append(m.method().orElse("ANY")).append(' ');
            sb.append(switch (m.path().type()) {
                case EXACT -> "= ";
                case PATH_PREFIX -> "prefix ";
                case REGULAR_EXPRESSION -> "~ ";
            }).append(m.path().value());
            for (ValueMatch h : m.headers()) sb.append(" [header ").append(h.name()).append(h.regex() == null ? "=" : "~").append(h.value()).append(']');
            for (ValueMatch q : m.queryParams()) sb.append(" [query ").append(q.name()).append(q.regex() == null ? "=" : "~").append(q.value()).append(']');
            sb.append("  ->  ");
            List<String> ds = new ArrayList<>();
            for (CompiledRule.Weighted w : e.rule().destinations()) {
                String d = switch (w.destination()) {
                    case Destination.Ai ai -> "Backend " + ai.name() + " (" + ai.primary().kind() + " "
                            + (ai.primary() instanceof dev.aigw.provider.MockProvider ? "built-in"
                            : ai.primary().target().toString()) + ")";
                    case Destination.Static s -> "Static " + s.name() + " " + s.hosts();
                    case Destination.Unavailable u -> "UNAVAILABLE " + u.name() + ": " + u.reason();
                };
                ds.add(e.rule().destinations().size() > 1 ? d + " weight " + w.weight() : d);
            }
            sb.append(ds.isEmpty() ? "(no backends: 500)" : String.join(", ", ds));
            sb.append("   [").append(e.rule().id()).append("]\n");
            e.rule().policy().ifPresent(p -> sb.append("      ").append(p.describe()).append('\n'));
        }
        return sb.toString();
    }
}

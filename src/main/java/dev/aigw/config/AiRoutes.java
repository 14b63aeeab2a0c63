package dev.aigw.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which API a path of an AI Backend serves, in agentgateway's {@code routes} shape: path suffix →
 * route type, the longest suffix first and {@code "*"} last. {@link #NONE} (nothing configured)
 * leaves the choice to the gateway's defaults (the path's own suffix).
 */
public record AiRoutes(List<Entry> entries) {
    public static final AiRoutes NONE = new AiRoutes(List.of());

    /** agentgateway's RouteType names, as written in the config. */
    public enum RouteType {
        Completions, Messages, Responses, Embeddings, Models, AnthropicTokenCount, Realtime, Rerank,
        GenerateContent, GeminiCountTokens, Passthrough, Detect;

        public static Optional<RouteType> parse(String s) {
            return Arrays.stream(values()).filter(t -> t.name().equals(s)).findFirst();
        }

        public static String names() {
            return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
        }
    }

    public record Entry(String suffix, RouteType type) {
    }

    public AiRoutes {
        List<Entry> sorted = new ArrayList<>(entries);
        // Longest suffix first; "*" matches everything, so it goes last.
        sorted.sort(Comparator.comparingInt((Entry e) -> e.suffix().equals("*") ? -1 : e.suffix().length()).reversed());
        entries = List.copyOf(sorted);
    }

    /** From a bound {@code routes} map whose route types are named as {@link RouteType}'s (agentgateway's). */
    public static AiRoutes of(java.util.Map<String, ? extends Enum<?>> routes) {
        List<Entry> entries = new ArrayList<>();
        routes.forEach((suffix, type) -> entries.add(new Entry(suffix, RouteType.valueOf(type.name()))));
        return new AiRoutes(entries);
    }

    /** These routes, with {@code fallback} for a path no entry matches (agentgateway: {@code Completions}). */
    public AiRoutes orElse(RouteType fallback) {
        if (entries.stream().anyMatch(e -> e.suffix().equals("*"))) return this;
        List<Entry> all = new ArrayList<>(entries);
        all.add(new Entry("*", fallback));
        return new AiRoutes(all);
    }

    public boolean configured() {
        return !entries.isEmpty();
    }

    /** The type of a request path (no query), or empty when no entry matches. */
    public Optional<RouteType> resolve(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Entry e : entries) {
            if (e.suffix().equals("*") || p.endsWith(e.suffix())) return Optional.of(e.type());
        }
        return Optional.empty();
    }

    /** The suffixes served, for error messages. */
    public List<String> suffixes() {
        return entries.stream().map(e -> e.suffix() + " (" + e.type() + ")").toList();
    }
}

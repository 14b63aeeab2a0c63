package dev.aigw.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Model prices by provider and model, in agentgateway's catalog format:
 * <pre>{"providers": {"openai": {"models": {"gpt-4o": {"rates": {"input": 2.5, "output": 10, "cacheRead": 1.25}}}}}}</pre>
 * Rates are USD per million tokens. Other top-level keys ({@code date}, {@code sources}) are kept as
 * documentation and ignored.
 *
 * <p>Lookup: the provider's own entry, then its family (Azure OpenAI serves OpenAI's models,
 * Vertex AI serves Gemini's and Anthropic's); within each, the exact model, then the longest catalog
 * name the model starts with followed by {@code -}, {@code @} or {@code :} (a dated snapshot such as
 * {@code gpt-4o-2024-08-06} costs what {@code gpt-4o} costs). Bedrock's cross-region prefixes
 * ({@code us.}, {@code eu.}, {@code apac.}, {@code global.}) and Gemini's {@code models/} are dropped first.
 */
public final class Catalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_RESOURCE = "/dev/aigw/cost/default-catalog.json";
    private static final Map<String, List<String>> FAMILY = Map.of(
            "azureopenai", List.of("azureopenai", "azure", "openai"),
            "azure", List.of("azure", "azureopenai", "openai"),
            "vertexai", List.of("vertexai", "gemini", "anthropic"));
    private static volatile Catalog defaults;

    private final Map<String, Map<String, Rates>> providers;
    /**
     * Lookups already answered, by provider and model as asked: every priced response looks up the
     * model that answered, and a dated snapshot name ({@code gpt-4o-mini-2024-07-18}) is a scan of
     * the provider's models. Bounded: the names come from clients and providers.
     */
    private final Map<String, Map<String, Optional<Rates>>> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger answeredCount = new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_ANSWERED = 4096;

    private Catalog(Map<String, Map<String, Rates>> providers) {
        this.providers = providers;
    }

    public static final Catalog EMPTY = new Catalog(Map.of());

    /** The catalog shipped with the gateway ({@code default-catalog.json}). */
    public static Catalog defaults() {
        Catalog c = defaults;
        if (c == null) {
            try (InputStream in = Catalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the jar");
                c = parse(in.readAllBytes(), "default-catalog.json");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            defaults = c;
        }
        return c;
    }

    /**
     * Parses a catalog. @param where names the source in errors (a file, a ConfigMap key)
     *
     * @throws IllegalArgumentException saying which entry is wrong
     */
    public static Catalog parse(byte[] json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("providers").isObject()) {
            throw new IllegalArgumentException(where + ": a model catalog is an object with \"providers\": {<provider>: {\"models\": {...}}}");
        }
        Map<String, Map<String, Rates>> out = new HashMap<>();
        for (var p : root.get("providers").properties()) {
            JsonNode models = p.getValue().path("models");
            if (!models.isObject()) {
                throw new IllegalArgumentException(where + ": providers." + p.getKey() + ".models must be an object of models");
            }
            Map<String, Rates> m = new HashMap<>();
            for (var e : models.properties()) {
                String at = where + ": providers." + p.getKey() + ".models." + e.getKey() + ".rates";
                JsonNode r = e.getValue().path("rates");
                if (!r.isObject()) throw new IllegalArgumentException(at + " must be an object {input, output, cacheRead?, cacheWrite?}");
                m.put(e.getKey().toLowerCase(Locale.ROOT), new Rates(rate(r, "input", at, true), rate(r, "output", at, true),
                        rate(r, "cacheRead", at, false), rate(r, "cacheWrite", at, false)));
            }
            out.put(p.getKey().toLowerCase(Locale.ROOT), Map.copyOf(m));
        }
        return new Catalog(Map.copyOf(out));
    }

    private static BigDecimal rate(JsonNode r, String field, String at, boolean required) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(at + "." + field + " is required (USD per million tokens)");
            return null;
        }
        if (!v.isNumber() || v.decimalValue().signum() < 0) {
            throw new IllegalArgumentException(at + "." + field + " must be a non-negative number (USD per million tokens), got " + v);
        }
        return v.decimalValue();
    }

    /** This catalog with {@code over}'s models replacing or adding to its own, model by model. */
    public Catalog overriddenBy(Catalog over) {
        Map<String, Map<String, Rates>> merged = new HashMap<>();
        providers.forEach((p, m) -> merged.put(p, new HashMap<>(m)));
        over.providers.forEach((p, m) -> merged.computeIfAbsent(p, k -> new HashMap<>()).putAll(m));
        Map<String, Map<String, Rates>> frozen = new HashMap<>();
        merged.forEach((p, m) -> frozen.put(p, Map.copyOf(m)));
        return new Catalog(Map.copyOf(frozen));
    }

    /** @param provider {@code Provider.kind()}; @param model the model that answered (or was asked for) */
    public Optional<Rates> lookup(String provider, String model) {
        if (model == null || model.isEmpty()) return Optional.empty();
        // The same provider and model request after request: one comparison of the model's text
        // (a fresh string from each response) instead of hashing it for two map probes.
        Last last = this.last;
        if (last != null && last.provider() == provider && last.model().equals(model)) return last.rates();
        Optional<Rates> r = lookUp(provider, model);
        this.last = new Last(provider, model, r);
        return r;
    }

    /** The last answer of {@link #lookup}; an immutable record in a plain field (a race only looks up twice). */
    private record Last(String provider, String model, Optional<Rates> rates) {
    }

    private Last last;

    private Optional<Rates> lookUp(String provider, String model) {
        String pk = provider == null ? "" : provider;
        Map<String, Optional<Rates>> known = answered.get(pk);
        Optional<Rates> hit = known == null ? null : known.get(model);
        if (hit != null) return hit;
        Optional<Rates> r = find(provider, model);
        if (answeredCount.get() < MAX_ANSWERED) {
            if (answered.computeIfAbsent(pk, k -> new java.util.concurrent.ConcurrentHashMap<>()).putIfAbsent(model, r) == null) {
                answeredCount.incrementAndGet();
            }
        }
        return r;
    }

    private Optional<Rates> find(String provider, String model) {
        String m = normalize(model);
        String p = provider == null ? "" : provider.toLowerCase(Locale.ROOT);
        List<String> family = FAMILY.getOrDefault(p, List.of(p));
        for (String f : family) {
            Map<String, Rates> models = providers.get(f);
            if (models == null) continue;
            Rates exact = models.get(m);
            if (exact != null) return Optional.of(exact);
        }
        for (String f : family) {
            Map<String, Rates> models = providers.get(f);
            if (models == null) continue;
            String best = null;
            for (String name : models.keySet()) {
                if (m.length() > name.length() && m.startsWith(name) && "-@:".indexOf(m.charAt(name.length())) >= 0
                        && (best == null || name.length() > best.length())) best = name;
            }
            if (best != null) return Optional.of(models.get(best));
        }
        return Optional.empty();
    }

    static String normalize(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.startsWith("models/")) m = m.substring("models/".length());
        for (String region : new String[]{"us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."}) {
            if (m.startsWith(region)) {
                m = m.substring(region.length());
                break;
            }
        }
        return m;
    }

    /** Price of a usage, or {@link Cost#UNPRICED} when the catalog does not know the model. */
    public Cost price(String provider, String model, dev.aigw.translate.Usage usage) {
        return lookup(provider, model).map(r -> Cost.of(usage, r)).orElse(Cost.UNPRICED);
    }

    /** Providers and their model counts, for the admin API. */
    public Map<String, Integer> summary() {
        Map<String, Integer> s = new LinkedHashMap<>();
        new ArrayList<>(providers.keySet()).stream().sorted().forEach(p -> s.put(p, providers.get(p).size()));
        return s;
    }
}

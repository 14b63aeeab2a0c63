package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code defaults[]}: fields set in the client's body. A dotted path walks (and creates) nested
 * objects ({@code generationConfig.temperature}); a numeric segment indexes an existing array.
 * {@code override: false} sets the field only when it is absent or null; {@code true} always.
 * Values keep their JSON type (numbers, booleans, objects, arrays). Paths are in the client's
 * schema: {@code temperature} for OpenAI and Anthropic, {@code generationConfig.temperature} for
 * Gemini.
 *
 * <p>One per compiled policy: split once into the overrides (applied before transformations) and
 * the fills (after), not on every request.
 */
public final class Defaults {
    public static final Defaults NONE = new Defaults(List.of());

    private final List<FieldDefault> all;
    private final List<FieldDefault> overrides;
    private final List<FieldDefault> fills;
    /** These over each rule's defaults they were merged over: once per pair in a snapshot, not per attempt. */
    private final Map<Defaults, Defaults> over = new java.util.concurrent.ConcurrentHashMap<>();

    private Defaults(List<FieldDefault> all) {
        this.all = List.copyOf(all);
        this.overrides = all.stream().filter(FieldDefault::override).toList();
        this.fills = all.stream().filter(d -> !d.override()).toList();
    }

    public static Defaults of(List<FieldDefault> defaults) {
        return defaults.isEmpty() ? NONE : new Defaults(defaults);
    }

    /** As written (merged by field). */
    public List<FieldDefault> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /**
     * These over {@code base}, field by field (a provider's {@code policies.ai} over its rule's):
     * {@code base} itself when these are empty, these when it is.
     */
    public Defaults over(Defaults base) {
        if (all.isEmpty()) return base;
        if (base.all.isEmpty()) return this;
        return over.computeIfAbsent(base, b -> new Defaults(byField(b.all, all)));
    }

    /** {@code top} over {@code base} by field name: a field keeps its place, a new one comes last. */
    public static List<FieldDefault> byField(List<FieldDefault> base, List<FieldDefault> top) {
        Map<String, FieldDefault> byField = new LinkedHashMap<>();
        base.forEach(d -> byField.put(d.field(), d));
        top.forEach(d -> byField.put(d.field(), d));
        return List.copyOf(byField.values());
    }

    /** The {@code override: true} defaults, in order. */
    void applyOverrides(ObjectNode body) {
        for (FieldDefault d : overrides) apply(body, d);
    }

    /** The defaults that fill absent fields, in order. */
    void applyFills(ObjectNode body) {
        for (FieldDefault d : fills) apply(body, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Defaults d && all.equals(d.all);
    }

    @Override
    public int hashCode() {
        return all.hashCode();
    }

    @Override
    public String toString() {
        return "Defaults" + all;
    }

    static void apply(ObjectNode body, FieldDefault d) {
        String[] path = d.field().split("\\.");
        JsonNode at = body;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = child(at, path[i]);
            if (next == null || next.isNull()) {
                if (!(at instanceof ObjectNode o)) return;
                next = o.putObject(path[i]);
            }
            if (!next.isContainerNode()) {
                if (!d.override()) return; // a scalar stands where an object should: leave the client's value
                if (!(at instanceof ObjectNode o)) return;
                next = o.putObject(path[i]);
            }
            at = next;
        }
        String last = path[path.length - 1];
        JsonNode current = child(at, last);
        if (!d.override() && current != null && !current.isNull()) return;
        if (at instanceof ObjectNode o) o.set(last, d.value().deepCopy());
        else if (at instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) < a.size()) {
            a.set(Integer.parseInt(last), d.value().deepCopy());
        }
    }

    private static JsonNode child(JsonNode n, String seg) {
        if (n instanceof ArrayNode a) return isIndex(seg) ? a.get(Integer.parseInt(seg)) : null;
        return n.get(seg);
    }

    private static boolean isIndex(String s) {
        return !s.isEmpty() && s.length() < 9 && s.chars().allMatch(Character::isDigit);
    }
}

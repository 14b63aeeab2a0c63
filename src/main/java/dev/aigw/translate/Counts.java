package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A usage object's named counts as the byte-level readings hand them over ({@link JsonBytes#counts}),
 * read from a tree the same way, and back into the small tree the usage readers take.
 */
final class Counts {
    private Counts() {
    }

    /** {@code u}'s members of these names, each 0 when not a number; null when {@code u} is not an object. */
    static Map<String, Long> of(JsonNode u, String[] names) {
        if (u == null || !u.isObject()) return null;
        Map<String, Long> m = new LinkedHashMap<>(8);
        for (String f : names) {
            if (u.has(f)) m.put(f, Json.longOr0(u, f));
        }
        return m;
    }

    /** The counts as a tree of numbers (only those present). */
    static ObjectNode tree(Map<String, Long> counts) {
        ObjectNode o = Json.obj();
        counts.forEach(o::put);
        return o;
    }
}

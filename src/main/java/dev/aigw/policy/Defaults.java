package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;

import java.util.List;

/**
 * {@code defaults[]}: fields set in the client's body. A dotted path walks (and creates) nested
 * objects ({@code generationConfig.temperature}); a numeric segment indexes an existing array.
 * {@code override: false} sets the field only when it is absent or null; {@code true} always.
 * Values keep their JSON type (numbers, booleans, objects, arrays). Paths are in the client's
 * schema: {@code temperature} for OpenAI and Anthropic, {@code generationConfig.temperature} for
 * Gemini.
 */
public final class Defaults {
    private Defaults() {
    }

    public static void apply(ObjectNode body, List<FieldDefault> defaults) {
        for (FieldDefault d : defaults) apply(body, d);
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

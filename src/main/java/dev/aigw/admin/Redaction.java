package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Removes secret values from a resource before it is shown: Secret data and inline tokens. */
public final class Redaction {
    public static final String REDACTED = "<redacted>";

    private Redaction() {
    }

    public static ObjectNode redact(String kind, ObjectNode resource) {
        ObjectNode copy = resource.deepCopy();
        if (kind.equals("Secret")) {
            for (String f : List.of("data", "stringData")) {
                if (copy.get(f) instanceof ObjectNode o) {
                    for (String k : new ArrayList<>(iterable(o))) o.put(k, REDACTED);
                }
            }
        }
        walk(copy);
        return copy;
    }

    private static List<String> iterable(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void walk(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("inline") && o.path("kind").asText().equals("Inline")) o.put("inline", REDACTED);
            o.elements().forEachRemaining(Redaction::walk);
        } else if (n != null && n.isArray()) {
            n.elements().forEachRemaining(Redaction::walk);
        }
    }
}

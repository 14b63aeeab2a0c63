package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * This gateway's annotations ({@code ai.gateway.dev/...}) on one resource; others are left to
 * their owners. An {@code ai.gateway.dev/} annotation this kind does not read is a warning (most
 * likely a typo).
 */
public final class Annotations {
    static final String PREFIX = "ai.gateway.dev/";

    private final JsonNode annotations;

    private Annotations(JsonNode annotations) {
        this.annotations = annotations;
    }

    /** The resource's annotations, warning about the unknown ones of this gateway now. */
    public static Annotations of(Checker c, Set<String> known) {
        JsonNode a = c.resource().body().path("metadata").path("annotations");
        Annotations out = new Annotations(a);
        if (!a.isObject()) return out;
        a.fieldNames().forEachRemaining(k -> {
            if (k.startsWith(PREFIX) && !known.contains(k)) {
                c.warn(out.at(k), "annotation " + k + " is not one this gateway reads on a " + c.resource().kind()
                        + " (known: " + String.join(", ", new TreeSet<>(known)) + "); ignored");
            }
        });
        return out;
    }

    /** The annotation's value; empty when absent or empty. */
    public Optional<String> get(String key) {
        JsonNode v = annotations.get(key);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    public boolean has(String key) {
        return annotations.has(key);
    }

    /** The pointer of an annotation, for messages about its value. */
    public String at(String key) {
        return "/metadata/annotations/" + YamlResources.escape(key);
    }
}

package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes secret values from a resource before it is shown: Secret data, inline tokens, and
 * header values that carry credentials wherever a resource sets headers ({@code {name, value}}
 * pairs of header modifiers, or a map keyed by header name): by the header's name
 * ({@code authorization}, {@code x-api-key}, {@code cookie}, …) or by the value's look
 * ({@code Bearer …}, {@code Basic …}, well-known key prefixes such as {@code sk-}, {@code AIza}).
 */
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

    private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("authorization",
            "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie", "x-amz-security-token");
    private static final java.util.regex.Pattern CREDENTIAL_VALUE = java.util.regex.Pattern.compile(
            "(?i)^\\s*(bearer|basic|token|apikey)\\s+\\S{4,}.*|^\\s*(sk-|sk_|AIza|AKIA|ASIA|ghp_|gho_|github_pat_|xox[abprs]-|glpat-)\\S{8,}.*",
            java.util.regex.Pattern.DOTALL);

    /** Whether a header of this name, or this value, carries a credential. */
    static boolean credential(String name, String value) {
        return name != null && CREDENTIAL_HEADERS.contains(name.strip().toLowerCase(java.util.Locale.ROOT))
                || value != null && CREDENTIAL_VALUE.matcher(value).matches();
    }

    private static void walk(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("inline") && o.path("kind").asText().equals("Inline")) o.put("inline", REDACTED);
            if (o.path("name").isTextual() && o.path("value").isTextual()
                    && credential(o.get("name").asText(), o.get("value").asText())) {
                o.put("value", REDACTED);
            }
            for (String k : iterable(o)) {
                if (o.get(k).isTextual() && CREDENTIAL_HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT))) o.put(k, REDACTED);
            }
            o.elements().forEachRemaining(Redaction::walk);
        } else if (n != null && n.isArray()) {
            n.elements().forEachRemaining(Redaction::walk);
        }
    }
}

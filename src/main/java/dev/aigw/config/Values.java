package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The value checks the Gateway API and kgateway conversions share (ports, durations, regular
 * expressions, required strings), each reporting at a JSON pointer with the message users know.
 * A value the bound record keeps as {@link RawJson} (a port that may be a string, a host that is
 * a mapping or {@code "host:port"}) is read here from its small tree.
 */
public final class Values {
    /** The API groups of the kinds read here. */
    public static final String GATEWAY_API = "gateway.networking.k8s.io";
    public static final String KGATEWAY = "gateway.kgateway.dev";

    private Values() {
    }

    /** The string, or null when absent or empty (an empty string is as good as none). */
    public static String orNull(Optional<String> v) {
        return v.filter(s -> !s.isEmpty()).orElse(null);
    }

    /** A required string of the mapping at {@code at}; null (and an error at the mapping) when absent or empty. */
    public static String required(Checker c, String at, Optional<String> v, String field) {
        String s = orNull(v);
        if (s == null) c.fail(at, field + " is required");
        return s;
    }

    /** A string field of a mapping kept as a tree; null when absent, null or empty. */
    public static String text(Checker c, String at, JsonNode n, String field, boolean required) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
            if (required) c.fail(at, field + " is required");
            return null;
        }
        if (!v.isValueNode()) {
            c.fail(at + "/" + YamlResources.escape(field), field + " must be a string");
            return null;
        }
        return v.asText();
    }

    /** A port (1 to 65535) as written, number or string; 0 after an error. */
    public static int port(Checker c, String at, JsonNode v, String field) {
        if (v == null || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 65535) {
            c.fail(at, field + " " + (v == null ? "null" : v.asText()) + " is not a port (expected 1 to 65535)");
            return 0;
        }
        return v.asInt();
    }

    /** A required port of the mapping at {@code at} (its field at {@code at/field}); 0 after an error. */
    public static int port(Checker c, String at, Optional<RawJson> v, String field, boolean required) {
        if (v.isEmpty()) return required ? missing(c, at, field) : 0;
        return port(c, at + "/" + field, v.get().tree(), field);
    }

    /** A required port bound as a number, of the mapping at {@code at} (its field at {@code at/field}); 0 after an error. */
    public static int port(Checker c, String at, Optional<Integer> v, String field) {
        if (v.isEmpty()) return missing(c, at, field);
        return port(c, at + "/" + field, com.fasterxml.jackson.databind.node.IntNode.valueOf(v.get()), field);
    }

    /** A required field that is absent, reported at its mapping {@code at}; 0, what a number reads as after an error. */
    public static int missing(Checker c, String at, String field) {
        c.fail(at, field + " is required");
        return 0;
    }

    /** {@code "host:port"} as users paste it: the host, and the port when digits follow its last colon (else empty). */
    public record HostText(String host, java.util.OptionalInt port) {
    }

    /**
     * Splits {@code "host:port"} (scheme and trailing slashes stripped). A port out of range is an
     * error at {@code at} ({@code where: port N is out of range}) and reads as 0.
     */
    public static HostText hostPort(Checker c, String at, String written, String where) {
        String text = stripScheme(written);
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || !text.substring(colon + 1).matches("\\d{1,5}")) return new HostText(text, java.util.OptionalInt.empty());
        int port = Integer.parseInt(text.substring(colon + 1));
        if (port < 1 || port > 65535) {
            c.fail(at, where + ": port " + port + " is out of range");
            port = 0;
        }
        return new HostText(text.substring(0, colon), java.util.OptionalInt.of(port));
    }

    /** A Kubernetes duration ({@code 30s}, {@code 1m30s}); null when absent or after an error. */
    public static Duration duration(Checker c, String at, Optional<String> text, String field) {
        if (text.isEmpty()) return null;
        Duration d = GoDuration.parse(text.get());
        if (d == null) c.fail(at, field + " " + text.get() + " is not a duration (expected e.g. 30s, 1m, 500ms)");
        return d;
    }

    /** A regular expression valid in RE2 (what Envoy and kgateway match with) and in Java; null after an error. */
    public static Pattern regex(Checker c, String at, String value) {
        try {
            // Matched with RE2 (route.RouteTable, policy.RegexGuard): its syntax is what counts.
            com.google.re2j.Pattern.compile(value);
        } catch (com.google.re2j.PatternSyntaxException e) {
            c.fail(at, "invalid regular expression " + value + " (RE2 syntax, as Envoy and kgateway use: "
                    + "no look-around or back-references): " + e.getDescription());
            return null;
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            c.fail(at, "invalid regular expression " + value + ": " + e.getDescription());
            return null;
        }
    }

    /** A host as users paste it: without {@code https://} and trailing slashes. */
    public static String stripScheme(String host) {
        String h = host.trim();
        int i = h.indexOf("://");
        if (i >= 0) h = h.substring(i + 3);
        while (h.endsWith("/")) h = h.substring(0, h.length() - 1);
        return h;
    }

    /** The pointer of a field below {@code at}. */
    public static String at(String at, String field) {
        return at + "/" + YamlResources.escape(field);
    }
}

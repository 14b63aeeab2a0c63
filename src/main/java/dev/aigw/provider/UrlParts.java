package dev.aigw.provider;

import java.nio.charset.StandardCharsets;

/**
 * Config values that become part of an upstream URL (models, deployments, API versions, projects,
 * locations, regions, host and path overrides): checked once when the provider is built, and
 * percent-encoded where they go into a path, so none can add a path segment, a query, a fragment
 * or a line to the request ({@code ../../../admin?x=1#} is one encoded segment; a CR or LF is
 * refused). {@link #check} throws {@link IllegalArgumentException} with what to fix.
 */
public final class UrlParts {
    private UrlParts() {
    }

    /** {@code value} as one path segment: unreserved characters and {@code @} stay, the rest is %XX (UTF-8). */
    public static String segment(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~' || c == '@') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** A value for {@link #segment}: not empty, not a dot segment, no control characters. */
    static void checkSegment(String field, String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException(field + " is empty");
        checkText(field, value);
        if (value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(field + " `" + value + "` is a relative path segment; give the name itself");
        }
    }

    /** A DNS label that the gateway puts into a host name (Vertex location, Bedrock region). */
    static void checkLabel(String field, String value) {
        if (value == null || !value.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException(field + " `" + printable(value) + "` must be letters, digits and "
                    + "dashes (it becomes part of the provider's host name)");
        }
    }

    /** A host name or IP address (IPv6 with or without brackets). */
    static void checkHost(String field, String value) {
        if (value == null || value.isEmpty() || !value.matches("\\[?[A-Za-z0-9._:-]+]?")) {
            throw new IllegalArgumentException(field + " `" + printable(value) + "` is not a host name or IP address");
        }
    }

    /** A path override: absolute, no dot segments, no fragment, nothing that would split the request line. */
    static void checkPath(String field, String value) {
        checkText(field, value);
        if (!value.startsWith("/")) throw new IllegalArgumentException(field + " `" + value + "` must start with /");
        if (value.indexOf(' ') >= 0 || value.indexOf('#') >= 0) {
            throw new IllegalArgumentException(field + " `" + value + "` must not contain spaces or #");
        }
        String p = value.contains("?") ? value.substring(0, value.indexOf('?')) : value;
        for (String s : p.split("/")) {
            if (s.equals("..") || s.equals(".") || s.equalsIgnoreCase("%2e%2e") || s.equalsIgnoreCase("%2e")) {
                throw new IllegalArgumentException(field + " `" + value + "` must not contain . or .. segments");
            }
        }
    }

    /** No control characters (CR, LF, NUL, …): they would end the request line or a header. */
    static void checkText(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(field + " `" + printable(value) + "` contains a control character "
                        + "(" + String.format("U+%04X", (int) c) + ") at position " + i);
            }
        }
    }

    private static String printable(String v) {
        if (v == null) return "null";
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        return b.toString();
    }
}

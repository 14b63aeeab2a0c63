package dev.aigw.proxy;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Set;

/** Header hygiene: hop-by-hop headers (RFC 9110 §7.6.1) and client credentials. */
final class Headers {
    /** Hop-by-hop headers; {@link #hopByHop} matches exactly these, in any case. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "http2-settings");
    /** Removed before the gateway injects the Backend's credential, so a client key never leaks upstream. */
    static final Set<String> CREDENTIALS = Set.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

    // The names the hot path looks up, as Netty's AsciiString: Vert.x hashes a String name anew on
    // every get, set or remove (case-insensitively, char by char); an AsciiString keeps its hash.
    static final CharSequence X_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");
    static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.CONTENT_TYPE;
    static final CharSequence CONTENT_LENGTH = io.vertx.core.http.HttpHeaders.CONTENT_LENGTH;
    static final CharSequence CONTENT_ENCODING = io.vertx.core.http.HttpHeaders.CONTENT_ENCODING;
    static final CharSequence TRANSFER_ENCODING = io.vertx.core.http.HttpHeaders.TRANSFER_ENCODING;
    static final CharSequence ACCEPT_ENCODING = io.vertx.core.http.HttpHeaders.ACCEPT_ENCODING;
    static final CharSequence USER_AGENT = io.vertx.core.http.HttpHeaders.USER_AGENT;
    static final CharSequence HOST = io.vertx.core.http.HttpHeaders.HOST;
    static final CharSequence CONNECTION = io.vertx.core.http.HttpHeaders.CONNECTION;

    private Headers() {
    }

    /** Copies {@code from} minus hop-by-hop headers (and those named in Connection) and {@code also}. */
    static MultiMap copy(MultiMap from, Set<String> also) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        keep(from, out, also);
        return out;
    }

    /**
     * As {@code to.setAll(copy(from, Set.of()))}, which empties {@code to} first, without the
     * intermediate map: {@code to} ends with exactly the headers of {@code from} that are kept.
     */
    static void replaceWith(MultiMap from, MultiMap to) {
        keep(from, to, Set.of());
    }

    /**
     * Makes {@code to} the kept headers of {@code from}: all of them in one {@code setAll} (Vert.x
     * copies its own maps' entries as they are), then the few dropped ones removed. Adding them one
     * by one built each entry anew and, into a map of its own, checked each name and value again,
     * though they came from a parsed request or response (or were checked when set).
     */
    private static void keep(MultiMap from, MultiMap to, Set<String> also) {
        Set<String> named = connectionNamed(from);
        java.util.List<CharSequence> drop = null;
        if (from instanceof io.netty.handler.codec.http.HttpHeaders nh) {
            // Vert.x's own maps hold a parsed message's names as Netty's AsciiString: read as they
            // are, where iterating the MultiMap made a String entry and a String of each name.
            for (var it = nh.iteratorCharSequence(); it.hasNext(); ) drop = noteDropped(drop, it.next().getKey(), named, also);
        } else {
            for (var e : from) drop = noteDropped(drop, e.getKey(), named, also);
        }
        to.setAll(from);
        if (drop != null) for (CharSequence k : drop) to.remove(k);
    }

    /**
     * The header names listed in Connection, lower case, less those dropped anyway (hop-by-hop:
     * {@code keep-alive}); null when that leaves none, as for the usual {@code Connection:
     * keep-alive} of an upstream response (then no set is built and no name lower-cased per header).
     */
    private static Set<String> connectionNamed(MultiMap from) {
        if (from.get(CONNECTION) == null) return null;
        Set<String> named = null;
        for (String c : from.getAll(CONNECTION)) {
            for (String t : c.split(",")) {
                String n = t.strip();
                if (n.isEmpty() || hopByHop(n)) continue;
                if (named == null) named = new java.util.HashSet<>();
                named.add(n.toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }

    /** {@code drop}, with {@code name} added when it is not forwarded (the list made at the first). */
    private static java.util.List<CharSequence> noteDropped(java.util.List<CharSequence> drop, CharSequence name,
                                                            Set<String> named, Set<String> also) {
        if (!dropped(name, named, also)) return drop;
        if (drop == null) drop = new java.util.ArrayList<>(4);
        drop.add(name);
        return drop;
    }

    // By length and equalsIgnoreCase rather than a lower-cased copy probed in a set: this runs for
    // every header of every request and response, whose names arrive as fresh strings (no cached hash).
    private static boolean dropped(CharSequence name, Set<String> named, Set<String> also) {
        if (hopByHop(name)) return true;
        if (named != null && named.contains(name.toString().toLowerCase(Locale.ROOT))) return true;
        return !also.isEmpty() && containsIgnoreCase(also, name);
    }

    static boolean hopByHop(CharSequence n) {
        return switch (n.length()) {
            case 2 -> is(n, "te");
            case 7 -> is(n, "upgrade") || is(n, "trailer");
            case 10 -> is(n, "connection") || is(n, "keep-alive");
            case 14 -> is(n, "http2-settings");
            case 16 -> is(n, "proxy-connection");
            case 17 -> is(n, "transfer-encoding");
            case 18 -> is(n, "proxy-authenticate");
            case 19 -> is(n, "proxy-authorization");
            default -> false;
        };
    }

    /** Case-insensitive equality of a name (a String or Netty's AsciiString) with a lower-case one. */
    private static boolean is(CharSequence n, String lower) {
        return n instanceof String s ? s.equalsIgnoreCase(lower) : io.netty.util.AsciiString.contentEqualsIgnoreCase(n, lower);
    }

    private static boolean containsIgnoreCase(Set<String> names, CharSequence n) {
        for (String s : names) if (io.netty.util.AsciiString.contentEqualsIgnoreCase(s, n)) return true;
        return false;
    }

    /** Whether {@code v} can be a header value as is: no control character but tab (no CR or LF to split a header). */
    static boolean safeValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) return false;
        }
        return true;
    }
}

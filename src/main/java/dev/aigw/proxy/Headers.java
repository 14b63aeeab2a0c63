package dev.aigw.proxy;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Set;

/** Header hygiene: hop-by-hop headers (RFC 9110 §7.6.1) and client credentials. */
final class Headers {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "http2-settings");
    /** Removed before the gateway injects the Backend's credential, so a client key never leaks upstream. */
    static final Set<String> CREDENTIALS = Set.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

    private Headers() {
    }

    /** Copies {@code from} minus hop-by-hop headers (and those named in Connection) and {@code also}. */
    static MultiMap copy(MultiMap from, Set<String> also) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        Set<String> named = new java.util.HashSet<>();
        for (String c : from.getAll("connection")) {
            for (String t : c.split(",")) named.add(t.strip().toLowerCase(Locale.ROOT));
        }
        for (var e : from) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(n) || named.contains(n) || also.contains(n)) continue;
            out.add(e.getKey(), e.getValue());
        }
        return out;
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

package dev.aigw.auth;

import java.util.Locale;
import java.util.function.Function;

/**
 * Where a client puts its credential: a header, with an optional prefix ({@code Authorization:
 * Bearer <v>} by default, agentgateway's {@code location.header {name, prefix}}).
 */
public record CredentialLocation(String header, String prefix) {
    public static final CredentialLocation BEARER = new CredentialLocation("authorization", "Bearer ");

    public CredentialLocation {
        header = header.toLowerCase(Locale.ROOT);
        if (prefix == null) prefix = "";
    }

    /** The credential, or null when the header is absent or lacks the prefix (case-insensitive). */
    public String extract(Function<String, String> headers) {
        String v = headers.apply(header);
        if (v == null) return null;
        v = v.strip();
        if (!prefix.isEmpty()) {
            String p = prefix.strip();
            if (v.length() <= p.length() || !v.regionMatches(true, 0, p, 0, p.length())) return null;
            v = v.substring(p.length()).strip();
        }
        return v.isEmpty() ? null : v;
    }
}

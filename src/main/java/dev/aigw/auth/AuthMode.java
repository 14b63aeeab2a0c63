package dev.aigw.auth;

import java.util.Locale;

/**
 * agentgateway's authentication modes. {@code STRICT}: a valid credential is required.
 * {@code OPTIONAL}: a missing credential passes, an invalid one is refused. {@code PERMISSIVE}:
 * nothing is refused; a valid credential still identifies the caller.
 */
public enum AuthMode {
    STRICT, OPTIONAL, PERMISSIVE;

    public static AuthMode parse(String s) {
        if (s == null || s.isEmpty()) return STRICT;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "strict" -> STRICT;
            case "optional" -> OPTIONAL;
            case "permissive" -> PERMISSIVE;
            default -> throw new IllegalArgumentException("mode: " + s + " (expected: Strict, Optional or Permissive)");
        };
    }
}

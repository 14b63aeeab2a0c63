package dev.aigw.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The identity the authenticators established for one request; {@link #ANONYMOUS} when none.
 *
 * @param keyId    the API key's stable id (metadata {@code name}, else {@code sha256:<12 hex>}), or "" without one
 * @param apiKey   the key's metadata (CEL {@code apiKey.*}); never the key itself
 * @param jwt      the JWT's claims (CEL {@code jwt.*})
 * @param basicUser the basic-auth user name, or ""
 */
public record Caller(String keyId, Map<String, Object> apiKey, Map<String, Object> jwt, String basicUser) {
    public static final Caller ANONYMOUS = new Caller("", Map.of(), Map.of(), "");

    public Caller {
        apiKey = Map.copyOf(apiKey);
        jwt = Map.copyOf(jwt);
    }

    /**
     * A bounded label for metrics and the admin API: the key metadata's {@code team}, else its
     * {@code group}, else the JWT's {@code team} claim when it is a string; "" otherwise.
     */
    public String team() {
        for (Object v : new Object[]{apiKey.get("team"), apiKey.get("group"), jwt.get("team")}) {
            if (v instanceof String s && !s.isEmpty()) return s.length() > 64 ? s.substring(0, 64) : s;
        }
        return "";
    }

    /** Who this is, for logs: the key id, else the JWT subject, else the basic user. */
    public String principal() {
        if (!keyId.isEmpty()) return keyId;
        if (jwt.get("sub") instanceof String s) return "jwt:" + s;
        if (!basicUser.isEmpty()) return "basic:" + basicUser;
        return "";
    }

    /** Combines what two authenticators found (each sets only its own part). */
    public Caller with(Caller other) {
        return new Caller(other.keyId.isEmpty() ? keyId : other.keyId, other.apiKey.isEmpty() ? apiKey : other.apiKey,
                other.jwt.isEmpty() ? jwt : other.jwt, other.basicUser.isEmpty() ? basicUser : other.basicUser);
    }

    /** CEL variables {@code apiKey}, {@code jwt}, {@code basicAuth}. */
    public Map<String, Object> celVariables() {
        Map<String, Object> vars = new LinkedHashMap<>();
        Map<String, Object> key = new LinkedHashMap<>(apiKey);
        if (!keyId.isEmpty()) key.putIfAbsent("id", keyId);
        vars.put("apiKey", key);
        vars.put("jwt", jwt);
        vars.put("basicAuth", basicUser.isEmpty() ? Map.of() : Map.of("username", basicUser));
        return vars;
    }
}

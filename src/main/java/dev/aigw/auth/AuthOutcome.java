package dev.aigw.auth;

/** What one authenticator says about one request. */
public sealed interface AuthOutcome {
    /** A valid credential; {@code header} is the header it came in (removed before the upstream). */
    record Authenticated(Caller caller, String header, String credential) implements AuthOutcome {
        @Override
        public String toString() {
            return "Authenticated[" + caller.keyId() + "]";
        }
    }

    /** No credential (or an invalid one in Permissive mode), and the mode lets the request on. */
    record Anonymous(String header) implements AuthOutcome {
    }

    /**
     * Refused with 401. @param message agentgateway's text, never the credential;
     * @param wwwAuthenticate the challenge header value, or null
     */
    record Denied(int status, String message, String wwwAuthenticate) implements AuthOutcome {
    }

    static AuthOutcome denyOrPass(AuthMode mode, boolean present, String header, String message, String challenge) {
        if (mode == AuthMode.PERMISSIVE || (!present && mode == AuthMode.OPTIONAL)) return new Anonymous(header);
        return new Denied(401, message, challenge);
    }
}

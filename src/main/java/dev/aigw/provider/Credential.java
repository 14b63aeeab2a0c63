package dev.aigw.provider;

/** The token a provider injects, resolved from the Backend's authToken. Never printed. */
public sealed interface Credential {
    record Token(String value) implements Credential {
        @Override
        public String toString() {
            return "Token[<redacted>]";
        }
    }

    /** The client's own token is forwarded (kgateway's {@code Passthrough}). */
    record Passthrough() implements Credential {
    }

    /** No credential (the mock provider). */
    record None() implements Credential {
    }
}

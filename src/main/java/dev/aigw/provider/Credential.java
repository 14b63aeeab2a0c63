package dev.aigw.provider;

/** The token a provider injects, resolved from the Backend's authToken. Never printed. */
public sealed interface Credential {
    record Token(String value) implements Credential {
        @Override
        public String toString() {
            return "Token[<redacted>]";
        }
    }

    /**
     * The client's own token is forwarded (kgateway's {@code Passthrough}). {@code keyFor}: in a
     * Backend whose providers are of different kinds, the kind the client's key was sent for (the
     * first Passthrough provider's); a provider of another kind refuses to forward it, so a
     * client's OpenAI key never reaches an Anthropic fallback.
     */
    record Passthrough(java.util.Optional<String> keyFor, boolean required) implements Credential {
        public Passthrough() {
            this(java.util.Optional.empty(), true);
        }

        public Passthrough(java.util.Optional<String> keyFor) {
            this(keyFor, true);
        }
    }

    /** AWS keys from a Secret ({@code accessKey}, {@code secretKey}, optional {@code sessionToken}). */
    record AwsKeys(String accessKey, String secretKey, java.util.Optional<String> sessionToken) implements Credential {
        @Override
        public String toString() {
            return "AwsKeys[<redacted>]";
        }
    }

    /** The default AWS credential chain: environment, profile, web identity, container, instance. */
    record AwsDefaultChain() implements Credential {
    }

    /** Google OAuth2 access tokens, minted and refreshed off the event loop (Vertex AI). */
    record GoogleOAuth(GoogleTokens tokens) implements Credential {
    }

    /** No credential (the mock provider). */
    record None() implements Credential {
    }
}

package dev.aigw.proxy.resilience;

/** Why an attempt at a provider failed. */
public enum FailureKind {
    /** The connection could not be made (refused, DNS, TLS handshake, connect timeout). */
    CONNECT,
    /** The connection was closed or reset before the response's first byte. */
    RESET,
    /** No first byte within the per-try timeout (or the provider answered 408). */
    TIMEOUT_BEFORE_FIRST_BYTE,
    /** HTTP 429: rate limited. */
    HTTP_429,
    /** HTTP 5xx other than an overload status. */
    HTTP_5XX,
    /** The provider says it is overloaded: Anthropic 529 {@code overloaded_error}, and the like. */
    OVERLOADED,
    /**
     * The response broke after its first byte went to the client: counts against the provider's
     * health, but is never retried.
     */
    BROKEN_AFTER_FIRST_BYTE
}

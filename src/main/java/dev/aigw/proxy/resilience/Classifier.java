package dev.aigw.proxy.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Sorts provider failures: what went wrong ({@link FailureKind}) and whether another attempt may
 * be made. Retryable: connect errors, resets and timeouts before the first byte, 408, 429, 5xx,
 * 529 and other overload answers. Not retryable: other 4xx (the client's fault: another
 * provider would refuse the same request), and anything after the first byte reached the client.
 */
public final class Classifier {
    private Classifier() {
    }

    /** The failure an HTTP status means; empty for success and for the client's own errors. */
    public static Optional<FailureKind> ofStatus(int status) {
        if (status == 429) return Optional.of(FailureKind.HTTP_429);
        if (status == 408) return Optional.of(FailureKind.TIMEOUT_BEFORE_FIRST_BYTE);
        if (status == 529) return Optional.of(FailureKind.OVERLOADED);
        if (status >= 500 && status <= 599) return Optional.of(FailureKind.HTTP_5XX);
        return Optional.empty();
    }

    /** Whether an answer with this status may be retried on another provider (with the default codes). */
    public static boolean retryableStatus(int status) {
        return ofStatus(status).isPresent();
    }

    /** Whether this kind of failure may be retried. Only {@link FailureKind#BROKEN_AFTER_FIRST_BYTE} may not. */
    public static boolean retryable(FailureKind kind) {
        return kind != FailureKind.BROKEN_AFTER_FIRST_BYTE;
    }

    /**
     * The failure an error type in a provider's error body means, for errors that arrive with a
     * status that does not say it (Anthropic's {@code overloaded_error} inside a 200 stream,
     * Gemini's {@code RESOURCE_EXHAUSTED}).
     */
    public static Optional<FailureKind> ofErrorType(String type) {
        if (type == null) return Optional.empty();
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "overloaded_error", "overloaded", "server_overloaded", "unavailable" -> Optional.of(FailureKind.OVERLOADED);
            case "rate_limit_error", "rate_limit_exceeded", "resource_exhausted" -> Optional.of(FailureKind.HTTP_429);
            case "api_error", "server_error", "internal" -> Optional.of(FailureKind.HTTP_5XX);
            default -> Optional.empty();
        };
    }

    /**
     * The failure an exception of the upstream connection means. {@code firstByteSent}: whether
     * the response had already begun reaching the client (then it is {@link
     * FailureKind#BROKEN_AFTER_FIRST_BYTE} whatever the cause).
     */
    public static FailureKind ofException(Throwable error, boolean firstByteSent) {
        if (firstByteSent) return FailureKind.BROKEN_AFTER_FIRST_BYTE;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof javax.net.ssl.SSLHandshakeException) {
                return FailureKind.CONNECT;
            }
            String name = t.getClass().getSimpleName();
            // Netty's ConnectTimeoutException extends ConnectException (above); other timeouts by name.
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException || name.contains("Timeout")) {
                return FailureKind.TIMEOUT_BEFORE_FIRST_BYTE;
            }
            if (t instanceof IOException || name.contains("Closed")) return FailureKind.RESET;
        }
        return FailureKind.RESET;
    }
}

package dev.aigw.proxy.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An error the gateway answers with itself, as opposed to a provider's error, which is relayed
 * or translated. One record per situation, each with its status and the gateway's own error
 * code; {@code ClientResponse} renders it in the client's format, before or after the head.
 * Messages are shown to clients: they name the route or backend and the reason, never a secret.
 */
public sealed interface GatewayError {
    int status();

    /** The gateway's error code ({@code bad_gateway}, …): OpenAI clients see it as the error type. */
    String code();

    String message();

    /** No route matches (404), or no route serves the body's model. */
    record NotFound(String code, String message) implements GatewayError {
        public int status() {
            return 404;
        }
    }

    /** The request is wrong: not JSON, not an object, a field the gateway cannot use (400). */
    record BadRequest(String message) implements GatewayError {
        public int status() {
            return 400;
        }

        public String code() {
            return "invalid_request_error";
        }
    }

    /** The request body is over the limit (413); the connection is closed after the answer. */
    record TooLarge(String message) implements GatewayError {
        public int status() {
            return 413;
        }

        public String code() {
            return "request_too_large";
        }
    }

    /** No credential, or one the gateway does not accept (401). */
    record Unauthorized(String message) implements GatewayError {
        public int status() {
            return 401;
        }

        public String code() {
            return "authentication_error";
        }
    }

    /** A limit was reached (429); {@code retryAfter} becomes the {@code retry-after} header. */
    record RateLimited(String message, Optional<Duration> retryAfter) implements GatewayError {
        public int status() {
            return 429;
        }

        public String code() {
            return "rate_limit_error";
        }
    }

    /**
     * A policy refused the request or the response. {@code body} is the policy's answer already in
     * the client's format (the policy package renders its own), or null to render {@code message}.
     */
    record Rejected(int status, String message, ObjectNode body) implements GatewayError {
        public String code() {
            return status >= 500 ? "guardrail_unavailable" : "content_policy_violation";
        }
    }

    /** The route or backend cannot be served as configured (missing Secret, no backend, …) (500). */
    record Unresolved(String message) implements GatewayError {
        public int status() {
            return 500;
        }

        public String code() {
            return "gateway_error";
        }
    }

    /** The gateway itself failed (a bug, a failed stage) (500). */
    record Internal(String message) implements GatewayError {
        public int status() {
            return 500;
        }

        public String code() {
            return "gateway_error";
        }
    }

    /** No provider of the backend can take a request in the client's format (501). */
    record NotImplemented(String message) implements GatewayError {
        public int status() {
            return 501;
        }

        public String code() {
            return "not_implemented";
        }
    }

    /** The gateway is out of a shared resource right now, e.g. its buffer bound (503). */
    record Overloaded(String message) implements GatewayError {
        public int status() {
            return 503;
        }

        public String code() {
            return "gateway_overloaded";
        }
    }

    /**
     * The provider could not be reached, broke off, or answered something unusable (502). Codes:
     * {@code bad_gateway}, {@code upstream_stream_truncated}, {@code response_too_large}.
     */
    record BadGateway(String code, String message) implements GatewayError {
        public BadGateway(String message) {
            this("bad_gateway", message);
        }

        public int status() {
            return 502;
        }
    }

    /** A timeout: {@code backendRequest} on the last attempt or {@code timeouts.request} (504). */
    record Timeout(String message) implements GatewayError {
        public int status() {
            return 504;
        }

        public String code() {
            return "gateway_timeout";
        }
    }

    /** Any other status a provider adapter refused the request with (its {@code ProviderException}). */
    record Refused(int status, String code, String message) implements GatewayError {
    }

    /** The record for {@code status}, for callers that have a status and a code (provider adapters). */
    static GatewayError of(int status, String code, String message) {
        Objects.requireNonNull(message, "message");
        return switch (status) {
            case 400 -> new BadRequest(message);
            case 401 -> new Unauthorized(message);
            case 413 -> new TooLarge(message);
            case 429 -> new RateLimited(message, Optional.empty());
            case 501 -> new NotImplemented(message);
            case 502 -> new BadGateway(code, message);
            case 504 -> new Timeout(message);
            default -> new Refused(status, code, message);
        };
    }
}

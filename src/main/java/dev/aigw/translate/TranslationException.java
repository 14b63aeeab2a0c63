package dev.aigw.translate;

import java.util.Objects;

/**
 * A client request the translation cannot carry to the backend. The set of kinds is closed so
 * the gateway can map each to a status without inspecting messages; the message names the
 * offending field and is safe to show to the client.
 */
public final class TranslationException extends Exception {

    public enum Kind {
        /** Malformed or contradictory field: HTTP 400, type invalid_request_error. */
        INVALID_REQUEST(400),
        /** Well-formed but the backend has no equivalent: HTTP 400, type invalid_request_error. */
        UNSUPPORTED_FEATURE(400);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String field;

    public TranslationException(Kind kind, String field, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind);
        this.field = Objects.requireNonNull(field);
    }

    public static TranslationException invalid(String field, String message) {
        return new TranslationException(Kind.INVALID_REQUEST, field, field + ": " + message);
    }

    public static TranslationException unsupported(String field, String message) {
        return new TranslationException(Kind.UNSUPPORTED_FEATURE, field, field + ": " + message);
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return kind.status();
    }

    /** JSON path of the offending field, e.g. {@code messages[2].content[0].image_url.url}. */
    public String field() {
        return field;
    }
}

package dev.aigw.translate.canonical;

import java.util.Optional;

/**
 * An error from the provider or the gateway, before it is written in the client's shape.
 *
 * @param status  HTTP status as the provider sent it (529 stays 529 here; client codecs map it)
 * @param type    the provider's own error type or status name when it sent one
 *                ({@code rate_limit_error}, {@code RESOURCE_EXHAUSTED}); empty means derive it from status
 * @param message human-readable, safe to show the client
 * @param param   the offending request field, when known
 */
public record ChatError(int status, Optional<String> type, String message, Optional<String> param) {

    public static ChatError of(int status, String message) {
        return new ChatError(status, Optional.empty(), message, Optional.empty());
    }
}

package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a policy decided about a request (or a whole response). */
public sealed interface PolicyOutcome {
    /** Go on with {@code body} (the same object, changed in place by masking, defaults and enrichment). */
    record Continue(ObjectNode body) implements PolicyOutcome {
    }

    /**
     * Answer the client with {@code status} and {@code message} (render with {@link Rejections});
     * the upstream is not called. {@code reason} is for logs only (which guard, what matched).
     */
    record Reject(int status, String message, String reason) implements PolicyOutcome {
    }
}

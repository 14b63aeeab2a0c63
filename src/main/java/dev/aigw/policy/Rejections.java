package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.BodyFormat;
import dev.aigw.translate.Schema;

/**
 * A {@link PolicyOutcome.Reject} as the client's API writes errors ({@link BodyFormat#rejection}):
 * OpenAI's code is {@code content_policy_violation} for 4xx and {@code guardrail_unavailable} when
 * the webhook or moderation failed (5xx). Send with the reject's status and
 * {@code content-type: application/json}.
 */
public final class Rejections {
    private Rejections() {
    }

    /** {@code schema} null (a provider-native body) answers in OpenAI's shape. */
    public static ObjectNode body(Schema schema, PolicyOutcome.Reject r) {
        return BodyFormat.of(schema).rejection(r.status(), r.message());
    }
}

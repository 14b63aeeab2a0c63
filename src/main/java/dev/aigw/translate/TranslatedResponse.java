package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * @param body         client-format response body
 * @param usage        tokens the upstream reported, for metering and rate limits
 * @param model        model the upstream says answered
 * @param finishReason why generation stopped, in the client's vocabulary
 */
public record TranslatedResponse(ObjectNode body, Usage usage, Optional<String> model, Optional<String> finishReason) {
}

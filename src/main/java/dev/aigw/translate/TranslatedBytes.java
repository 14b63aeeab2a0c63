package dev.aigw.translate;

import java.util.Optional;

/**
 * A whole answer translated to the client's bytes ({@link Translator#response(byte[])}).
 *
 * @param body         client-format response body, UTF-8 JSON
 * @param usage        tokens the upstream reported, for metering and rate limits
 * @param model        model the upstream says answered
 * @param finishReason why generation stopped, in the client's vocabulary
 */
public record TranslatedBytes(byte[] body, Usage usage, Optional<String> model, Optional<String> finishReason) {
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Usage of an Anthropic stream, read by every translator that consumes one: message_start and
 * message_delta carry cumulative counts, and a field a later event omits keeps its earlier value.
 */
final class AnthropicStreamUsage {

    private long uncached;
    private long cacheRead;
    private long cacheWrite;
    private long output;

    void absorb(JsonNode u) {
        if (u.has("input_tokens")) {
            uncached = Json.longOr0(u, "input_tokens");
        }
        if (u.has("cache_read_input_tokens")) {
            cacheRead = Json.longOr0(u, "cache_read_input_tokens");
        }
        if (u.has("cache_creation_input_tokens")) {
            cacheWrite = Json.longOr0(u, "cache_creation_input_tokens");
        }
        if (u.has("output_tokens")) {
            output = Json.longOr0(u, "output_tokens");
        }
    }

    /** Anthropic's input_tokens excludes cached tokens; Usage.input counts them all. */
    Usage usage() {
        return Usage.of(uncached + cacheRead + cacheWrite, output, cacheRead, cacheWrite, 0);
    }
}

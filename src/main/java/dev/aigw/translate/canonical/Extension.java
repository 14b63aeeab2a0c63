package dev.aigw.translate.canonical;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request field only one format has (Anthropic {@code context_management}, Gemini
 * {@code safetySettings}), kept as written so an encoder that knows a counterpart can map it and
 * every other one can name it in a warning.
 *
 * @param format the schema id of the client format, e.g. {@code anthropic-messages}
 * @param field  the field's name in that format
 */
public record Extension(String format, String field, JsonNode value) {
}

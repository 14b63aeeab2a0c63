package dev.aigw.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subtree kept as written: fields this gateway accepts without binding further (settings it
 * refuses as not served, or passes along). Absent binds as {@code Optional.empty()}, unlike a
 * bare {@code JsonNode}, which binds absent as JSON null.
 */
public record RawJson(JsonNode tree) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public RawJson {
    }

    @JsonValue
    @Override
    public JsonNode tree() {
        return tree;
    }
}

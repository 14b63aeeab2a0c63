package dev.aigw.translate.canonical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The shape the answer must take. */
public sealed interface OutputFormat {

    record Text() implements OutputFormat {
    }

    /** Any single JSON object (OpenAI json_object, Gemini application/json without a schema). */
    record JsonObject() implements OutputFormat {
    }

    /**
     * JSON conforming to a schema, always in JSON Schema's own vocabulary (lower-case types):
     * Gemini's OpenAPI-style {@code responseSchema} is converted on the way in.
     */
    record JsonSchema(Optional<String> name, ObjectNode schema, boolean strict) implements OutputFormat {
    }
}

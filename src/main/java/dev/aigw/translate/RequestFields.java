package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Request fields OpenAI Chat and Anthropic Messages name and validate alike. */
final class RequestFields {

    private RequestFields() {
    }

    static JsonNode messages(ObjectNode in) throws TranslationException {
        JsonNode msgs = in.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw invalid("messages", "must be a non-empty array");
        }
        return msgs;
    }

    static String role(JsonNode message, String at) throws TranslationException {
        return Json.text(message, "role").orElseThrow(() -> invalid(at + ".role", "is required"));
    }

    /** The tools array, or null when there is none to send: absent, null and empty all mean no tools. */
    static JsonNode tools(ObjectNode in) throws TranslationException {
        JsonNode tools = in.get("tools");
        if (tools == null || tools.isNull() || (tools.isArray() && tools.isEmpty())) {
            return null;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "must be an array");
        }
        return tools;
    }
}

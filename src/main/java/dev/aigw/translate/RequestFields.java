package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.Part;
import java.util.ArrayList;
import java.util.List;

/** Request fields OpenAI Chat and Anthropic Messages name and validate alike. */
final class RequestFields {

    private RequestFields() {
    }

    static JsonNode messages(ObjectNode in) throws TranslationException {
        return nonEmptyArray(in, "messages");
    }

    /** A required non-empty array field ({@code messages}, Gemini's {@code contents}). */
    static JsonNode nonEmptyArray(ObjectNode in, String field) throws TranslationException {
        JsonNode a = in.get(field);
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw invalid(field, "must be a non-empty array");
        }
        return a;
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

    /** Reads one item of a request array, knowing its path. */
    interface Reader<T> {
        T read(JsonNode item, String at) throws TranslationException;
    }

    /** Each message of {@code messages} (required, non-empty), read with its path {@code messages[i]}. */
    static <T> List<T> eachMessage(ObjectNode in, Reader<T> reader) throws TranslationException {
        List<T> out = new ArrayList<>();
        JsonNode msgs = messages(in);
        for (int i = 0; i < msgs.size(); i++) {
            out.add(reader.read(msgs.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    /** Each tool of the request ({@link #tools}: absent, null and empty are none), read with its path {@code tools[k]}. */
    static <T> List<T> eachTool(ObjectNode in, Reader<T> reader) throws TranslationException {
        List<T> out = new ArrayList<>();
        JsonNode tools = tools(in);
        for (int k = 0; tools != null && k < tools.size(); k++) {
            out.add(reader.read(tools.get(k), "tools[" + k + "]"));
        }
        return out;
    }

    /**
     * A message content: a string is one text part, an array is read item by item ({@code null}
     * results skipped); {@code what} names the items for the error ("content parts").
     */
    static List<Part> content(JsonNode content, String at, String what, Reader<Part> reader) throws TranslationException {
        List<Part> parts = new ArrayList<>();
        if (content.isTextual()) {
            parts.add(new Part.Text(content.asText()));
            return parts;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of " + what);
        }
        for (int j = 0; j < content.size(); j++) {
            Part p = reader.read(content.get(j), at + "[" + j + "]");
            if (p != null) {
                parts.add(p);
            }
        }
        return parts;
    }
}

package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads OpenAI Chat request content the same way for every backend. */
final class OpenAiIn {

    private OpenAiIn() {
    }

    /**
     * Non-empty texts of a system, developer, tool or assistant content: a string or an array of
     * text parts, and of refusal parts where the backend can take them as text.
     */
    static List<String> texts(JsonNode content, String at, boolean refusals) throws TranslationException {
        List<String> out = new ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.add(content.asText());
            }
            return out;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content parts");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode p = content.get(j);
            String type = p.path("type").asText();
            if (!type.equals("text") && !(refusals && type.equals("refusal"))) {
                throw unsupported(at + "[" + j + "].type", "only text parts are allowed here, got '" + type + "'");
            }
            String t = p.path(type).asText();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}

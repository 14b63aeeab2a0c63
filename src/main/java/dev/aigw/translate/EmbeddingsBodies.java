package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings bodies for policies: the text is the {@code input} (a string or strings; token
 * arrays are not text); answers are vectors, with no text. Never streamed, never enriched (an
 * embedding input is not a conversation).
 */
final class EmbeddingsBodies implements UnguardedStreams {
    static final EmbeddingsBodies INSTANCE = new EmbeddingsBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        JsonNode in = body.get("input");
        if (in != null && in.isTextual()) {
            out.add(TextSlot.field("user", body, "input"));
        } else if (in instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) out.add(TextSlot.element("user", a, i));
            }
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        return List.of();
    }

    @Override
    public boolean hasToolCalls(ObjectNode response) {
        return false;
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        // nothing to add to
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return OpenAiChatBodies.INSTANCE.rejection(status, message);
    }

    @Override
    public ObjectNode responseWithText(String text) {
        return Json.obj();
    }
}

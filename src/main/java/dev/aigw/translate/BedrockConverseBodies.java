package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock Converse bodies for policies (native passthrough routes): text in {@code system[]} and
 * {@code messages[].content[]} {@code {text}} blocks, answer text in
 * {@code output.message.content[]}. Converse streams are AWS event streams, not SSE: the proxy
 * neither holds nor guards them (it refuses one on a route that guards responses), so the stream
 * methods find no text. Refusals use OpenAI's shape,
 * as for any body the gateway did not translate.
 */
final class BedrockConverseBodies implements UnguardedStreams {
    static final BedrockConverseBodies INSTANCE = new BedrockConverseBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.converse(body.path("system"), "system", out);
        for (JsonNode m : body.path("messages")) {
            TextSlot.converse(m.path("content"), m.path("role").asText("user"), out);
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.converse(body.path("output").path("message").path("content"), "assistant", out);
        return out;
    }

    @Override
    public boolean hasToolCalls(ObjectNode body) {
        return Json.any(body.path("output").path("message").path("content"), b -> b.has("toolUse"));
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        ArrayNode messages = body.get("messages") instanceof ArrayNode a ? a : body.putArray("messages");
        ArrayNode system = body.get("system") instanceof ArrayNode a ? a : body.putArray("system");
        int at = 0;
        int sysAt = 0;
        for (Turn t : prepend) {
            if (t.role().equals("system")) {
                system.insert(sysAt++, Json.obj().put("text", t.content()));
            } else {
                messages.insert(at++, turn(t));
            }
        }
        for (Turn t : append) {
            if (t.role().equals("system")) {
                system.add(Json.obj().put("text", t.content()));
            } else {
                messages.add(turn(t));
            }
        }
    }

    private static ObjectNode turn(Turn t) {
        ObjectNode m = Json.obj().put("role", t.role());
        m.putArray("content").addObject().put("text", t.content());
        return m;
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return OpenAiChatBodies.INSTANCE.rejection(status, message);
    }

    @Override
    public ObjectNode responseWithText(String text) {
        ObjectNode b = Json.obj();
        b.putObject("output").putObject("message").putArray("content").addObject().put("text", text);
        return b;
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock Converse bodies for policies (native passthrough routes): text in {@code system[]} and
 * {@code messages[].content[]} {@code {text}} blocks, answer text in
 * {@code output.message.content[]}. Converse streams are AWS event streams, which the proxy
 * reads into events named by their {@code :event-type} ({@link EventStreamParser}) and writes back
 * ({@link EventStreamWriter}): answer text in {@code contentBlockDelta}
 * {@code {contentBlockIndex, delta: {text}}}, held text released before the block's
 * {@code contentBlockStop} (or before {@code messageStop}, {@code metadata}, an exception);
 * tool input and reasoning pass unchanged; a stream held for a webhook or guardrail is judged on
 * the deltas' text ({@code HeldStream}). Refusals use OpenAI's shape, as for any body the gateway
 * did not translate.
 */
final class BedrockConverseBodies implements BodyFormat {
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

    // ---- ConverseStream events (named by :event-type; the payload has no type field)

    @Override
    public String streamText(ObjectNode event) {
        JsonNode t = event.path("delta").path("text");
        return t.isTextual() ? t.asText() : "";
    }

    @Override
    public boolean streamCallsTool(ObjectNode event) {
        return event.path("start").has("toolUse") || event.path("delta").has("toolUse");
    }

    @Override
    public boolean carriesStreamText(ObjectNode event) {
        return event.path("delta").path("text").isTextual();
    }

    @Override
    public void setStreamText(ObjectNode event, String text) {
        ((ObjectNode) event.path("delta")).put("text", text);
    }

    @Override
    public SseEvent textEvent(int index, String text, ObjectNode template) {
        ObjectNode o = Json.obj();
        o.put("contentBlockIndex", index);
        o.putObject("delta").put("text", text);
        return SseEvent.of("contentBlockDelta", Json.write(o));
    }

    @Override
    public List<SseEvent> guardStream(SseEvent e, ObjectNode data, StreamTextGuard g) {
        String type = e.event().orElse("");
        int idx = data.path("contentBlockIndex").asInt(0);
        switch (type) {
            case "contentBlockDelta" -> {
                if (data.get("delta") instanceof ObjectNode d && d.path("text").isTextual()) {
                    String text = d.get("text").asText();
                    String out = g.feed(idx, text, () -> null);
                    if (out.isEmpty() && !text.isEmpty()) return List.of(); // all held
                    d.put("text", out);
                    return List.of(new SseEvent(e.event(), Json.write(data), e.id()));
                }
                return List.of(e);
            }
            case "contentBlockStop" -> {
                String rest = g.releaseAll(idx);
                return rest.isEmpty() ? List.of(e) : List.of(textEvent(idx, rest, null), e);
            }
            case "messageStop", "metadata" -> {
                return BodyFormat.after(g.flush(), e);
            }
            default -> {
                // An exception or error ends the stream: what was held (masked) goes before it.
                return EventStreamParser.isFailure(type) ? BodyFormat.after(g.flush(), e) : List.of(e);
            }
        }
    }
}

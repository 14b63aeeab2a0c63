package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages bodies for policies: request text in the top-level {@code system} (string
 * or text blocks) and {@code messages[].content}; answer text in {@code content[]} text blocks;
 * stream text in {@code text_delta}s. System turns a policy adds join {@code system} (with a
 * blank line to a string, as a block to blocks).
 */
final class AnthropicMessagesBodies implements BodyFormat {
    static final AnthropicMessagesBodies INSTANCE = new AnthropicMessagesBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.content(body, "system", "system", out);
        TextSlot.messages(body, out);
        return out;
    }

    /** {@code tool_use} blocks' {@code input} (tool_call) and {@code tool_result} blocks' {@code content} (tool). */
    @Override
    public List<TextSlot> toolText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            for (JsonNode b : m.path("content")) {
                if (!(b instanceof ObjectNode block)) continue;
                switch (block.path("type").asText()) {
                    case "tool_use" -> TextSlot.strings(block, "input", "tool_call", out);
                    case "tool_result" -> TextSlot.content(block, "content", "tool", out);
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.content(body, "content", "assistant", out);
        return out;
    }

    @Override
    public boolean hasToolCalls(ObjectNode body) {
        return Json.any(body.path("content"), b -> "tool_use".equals(b.path("type").asText()));
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        ArrayNode messages = body.get("messages") instanceof ArrayNode a ? a : body.putArray("messages");
        int at = 0;
        for (Turn t : prepend) {
            if (t.role().equals("system")) {
                system(body, t.content(), true);
            } else {
                messages.insert(at++, Json.obj().put("role", t.role()).put("content", t.content()));
            }
        }
        for (Turn t : append) {
            if (t.role().equals("system")) {
                system(body, t.content(), false);
            } else {
                messages.add(Json.obj().put("role", t.role()).put("content", t.content()));
            }
        }
    }

    private static void system(ObjectNode body, String text, boolean before) {
        JsonNode sys = body.get("system");
        if (sys == null || sys.isNull() || sys.isTextual() && sys.asText().isEmpty()) {
            body.put("system", text);
        } else if (sys.isTextual()) {
            body.put("system", before ? text + "\n\n" + sys.asText() : sys.asText() + "\n\n" + text);
        } else if (sys instanceof ArrayNode blocks) {
            ObjectNode b = Json.obj().put("type", "text").put("text", text);
            if (before) {
                blocks.insert(0, b);
            } else {
                blocks.add(b);
            }
        }
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return ErrorBodies.anthropic(ErrorBodies.anthropicTypeForStatus(status), message);
    }

    @Override
    public ObjectNode responseWithText(String text) {
        ObjectNode b = Json.obj();
        b.putArray("content").addObject().put("type", "text").put("text", text);
        return b;
    }

    @Override
    public String streamText(ObjectNode d) {
        return "text_delta".equals(d.path("delta").path("type").asText()) ? d.path("delta").path("text").asText() : "";
    }

    @Override
    public boolean streamCallsTool(ObjectNode d) {
        return "tool_use".equals(d.path("content_block").path("type").asText());
    }

    @Override
    public boolean carriesStreamText(ObjectNode d) {
        return "text_delta".equals(d.path("delta").path("type").asText());
    }

    @Override
    public void setStreamText(ObjectNode d, String t) {
        ((ObjectNode) d.path("delta")).put("text", t);
    }

    @Override
    public SseEvent textEvent(int index, String text, ObjectNode template) {
        ObjectNode o = Json.obj();
        o.put("type", "content_block_delta");
        o.put("index", index);
        o.putObject("delta").put("type", "text_delta").put("text", text);
        return SseEvent.of("content_block_delta", o.toString());
    }

    // content_block_delta {index, delta: {type: text_delta, text}}; content_block_stop {index}
    @Override
    public List<SseEvent> guardStream(SseEvent e, ObjectNode data, StreamTextGuard g) {
        String type = data.path("type").asText(e.event().orElse(""));
        int idx = data.path("index").asInt(0);
        switch (type) {
            case "content_block_delta" -> {
                if (data.get("delta") instanceof ObjectNode d && "text_delta".equals(d.path("type").asText()) && d.path("text").isTextual()) {
                    String text = d.get("text").asText();
                    String out = g.feed(idx, text, () -> null);
                    if (out.isEmpty() && !text.isEmpty()) {
                        return List.of();
                    }
                    d.put("text", out);
                    return List.of(new SseEvent(e.event(), data.toString(), e.id()));
                }
                return List.of(e);
            }
            case "content_block_start" -> {
                if (data.get("content_block") instanceof ObjectNode b && "text".equals(b.path("type").asText())
                        && !b.path("text").asText().isEmpty()) {
                    b.put("text", g.feed(idx, b.get("text").asText(), () -> null));
                    return List.of(new SseEvent(e.event(), data.toString(), e.id()));
                }
                return List.of(e);
            }
            case "content_block_stop" -> {
                List<SseEvent> out = new ArrayList<>();
                if (g.holds(idx)) {
                    String rest = g.releaseAll(idx);
                    if (!rest.isEmpty()) {
                        out.add(textEvent(idx, rest, null));
                    }
                }
                out.add(e);
                return out;
            }
            case "message_delta", "message_stop", "error" -> {
                return BodyFormat.after(g.flush(), e);
            }
            default -> {
                return List.of(e);
            }
        }
    }
}

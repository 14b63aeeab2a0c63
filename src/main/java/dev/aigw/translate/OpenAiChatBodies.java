package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat bodies for policies: request text in {@code messages[].content} (string or text
 * parts), answer text in {@code choices[].message.content}, stream text in
 * {@code choices[].delta.content}.
 */
final class OpenAiChatBodies implements BodyFormat {
    static final OpenAiChatBodies INSTANCE = new OpenAiChatBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.messages(body, out);
        return out;
    }

    /** Tool results are {@code tool} messages, already in {@link #requestText}; the calls' arguments are a JSON string each. */
    @Override
    public List<TextSlot> toolText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            for (JsonNode call : m.path("tool_calls")) {
                if (call.get("function") instanceof ObjectNode f && f.path("arguments").isTextual()) {
                    out.add(TextSlot.field("tool_call", f, "arguments"));
                }
            }
            if (m.get("function_call") instanceof ObjectNode f && f.path("arguments").isTextual()) {
                out.add(TextSlot.field("tool_call", f, "arguments"));
            }
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode c : body.path("choices")) {
            if (c.get("message") instanceof ObjectNode msg) {
                TextSlot.content(msg, "content", "assistant", out);
            }
        }
        return out;
    }

    @Override
    public boolean hasToolCalls(ObjectNode body) {
        return Json.any(body.path("choices"), c -> c.path("message").path("tool_calls").size() > 0 || c.path("message").has("function_call"));
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        ArrayNode messages = body.get("messages") instanceof ArrayNode a ? a : body.putArray("messages");
        for (int i = prepend.size() - 1; i >= 0; i--) {
            messages.insert(0, Json.obj().put("role", prepend.get(i).role()).put("content", prepend.get(i).content()));
        }
        for (Turn t : append) {
            messages.add(Json.obj().put("role", t.role()).put("content", t.content()));
        }
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return ErrorBodies.openAi(message, status >= 500 ? "server_error" : "invalid_request_error", null,
                status >= 500 ? "guardrail_unavailable" : "content_policy_violation");
    }

    @Override
    public ObjectNode responseWithText(String text) {
        ObjectNode b = Json.obj();
        b.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", text);
        return b;
    }

    @Override
    public String streamText(ObjectNode d) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : d.path("choices")) {
            sb.append(c.path("delta").path("content").asText(""));
        }
        return sb.toString();
    }

    @Override
    public boolean streamCallsTool(ObjectNode d) {
        return Json.any(d.path("choices"), c -> c.path("delta").has("tool_calls"));
    }

    @Override
    public boolean carriesStreamText(ObjectNode d) {
        return d.path("choices").path(0).path("delta").path("content").isTextual();
    }

    @Override
    public void setStreamText(ObjectNode d, String t) {
        ((ObjectNode) d.path("choices").path(0).path("delta")).put("content", t);
    }

    @Override
    public SseEvent textEvent(int index, String text, ObjectNode template) {
        ObjectNode o = template == null ? Json.obj() : template.deepCopy();
        o.remove("usage");
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", index);
        c.putObject("delta").put("content", text);
        c.putNull("finish_reason");
        return SseEvent.data(o.toString());
    }

    // {"choices":[{"index":0,"delta":{"content":"..."},"finish_reason":null}]}
    @Override
    public List<SseEvent> guardStream(SseEvent e, ObjectNode data, StreamTextGuard g) {
        JsonNode choices = data.get("choices");
        if (!(choices instanceof ArrayNode arr) || arr.isEmpty()) {
            // A usage-only chunk comes after every choice finished: release anything left first.
            return BodyFormat.after(g.flush(), e);
        }
        boolean changed = false;
        boolean droppable = !data.hasNonNull("usage");
        for (JsonNode cn : arr) {
            if (!(cn instanceof ObjectNode c)) {
                droppable = false;
                continue;
            }
            int idx = c.path("index").asInt(0);
            boolean finishing = c.hasNonNull("finish_reason");
            JsonNode delta = c.get("delta");
            String text = delta != null && delta.path("content").isTextual() ? delta.get("content").asText() : null;
            if (text != null) {
                String out = g.feed(idx, text, () -> {
                    ObjectNode t = data.deepCopy();
                    t.remove("choices");
                    return t;
                });
                if (finishing) {
                    out += g.releaseAll(idx);
                }
                ((ObjectNode) delta).put("content", out);
                changed = true;
            } else if (finishing && g.holds(idx)) {
                ObjectNode d = delta instanceof ObjectNode o ? o : c.putObject("delta");
                d.put("content", g.releaseAll(idx));
                changed = true;
            }
            JsonNode d = c.get("delta");
            boolean emptyText = !finishing && d != null && d.size() == 1 && d.path("content").isTextual()
                    && d.get("content").asText().isEmpty() && text != null && !text.isEmpty();
            if (!emptyText) {
                droppable = false;
            }
        }
        if (droppable) {
            return List.of();
        }
        return List.of(changed ? new SseEvent(e.event(), data.toString(), e.id()) : e);
    }
}

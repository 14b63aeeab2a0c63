package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Gemini bodies for policies: request text in {@code systemInstruction.parts[].text} and
 * {@code contents[].parts[].text}; answer text in {@code candidates[].content.parts[].text}
 * (thoughts excepted). System turns a policy adds join {@code systemInstruction}; assistant turns
 * are role model.
 */
final class GeminiGenerateBodies implements BodyFormat {
    static final GeminiGenerateBodies INSTANCE = new GeminiGenerateBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        JsonNode si = body.has("systemInstruction") ? body.get("systemInstruction") : body.get("system_instruction");
        if (si != null) {
            TextSlot.parts(si, "system", out);
        }
        for (JsonNode c : body.path("contents")) {
            String role = c.path("role").asText("user");
            TextSlot.parts(c, role.equals("model") ? "assistant" : role, out);
        }
        return out;
    }

    /** {@code functionCall.args} (tool_call) and {@code functionResponse.response} (tool) of the contents' parts. */
    @Override
    public List<TextSlot> toolText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode c : body.path("contents")) {
            for (JsonNode p : c.path("parts")) {
                if (p.get("functionCall") instanceof ObjectNode call) TextSlot.strings(call, "args", "tool_call", out);
                if (p.get("functionResponse") instanceof ObjectNode r) TextSlot.strings(r, "response", "tool", out);
            }
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode c : body.path("candidates")) {
            TextSlot.parts(c.path("content"), "assistant", out);
        }
        return out;
    }

    @Override
    public boolean hasToolCalls(ObjectNode body) {
        return Json.any(body.path("candidates"), c -> Json.any(c.path("content").path("parts"), p -> p.has("functionCall")));
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        ArrayNode contents = body.get("contents") instanceof ArrayNode a ? a : body.putArray("contents");
        int at = 0;
        List<Turn> sysPre = prepend.stream().filter(t -> t.role().equals("system")).toList();
        List<Turn> sysPost = append.stream().filter(t -> t.role().equals("system")).toList();
        for (Turn t : prepend) {
            if (!t.role().equals("system")) {
                contents.insert(at++, content(t));
            }
        }
        for (Turn t : append) {
            if (!t.role().equals("system")) {
                contents.add(content(t));
            }
        }
        if (!sysPre.isEmpty() || !sysPost.isEmpty()) {
            String key = !body.has("systemInstruction") && body.has("system_instruction") ? "system_instruction" : "systemInstruction";
            ObjectNode si = body.get(key) instanceof ObjectNode o ? o : body.putObject(key);
            ArrayNode parts = si.get("parts") instanceof ArrayNode a ? a : si.putArray("parts");
            for (int i = sysPre.size() - 1; i >= 0; i--) {
                parts.insert(0, Json.obj().put("text", sysPre.get(i).content()));
            }
            for (Turn t : sysPost) {
                parts.add(Json.obj().put("text", t.content()));
            }
        }
    }

    private static ObjectNode content(Turn t) {
        ObjectNode c = Json.obj().put("role", t.role().equals("assistant") ? "model" : "user");
        c.putArray("parts").addObject().put("text", t.content());
        return c;
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return ErrorBodies.gemini(status, message, ErrorBodies.geminiStatusForCode(status));
    }

    @Override
    public ObjectNode responseWithText(String text) {
        ObjectNode b = Json.obj();
        b.putArray("candidates").addObject().putObject("content").put("role", "model").putArray("parts").addObject().put("text", text);
        return b;
    }

    @Override
    public String streamText(ObjectNode d) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : d.path("candidates")) {
            for (JsonNode p : c.path("content").path("parts")) {
                sb.append(p.path("text").asText(""));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean streamCallsTool(ObjectNode d) {
        return hasToolCalls(d); // every Gemini chunk is a response of its own
    }

    @Override
    public boolean carriesStreamText(ObjectNode d) {
        return d.path("candidates").path(0).path("content").path("parts").path(0).path("text").isTextual();
    }

    @Override
    public void setStreamText(ObjectNode d, String t) {
        ArrayNode parts = (ArrayNode) d.path("candidates").path(0).path("content").path("parts");
        for (JsonNode p : parts) {
            if (p.has("text")) {
                ((ObjectNode) p).put("text", "");
            }
        }
        ((ObjectNode) parts.get(0)).put("text", t);
    }

    // {"candidates":[{"content":{"parts":[{"text":"..."}],"role":"model"},"finishReason":"STOP","index":0}]}
    @Override
    public List<SseEvent> guardStream(SseEvent e, ObjectNode data, StreamTextGuard g) {
        JsonNode cands = data.get("candidates");
        if (!(cands instanceof ArrayNode arr) || arr.isEmpty()) {
            return BodyFormat.after(g.flush(), e);
        }
        boolean changed = false;
        boolean droppable = true;
        int position = 0;
        for (JsonNode cn : arr) {
            if (!(cn instanceof ObjectNode c)) {
                droppable = false;
                continue;
            }
            int idx = c.path("index").asInt(position++);
            boolean finishing = c.hasNonNull("finishReason");
            StringBuilder text = new StringBuilder();
            ObjectNode firstText = null;
            boolean other = false;
            if (c.path("content").path("parts") instanceof ArrayNode parts) {
                for (Iterator<JsonNode> it = parts.iterator(); it.hasNext(); ) {
                    JsonNode part = it.next();
                    if (part instanceof ObjectNode po && po.path("text").isTextual() && !po.path("thought").asBoolean(false)) {
                        text.append(po.get("text").asText());
                        if (firstText == null) {
                            firstText = po;
                        } else {
                            it.remove();
                        }
                    } else {
                        other = true;
                    }
                }
            }
            if (firstText != null) {
                String out = g.feed(idx, text.toString(), data::deepCopy);
                if (finishing) {
                    out += g.releaseAll(idx);
                }
                firstText.put("text", out);
                changed = true;
                if (!out.isEmpty() || text.isEmpty()) {
                    droppable = false;
                }
            } else if (finishing && g.holds(idx)) {
                ObjectNode content = c.get("content") instanceof ObjectNode o ? o : c.putObject("content");
                if (!content.has("role")) {
                    content.put("role", "model");
                }
                ArrayNode parts = content.get("parts") instanceof ArrayNode a ? a : content.putArray("parts");
                parts.insert(0, Json.obj().put("text", g.releaseAll(idx)));
                changed = true;
            }
            if (finishing || other || firstText == null) {
                droppable = false;
            }
        }
        if (droppable) {
            return List.of();
        }
        return List.of(changed ? new SseEvent(e.event(), data.toString(), e.id()) : e);
    }

    @Override
    public SseEvent textEvent(int index, String text, ObjectNode template) {
        ObjectNode o = Json.obj();
        ObjectNode c = o.putArray("candidates").addObject();
        ObjectNode content = c.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        c.put("index", index);
        if (template != null) {
            for (String f : List.of("modelVersion", "responseId")) {
                if (template.has(f)) {
                    o.set(f, template.get(f));
                }
            }
        }
        return SseEvent.data(o.toString());
    }
}

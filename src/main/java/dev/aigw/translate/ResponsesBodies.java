package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Responses API bodies for policies: request text in {@code instructions}, a string
 * {@code input} and the input message items' content; answer text in the output message items;
 * stream text in {@code response.output_text.delta}. Streamed output is not masked by the regex
 * guard (its text is repeated whole in the done events); a held stream judged by the response
 * webhook carries the judged text in those events too.
 */
final class ResponsesBodies implements BodyFormat {
    static final ResponsesBodies INSTANCE = new ResponsesBodies();

    @Override
    public List<TextSlot> requestText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        TextSlot.content(body, "instructions", "system", out);
        if (body.path("input").isTextual()) {
            TextSlot.content(body, "input", "user", out);
        }
        for (JsonNode item : body.path("input")) {
            if (item instanceof ObjectNode msg && msg.has("role") && "message".equals(msg.path("type").asText("message"))) {
                String role = msg.path("role").asText("user");
                TextSlot.content(msg, "content", role.equals("developer") ? "system" : role, out);
            }
        }
        return out;
    }

    /**
     * Input items: {@code function_call.arguments} and {@code custom_tool_call.input} (tool_call, one
     * string each), {@code function_call_output} / {@code custom_tool_call_output} {@code output} (tool).
     */
    @Override
    public List<TextSlot> toolText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode item : body.path("input")) {
            if (!(item instanceof ObjectNode o)) continue;
            switch (o.path("type").asText()) {
                case "function_call" -> TextSlot.strings(o, "arguments", "tool_call", out);
                case "custom_tool_call" -> TextSlot.strings(o, "input", "tool_call", out);
                case "function_call_output", "custom_tool_call_output" -> {
                    if (o.path("output").isTextual()) TextSlot.strings(o, "output", "tool", out);
                    else TextSlot.content(o, "output", "tool", out);
                }
                default -> {
                }
            }
        }
        return out;
    }

    @Override
    public List<TextSlot> responseText(ObjectNode body) {
        List<TextSlot> out = new ArrayList<>();
        for (JsonNode item : body.path("output")) {
            if (item instanceof ObjectNode msg && "message".equals(msg.path("type").asText())) {
                TextSlot.content(msg, "content", "assistant", out);
            }
        }
        return out;
    }

    private static boolean isCall(JsonNode item) {
        String t = item.path("type").asText();
        return t.equals("function_call") || t.equals("custom_tool_call");
    }

    @Override
    public boolean hasToolCalls(ObjectNode body) {
        return Json.any(body.path("output"), ResponsesBodies::isCall);
    }

    @Override
    public void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append) {
        if (body.path("input").isTextual()) {
            // A string input is one user message; the policy's turns go around it as message items.
            String text = body.get("input").asText();
            body.putArray("input").add(Json.obj().put("type", "message").put("role", "user").put("content", text));
        }
        ArrayNode input = body.get("input") instanceof ArrayNode a ? a : body.putArray("input");
        for (int i = prepend.size() - 1; i >= 0; i--) {
            input.insert(0, message(prepend.get(i)));
        }
        for (Turn t : append) {
            input.add(message(t));
        }
    }

    private static ObjectNode message(Turn t) {
        return Json.obj().put("type", "message").put("role", t.role()).put("content", t.content());
    }

    @Override
    public ObjectNode rejection(int status, String message) {
        return OpenAiChatBodies.INSTANCE.rejection(status, message);
    }

    @Override
    public ObjectNode responseWithText(String text) {
        ObjectNode b = Json.obj();
        b.putArray("output").addObject().put("type", "message").put("role", "assistant")
                .putArray("content").addObject().put("type", "output_text").put("text", text);
        return b;
    }

    @Override
    public String streamText(ObjectNode d) {
        return "response.output_text.delta".equals(d.path("type").asText()) ? d.path("delta").asText("") : "";
    }

    @Override
    public boolean streamCallsTool(ObjectNode d) {
        return "response.output_item.added".equals(d.path("type").asText()) && isCall(d.path("item"));
    }

    @Override
    public boolean carriesStreamText(ObjectNode d) {
        return "response.output_text.delta".equals(d.path("type").asText());
    }

    @Override
    public void setStreamText(ObjectNode d, String text) {
        d.put("delta", text);
    }

    @Override
    public List<SseEvent> withWholeText(List<SseEvent> events, String text) {
        List<SseEvent> out = new ArrayList<>(events.size());
        for (SseEvent e : events) {
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            String type = parsed.map(d -> d.path("type").asText()).orElse("");
            switch (type) {
                case "response.output_text.done" -> parsed.get().put("text", text);
                case "response.content_part.done" -> {
                    if (parsed.get().get("part") instanceof ObjectNode part && part.has("text")) part.put("text", text);
                }
                case "response.output_item.done" -> replaceMessageText(parsed.get().path("item"), text);
                case "response.completed", "response.incomplete" -> {
                    for (JsonNode item : parsed.get().path("response").path("output")) replaceMessageText(item, text);
                }
                default -> {
                    out.add(e);
                    continue;
                }
            }
            out.add(new SseEvent(e.event(), Json.write(parsed.get()), e.id()));
        }
        return out;
    }

    private static void replaceMessageText(JsonNode item, String text) {
        if (!"message".equals(item.path("type").asText())) return;
        boolean placed = false;
        for (JsonNode c : item.path("content")) {
            if (c instanceof ObjectNode part && part.has("text")) {
                part.put("text", placed ? "" : text);
                placed = true;
            }
        }
    }

    @Override
    public List<SseEvent> guardStream(SseEvent event, ObjectNode data, StreamTextGuard guard) {
        return List.of(event);
    }

    @Override
    public SseEvent textEvent(int index, String text, ObjectNode template) {
        ObjectNode o = Json.obj().put("type", "response.output_text.delta").put("output_index", index)
                .put("content_index", 0).put("delta", text);
        return SseEvent.of("response.output_text.delta", Json.write(o));
    }
}

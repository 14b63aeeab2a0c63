package dev.aigw.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A client-format event stream held back until the response webhook has judged its text: the
 * webhook protocol takes whole responses, so a route with a response webhook gives up streaming
 * for that guard (its events are released together at the end). Pure; one per exchange.
 */
public final class HeldStream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schema schema;
    private final List<SseEvent> events = new ArrayList<>();
    private final List<ObjectNode> parsed = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean toolCalls;
    private long bytes;

    public HeldStream(Schema schema) {
        this.schema = schema;
    }

    public void add(List<SseEvent> more) {
        for (SseEvent e : more) {
            bytes += e.data().length();
            events.add(e);
            ObjectNode d = null;
            try {
                if (!e.isDone() && JSON.readTree(e.data()) instanceof ObjectNode o) d = o;
            } catch (JsonProcessingException ex) {
                d = null;
            }
            parsed.add(d);
            if (d != null) read(d);
        }
    }

    private void read(ObjectNode d) {
        switch (schema) {
            case OPENAI_CHAT -> {
                for (JsonNode c : d.path("choices")) {
                    text.append(c.path("delta").path("content").asText(""));
                    if (c.path("delta").has("tool_calls")) toolCalls = true;
                }
            }
            case ANTHROPIC_MESSAGES -> {
                if ("text_delta".equals(d.path("delta").path("type").asText())) text.append(d.path("delta").path("text").asText());
                if ("tool_use".equals(d.path("content_block").path("type").asText())) toolCalls = true;
            }
            case GEMINI_GENERATE -> {
                for (JsonNode c : d.path("candidates")) {
                    for (JsonNode p : c.path("content").path("parts")) {
                        text.append(p.path("text").asText(""));
                        if (p.has("functionCall")) toolCalls = true;
                    }
                }
            }
            case BEDROCK_CONVERSE, OPENAI_EMBEDDINGS -> {
                // Converse streams are not SSE, embeddings never stream: the proxy never holds them.
            }
            case OPENAI_RESPONSES -> {
                String type = d.path("type").asText();
                if (type.equals("response.output_text.delta")) text.append(d.path("delta").asText(""));
                String item = d.path("item").path("type").asText();
                if (type.equals("response.output_item.added") && (item.equals("function_call") || item.equals("custom_tool_call"))) {
                    toolCalls = true;
                }
            }
        }
    }

    /** How much is held (characters of event data), so the holder can bound it. */
    public long size() {
        return bytes;
    }

    /** Tool-call responses are not guarded. */
    public boolean hasToolCalls() {
        return toolCalls;
    }

    public String text() {
        return text.toString();
    }

    /** The held text as a whole response of the schema, for the webhook. */
    public ObjectNode asBody() {
        ObjectNode b = JSON.createObjectNode();
        switch (schema) {
            case OPENAI_CHAT -> b.putArray("choices").addObject().putObject("message").put("role", "assistant")
                    .put("content", text.toString());
            case ANTHROPIC_MESSAGES -> b.putArray("content").addObject().put("type", "text").put("text", text.toString());
            case GEMINI_GENERATE -> b.putArray("candidates").addObject().putObject("content").put("role", "model")
                    .putArray("parts").addObject().put("text", text.toString());
            case BEDROCK_CONVERSE -> b.putObject("output").putObject("message").putArray("content").addObject()
                    .put("text", text.toString());
            case OPENAI_RESPONSES -> b.putArray("output").addObject().put("type", "message").put("role", "assistant")
                    .putArray("content").addObject().put("type", "output_text").put("text", text.toString());
            case OPENAI_EMBEDDINGS -> {
            }
        }
        return b;
    }

    /** The text of a whole response body of the schema (as the webhook may have masked it). */
    public String textOf(ObjectNode body) {
        StringBuilder sb = new StringBuilder();
        for (BodyText.Slot s : BodyText.response(schema, body)) sb.append(s.text());
        return sb.toString();
    }

    /** The held events unchanged. */
    public List<SseEvent> events() {
        return List.copyOf(events);
    }

    /**
     * The held events with their text replaced by {@code newText}: the first text-bearing event
     * carries it whole, later ones carry none; every other event (ids, finish, usage) is kept.
     */
    public List<SseEvent> withText(String newText) {
        List<SseEvent> out = new ArrayList<>();
        boolean placed = false;
        for (int i = 0; i < events.size(); i++) {
            ObjectNode d = parsed.get(i);
            SseEvent e = events.get(i);
            if (d == null || !carriesText(d)) {
                out.add(e);
                continue;
            }
            ObjectNode copy = d.deepCopy();
            setText(copy, placed ? "" : newText);
            placed = true;
            out.add(new SseEvent(e.event(), copy.toString(), e.id()));
        }
        return schema == Schema.OPENAI_RESPONSES ? responsesDone(out, newText) : out;
    }

    /**
     * Responses streams repeat the whole text in their done events and the final response: there
     * the judged text replaces it too, so the original never goes out.
     */
    private static List<SseEvent> responsesDone(List<SseEvent> events, String newText) {
        List<SseEvent> out = new ArrayList<>(events.size());
        for (SseEvent e : events) {
            ObjectNode d;
            try {
                d = JSON.readTree(e.data()) instanceof ObjectNode o ? o : null;
            } catch (JsonProcessingException ex) {
                d = null;
            }
            String type = d == null ? "" : d.path("type").asText();
            switch (type) {
                case "response.output_text.done" -> d.put("text", newText);
                case "response.content_part.done" -> {
                    if (d.get("part") instanceof ObjectNode part && part.has("text")) part.put("text", newText);
                }
                case "response.output_item.done" -> replaceMessageText(d.path("item"), newText);
                case "response.completed", "response.incomplete" -> {
                    for (JsonNode item : d.path("response").path("output")) replaceMessageText(item, newText);
                }
                default -> {
                    out.add(e);
                    continue;
                }
            }
            out.add(new SseEvent(e.event(), d.toString(), e.id()));
        }
        return out;
    }

    private static void replaceMessageText(JsonNode item, String newText) {
        if (!"message".equals(item.path("type").asText())) return;
        boolean placed = false;
        for (JsonNode c : item.path("content")) {
            if (c instanceof ObjectNode part && part.has("text")) {
                part.put("text", placed ? "" : newText);
                placed = true;
            }
        }
    }

    private boolean carriesText(ObjectNode d) {
        return switch (schema) {
            case OPENAI_CHAT -> d.path("choices").path(0).path("delta").path("content").isTextual();
            case ANTHROPIC_MESSAGES -> "text_delta".equals(d.path("delta").path("type").asText());
            case GEMINI_GENERATE -> d.path("candidates").path(0).path("content").path("parts").path(0).path("text").isTextual();
            case BEDROCK_CONVERSE, OPENAI_EMBEDDINGS -> false;
            case OPENAI_RESPONSES -> "response.output_text.delta".equals(d.path("type").asText());
        };
    }

    private void setText(ObjectNode d, String t) {
        switch (schema) {
            case OPENAI_CHAT -> ((ObjectNode) d.path("choices").path(0).path("delta")).put("content", t);
            case ANTHROPIC_MESSAGES -> ((ObjectNode) d.path("delta")).put("text", t);
            case GEMINI_GENERATE -> {
                ArrayNode parts = (ArrayNode) d.path("candidates").path(0).path("content").path("parts");
                for (JsonNode p : parts) if (p.has("text")) ((ObjectNode) p).put("text", "");
                ((ObjectNode) parts.get(0)).put("text", t);
            }
            case OPENAI_RESPONSES -> d.put("delta", t);
            case BEDROCK_CONVERSE, OPENAI_EMBEDDINGS -> {
            }
        }
    }
}

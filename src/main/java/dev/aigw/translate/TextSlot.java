package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One piece of prompt or answer text in a body, where its format keeps it, readable and
 * replaceable in place: what guards and webhooks work on without knowing the format.
 */
public final class TextSlot {
    private final String role;
    private final ObjectNode holder;
    private final String field;
    private final ArrayNode array;
    private final int index;

    private TextSlot(String role, ObjectNode holder, String field, ArrayNode array, int index) {
        this.role = role;
        this.holder = holder;
        this.field = field;
        this.array = array;
        this.index = index;
    }

    /** Text part types: Chat's and Anthropic's {@code text}, the Responses API's input and output text. */
    private static final java.util.Set<String> TEXT_PARTS = java.util.Set.of("text", "input_text", "output_text");

    /** A string element of an array (an embeddings input). */
    static TextSlot element(String role, ArrayNode array, int index) {
        return new TextSlot(role, null, null, array, index);
    }

    static TextSlot field(String role, ObjectNode holder, String field) {
        return new TextSlot(role, holder, field, null, -1);
    }

    /** Its role in OpenAI terms: system, user, assistant or tool; {@code tool_call} for a tool call's arguments. */
    public String role() {
        return role;
    }

    public String text() {
        return holder != null ? holder.path(field).asText() : array.get(index).asText();
    }

    public void set(String text) {
        if (holder != null) {
            holder.put(field, text);
        } else {
            array.set(index, text);
        }
    }

    /** A string field, or an array of text parts/blocks ({@code {type: text, text}}). */
    static void content(ObjectNode holder, String field, String role, List<TextSlot> out) {
        JsonNode v = holder.get(field);
        if (v == null) {
            return;
        }
        if (v.isTextual()) {
            out.add(field(role, holder, field));
        } else if (v instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode part = a.get(i);
                if (part instanceof ObjectNode p && TEXT_PARTS.contains(p.path("type").asText()) && p.path("text").isTextual()) {
                    out.add(field(role, p, "text"));
                } else if (part.isTextual()) {
                    // Rare, but some clients send bare strings in a content array.
                    out.add(new TextSlot(role, null, null, a, i));
                }
            }
        }
    }

    /** {@code messages[].content} with each message's role (OpenAI and Anthropic alike). */
    static void messages(ObjectNode body, List<TextSlot> out) {
        for (JsonNode m : body.path("messages")) {
            if (m instanceof ObjectNode msg) {
                content(msg, "content", msg.path("role").asText("user"), out);
            }
        }
    }

    /** Gemini parts ({@code {text}}), thoughts excepted. */
    static void parts(JsonNode content, String role, List<TextSlot> out) {
        for (JsonNode p : content.path("parts")) {
            if (p instanceof ObjectNode part && part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                out.add(field(role, part, "text"));
            }
        }
    }

    /** Converse content blocks: {@code {text: ...}} objects among image, toolUse, toolResult blocks. */
    static void converse(JsonNode blocks, String role, List<TextSlot> out) {
        for (JsonNode b : blocks) {
            if (b instanceof ObjectNode o && o.path("text").isTextual()) {
                out.add(field(role, o, "text"));
            }
        }
    }

    private static List<String> names(ObjectNode o) {
        List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Every string inside {@code node} (a tool call's input, a tool's result), each its own slot:
     * structured arguments keep their shape when a guard replaces a value.
     */
    static void strings(ObjectNode holder, String field, String role, List<TextSlot> out) {
        JsonNode v = holder.get(field);
        if (v == null) return;
        if (v.isTextual()) {
            out.add(field(role, holder, field));
        } else if (v instanceof ObjectNode o) {
            for (String name : names(o)) strings(o, name, role, out);
        } else if (v instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) out.add(element(role, a, i));
                else if (a.get(i) instanceof ObjectNode o) for (String name : names(o)) strings(o, name, role, out);
            }
        }
    }
}

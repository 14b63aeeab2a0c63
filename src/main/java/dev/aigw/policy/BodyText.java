package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt and answer text of a body, in each schema's own places, as {@link Slot}s that can be
 * read and replaced. Tool calls, tool arguments, images and other non-text parts are not slots.
 *
 * <ul>
 * <li>openai-chat request: {@code messages[].content} (string, or {@code text} parts);
 * response: {@code choices[].message.content}.</li>
 * <li>anthropic-messages request: top-level {@code system} (string or text blocks) and
 * {@code messages[].content} (string or text blocks); response: {@code content[]} text blocks.</li>
 * <li>gemini-generate request: {@code systemInstruction.parts[].text} and
 * {@code contents[].parts[].text}; response: {@code candidates[].content.parts[].text}.</li>
 * </ul>
 */
public final class BodyText {
    private BodyText() {
    }

    /** One piece of text: its role in OpenAI terms (system, user, assistant, tool) and where it lives. */
    public static final class Slot {
        private final String role;
        private final ObjectNode holder;
        private final String field;
        private final ArrayNode array;
        private final int index;

        private Slot(String role, ObjectNode holder, String field) {
            this.role = role;
            this.holder = holder;
            this.field = field;
            this.array = null;
            this.index = -1;
        }

        private Slot(String role, ArrayNode array, int index) {
            this.role = role;
            this.holder = null;
            this.field = null;
            this.array = array;
            this.index = index;
        }

        public String role() {
            return role;
        }

        public String text() {
            return holder != null ? holder.path(field).asText() : array.get(index).asText();
        }

        public void set(String text) {
            if (holder != null) holder.put(field, text);
            else array.set(index, text);
        }
    }

    public static List<Slot> request(Schema schema, ObjectNode body) {
        List<Slot> out = new ArrayList<>();
        switch (schema) {
            case OPENAI_CHAT -> {
                for (JsonNode m : body.path("messages")) {
                    if (m instanceof ObjectNode msg) content(msg, "content", msg.path("role").asText("user"), out);
                }
            }
            case ANTHROPIC_MESSAGES -> {
                content(body, "system", "system", out);
                for (JsonNode m : body.path("messages")) {
                    if (m instanceof ObjectNode msg) content(msg, "content", msg.path("role").asText("user"), out);
                }
            }
            case GEMINI_GENERATE -> {
                JsonNode si = body.has("systemInstruction") ? body.get("systemInstruction") : body.get("system_instruction");
                if (si != null) parts(si, "system", out);
                for (JsonNode c : body.path("contents")) {
                    String role = c.path("role").asText("user");
                    parts(c, role.equals("model") ? "assistant" : role, out);
                }
            }
            case OPENAI_RESPONSES -> {
                content(body, "instructions", "system", out);
                if (body.path("input").isTextual()) content(body, "input", "user", out);
                for (JsonNode item : body.path("input")) {
                    if (item instanceof ObjectNode msg && msg.has("role")
                            && "message".equals(msg.path("type").asText("message"))) {
                        String role = msg.path("role").asText("user");
                        content(msg, "content", role.equals("developer") ? "system" : role, out);
                    }
                }
            }
            case OPENAI_EMBEDDINGS -> {
                JsonNode in = body.get("input");
                if (in != null && in.isTextual()) out.add(new Slot("user", body, "input"));
                else if (in instanceof ArrayNode a) {
                    for (int i = 0; i < a.size(); i++) if (a.get(i).isTextual()) out.add(new Slot("user", a, i));
                }
            }
            case BEDROCK_CONVERSE -> {
                converseBlocks(body.path("system"), "system", out);
                for (JsonNode m : body.path("messages")) converseBlocks(m.path("content"), m.path("role").asText("user"), out);
            }
        }
        return out;
    }

    /** Converse content blocks: {@code {text: ...}} objects among image, toolUse, toolResult blocks. */
    private static void converseBlocks(JsonNode blocks, String role, List<Slot> out) {
        for (JsonNode b : blocks) {
            if (b instanceof ObjectNode o && o.path("text").isTextual()) out.add(new Slot(role, o, "text"));
        }
    }

    public static List<Slot> response(Schema schema, ObjectNode body) {
        List<Slot> out = new ArrayList<>();
        switch (schema) {
            case OPENAI_CHAT -> {
                for (JsonNode c : body.path("choices")) {
                    if (c.get("message") instanceof ObjectNode msg) content(msg, "content", "assistant", out);
                }
            }
            case ANTHROPIC_MESSAGES -> content(body, "content", "assistant", out);
            case GEMINI_GENERATE -> {
                for (JsonNode c : body.path("candidates")) parts(c.path("content"), "assistant", out);
            }
            case BEDROCK_CONVERSE -> converseBlocks(body.path("output").path("message").path("content"), "assistant", out);
            case OPENAI_RESPONSES -> {
                for (JsonNode item : body.path("output")) {
                    if (item instanceof ObjectNode msg && "message".equals(msg.path("type").asText())) {
                        content(msg, "content", "assistant", out);
                    }
                }
            }
            case OPENAI_EMBEDDINGS -> {
                // vectors, no text
            }
        }
        return out;
    }

    /** True when a response calls tools (such responses skip the response webhook). */
    public static boolean hasToolCalls(Schema schema, ObjectNode body) {
        return switch (schema) {
            case OPENAI_CHAT -> {
                for (JsonNode c : body.path("choices")) {
                    if (c.path("message").path("tool_calls").size() > 0 || c.path("message").has("function_call")) yield true;
                }
                yield false;
            }
            case ANTHROPIC_MESSAGES -> {
                for (JsonNode b : body.path("content")) if ("tool_use".equals(b.path("type").asText())) yield true;
                yield false;
            }
            case GEMINI_GENERATE -> {
                for (JsonNode c : body.path("candidates")) {
                    for (JsonNode p : c.path("content").path("parts")) if (p.has("functionCall")) yield true;
                }
                yield false;
            }
            case BEDROCK_CONVERSE -> {
                for (JsonNode b : body.path("output").path("message").path("content")) if (b.has("toolUse")) yield true;
                yield false;
            }
            case OPENAI_RESPONSES -> {
                for (JsonNode item : body.path("output")) {
                    String t = item.path("type").asText();
                    if (t.equals("function_call") || t.equals("custom_tool_call")) yield true;
                }
                yield false;
            }
            case OPENAI_EMBEDDINGS -> false;
        };
    }

    /** A string field, or an array of text parts/blocks ({@code {type: text, text}}). */
    private static void content(ObjectNode holder, String field, String role, List<Slot> out) {
        JsonNode v = holder.get(field);
        if (v == null) return;
        if (v.isTextual()) {
            out.add(new Slot(role, holder, field));
        } else if (v.isArray()) {
            for (JsonNode part : v) {
                if (part instanceof ObjectNode p && TEXT_PARTS.contains(p.path("type").asText()) && p.path("text").isTextual()) {
                    out.add(new Slot(role, p, "text"));
                } else if (part.isTextual()) {
                    // Rare, but some clients send bare strings in a content array.
                    out.add(new Slot(role, (ArrayNode) v, indexOf((ArrayNode) v, part)));
                }
            }
        }
    }

    /** Text part types: Chat's and Anthropic's {@code text}, the Responses API's input and output text. */
    private static final java.util.Set<String> TEXT_PARTS = java.util.Set.of("text", "input_text", "output_text");

    private static int indexOf(ArrayNode a, JsonNode n) {
        for (int i = 0; i < a.size(); i++) if (a.get(i) == n) return i;
        return -1;
    }

    private static void parts(JsonNode content, String role, List<Slot> out) {
        for (JsonNode p : content.path("parts")) {
            if (p instanceof ObjectNode part && part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                out.add(new Slot(role, part, "text"));
            }
        }
    }
}

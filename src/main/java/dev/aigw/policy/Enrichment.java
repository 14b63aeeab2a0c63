package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.Message;
import dev.aigw.translate.Schema;

import java.util.List;

/**
 * {@code promptEnrichment}: messages added before and after the client's, in the client
 * schema's own terms. The content goes in as a JSON string node, so quotes, newlines and
 * backslashes are escaped by the serializer.
 *
 * <ul>
 * <li>openai-chat: {@code messages} as {@code {role, content}}.</li>
 * <li>anthropic-messages: role system goes to the top-level {@code system} (joined to a string
 * system prompt with a blank line, or as text blocks when the client used blocks); user and
 * assistant go to {@code messages}.</li>
 * <li>gemini-generate: role system goes to {@code systemInstruction.parts}; user to
 * {@code contents} as role user, assistant as role model.</li>
 * </ul>
 */
public final class Enrichment {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Enrichment() {
    }

    public static void apply(Schema schema, ObjectNode body, List<Message> prepend, List<Message> append) {
        if (prepend.isEmpty() && append.isEmpty()) return;
        switch (schema) {
            case OPENAI_CHAT -> {
                ArrayNode messages = array(body, "messages");
                for (int i = prepend.size() - 1; i >= 0; i--) messages.insert(0, openAi(prepend.get(i)));
                for (Message m : append) messages.add(openAi(m));
            }
            case ANTHROPIC_MESSAGES -> {
                ArrayNode messages = array(body, "messages");
                int at = 0;
                for (Message m : prepend) {
                    if (m.role().equals("system")) anthropicSystem(body, m.content(), true);
                    else messages.insert(at++, F.objectNode().put("role", m.role()).put("content", m.content()));
                }
                for (Message m : append) {
                    if (m.role().equals("system")) anthropicSystem(body, m.content(), false);
                    else messages.add(F.objectNode().put("role", m.role()).put("content", m.content()));
                }
            }
            case OPENAI_RESPONSES -> {
                // A string input is one user message; prompt messages go around it as message items.
                if (body.path("input").isTextual()) {
                    String text = body.get("input").asText();
                    body.putArray("input").add(F.objectNode().put("type", "message").put("role", "user").put("content", text));
                }
                ArrayNode input = array(body, "input");
                for (int i = prepend.size() - 1; i >= 0; i--) input.insert(0, openAi(prepend.get(i)).put("type", "message"));
                for (Message m : append) input.add(openAi(m).put("type", "message"));
            }
            case OPENAI_EMBEDDINGS -> {
                // Nothing to enrich: an embedding input is not a conversation.
            }
            case BEDROCK_CONVERSE -> {
                ArrayNode messages = array(body, "messages");
                ArrayNode system = array(body, "system");
                int at = 0;
                int sysAt = 0;
                for (Message m : prepend) {
                    ObjectNode text = F.objectNode().put("text", m.content());
                    if (m.role().equals("system")) system.insert(sysAt++, text);
                    else messages.insert(at++, converse(m.role(), text));
                }
                for (Message m : append) {
                    ObjectNode text = F.objectNode().put("text", m.content());
                    if (m.role().equals("system")) system.add(text);
                    else messages.add(converse(m.role(), text));
                }
            }
            case GEMINI_GENERATE -> {
                ArrayNode contents = array(body, "contents");
                int at = 0;
                List<Message> sysPre = prepend.stream().filter(m -> m.role().equals("system")).toList();
                for (Message m : prepend) {
                    if (!m.role().equals("system")) contents.insert(at++, gemini(m));
                }
                for (Message m : append) {
                    if (!m.role().equals("system")) contents.add(gemini(m));
                }
                List<Message> sysPost = append.stream().filter(m -> m.role().equals("system")).toList();
                if (!sysPre.isEmpty() || !sysPost.isEmpty()) {
                    String key = !body.has("systemInstruction") && body.has("system_instruction")
                            ? "system_instruction" : "systemInstruction";
                    ObjectNode si = body.get(key) instanceof ObjectNode o ? o : body.putObject(key);
                    ArrayNode parts = array(si, "parts");
                    for (int i = sysPre.size() - 1; i >= 0; i--) parts.insert(0, F.objectNode().put("text", sysPre.get(i).content()));
                    for (Message m : sysPost) parts.add(F.objectNode().put("text", m.content()));
                }
            }
        }
    }

    private static ObjectNode openAi(Message m) {
        return F.objectNode().put("role", m.role()).put("content", m.content());
    }

    private static ObjectNode gemini(Message m) {
        ObjectNode c = F.objectNode().put("role", m.role().equals("assistant") ? "model" : "user");
        c.putArray("parts").addObject().put("text", m.content());
        return c;
    }

    private static void anthropicSystem(ObjectNode body, String text, boolean before) {
        JsonNode sys = body.get("system");
        if (sys == null || sys.isNull() || sys.isTextual() && sys.asText().isEmpty()) {
            body.put("system", text);
        } else if (sys.isTextual()) {
            body.put("system", before ? text + "\n\n" + sys.asText() : sys.asText() + "\n\n" + text);
        } else if (sys instanceof ArrayNode blocks) {
            ObjectNode b = F.objectNode().put("type", "text").put("text", text);
            if (before) blocks.insert(0, b);
            else blocks.add(b);
        }
    }

    private static ArrayNode array(ObjectNode holder, String field) {
        if (holder.get(field) instanceof ArrayNode a) return a;
        return holder.putArray(field);
    }

    private static ObjectNode converse(String role, ObjectNode text) {
        ObjectNode m = F.objectNode().put("role", role);
        m.putArray("content").add(text);
        return m;
    }
}

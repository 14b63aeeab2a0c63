package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.BodyFormat;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import java.util.List;

/**
 * The prompt and answer text of a body as {@link TextSlot}s that can be read and replaced; where
 * each format keeps its text is the format's business ({@link BodyFormat}). Tool calls, tool
 * arguments, images and other non-text parts are not slots.
 */
public final class BodyText {
    private BodyText() {
    }

    public static List<TextSlot> request(Schema schema, ObjectNode body) {
        return BodyFormat.of(schema).requestText(body);
    }

    /**
     * The request texts a guard reading {@code roles} sees, in body order: its prompt texts of those
     * roles, then, when the roles name {@code tool_call} or {@code tool}, the tool traffic
     * {@link BodyFormat#toolText} adds. Empty {@code roles}: every prompt text (kgateway's).
     */
    public static List<TextSlot> request(Schema schema, ObjectNode body, java.util.Set<String> roles) {
        List<TextSlot> out = new java.util.ArrayList<>();
        for (TextSlot s : request(schema, body)) {
            if (roles.isEmpty() || roles.contains(s.role())) out.add(s);
        }
        if (roles.contains("tool_call") || roles.contains("tool")) {
            for (TextSlot s : BodyFormat.of(schema).toolText(body)) {
                if (roles.contains(s.role())) out.add(s);
            }
        }
        return out;
    }

    public static List<TextSlot> response(Schema schema, ObjectNode body) {
        return BodyFormat.of(schema).responseText(body);
    }

    /** True when a response calls tools (such responses skip the response webhook). */
    public static boolean hasToolCalls(Schema schema, ObjectNode body) {
        return BodyFormat.of(schema).hasToolCalls(body);
    }
}

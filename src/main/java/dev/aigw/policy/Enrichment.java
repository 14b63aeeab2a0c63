package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.Message;
import dev.aigw.translate.BodyFormat;
import dev.aigw.translate.Schema;
import java.util.List;

/**
 * {@code promptEnrichment}: messages added before and after the client's, where the client's
 * format puts them ({@link BodyFormat#enrich}: system text into the format's system instruction).
 * The content goes in as a JSON string node, so quotes, newlines and backslashes are escaped by
 * the serializer.
 */
public final class Enrichment {
    private Enrichment() {
    }

    public static void apply(Schema schema, ObjectNode body, List<Message> prepend, List<Message> append) {
        if (prepend.isEmpty() && append.isEmpty()) {
            return;
        }
        BodyFormat.of(schema).enrich(body, turns(prepend), turns(append));
    }

    private static List<BodyFormat.Turn> turns(List<Message> messages) {
        return messages.stream().map(m -> new BodyFormat.Turn(m.role(), m.content())).toList();
    }
}

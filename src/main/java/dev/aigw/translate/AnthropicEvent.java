package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What one Anthropic Messages stream event says that {@link IdentityStream} counts: its type, the
 * model and usage of {@code message_start}, the stop reason and usage of {@code message_delta},
 * and the text of a content block or delta. Read by hand from the payload's bytes
 * ({@link JsonBytes}, no tree), with a tree's semantics (a member given twice counts as its last
 * value); what the hand reading leaves (an escape in a member name, deep nesting, a fraction
 * where a count is read) is read from the tree ({@link #of(ObjectNode)}), the same fields.
 *
 * @param type         the top-level {@code type} when it is a string, else null
 * @param messageUsage {@code message.usage}'s counts (each 0 when not a number), null when it is not an object
 * @param usage        the top-level {@code usage}'s counts likewise
 */
record AnthropicEvent(String type, String model, Map<String, Long> messageUsage, String stopReason, Map<String, Long> usage,
                      String blockText, String text, String thinking, String partialJson) {

    /** The counts {@link AnthropicStreamUsage} reads. */
    private static final String[] COUNTS = {"input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens"};
    private static final byte[][] COUNT_NAMES = {JsonBytes.ascii(COUNTS[0]), JsonBytes.ascii(COUNTS[1]),
            JsonBytes.ascii(COUNTS[2]), JsonBytes.ascii(COUNTS[3])};
    private static final byte[] TYPE = JsonBytes.ascii("type");
    /** The event types a stream repeats: read as these strings. */
    static final JsonBytes.Known TYPES = new JsonBytes.Known("content_block_delta", "message_start", "content_block_start",
            "content_block_stop", "message_delta", "message_stop", "ping");
    private static final byte[] MESSAGE = JsonBytes.ascii("message");
    private static final byte[] MODEL = JsonBytes.ascii("model");
    private static final byte[] USAGE = JsonBytes.ascii("usage");
    private static final byte[] DELTA = JsonBytes.ascii("delta");
    private static final byte[] STOP_REASON = JsonBytes.ascii("stop_reason");
    private static final byte[] CONTENT_BLOCK = JsonBytes.ascii("content_block");
    private static final byte[] TEXT = JsonBytes.ascii("text");
    private static final byte[] THINKING = JsonBytes.ascii("thinking");
    private static final byte[] PARTIAL_JSON = JsonBytes.ascii("partial_json");

    /** The tree's reading. */
    static AnthropicEvent of(ObjectNode d) {
        JsonNode msg = d.path("message");
        JsonNode delta = d.path("delta");
        return new AnthropicEvent(Json.text(d, "type").orElse(null), Json.text(msg, "model").orElse(null), Counts.of(msg.path("usage"), COUNTS),
                Json.text(delta, "stop_reason").orElse(null), Counts.of(d.path("usage"), COUNTS), Json.text(d.path("content_block"), "text").orElse(null),
                Json.text(delta, "text").orElse(null), Json.text(delta, "thinking").orElse(null), Json.text(delta, "partial_json").orElse(null));
    }

    /** The payload at {@code [off, off + len)} read by hand; null when it leaves it to the tree (also when it is not an object). */
    static AnthropicEvent read(byte[] a, int off, int len) {
        return JsonBytes.object(a, off, len, AnthropicEvent::read);
    }

    private static AnthropicEvent read(JsonBytes j) {
        String type = null;
        String model = null;
        Map<String, Long> messageUsage = null;
        String stop = null;
        Map<String, Long> usage = null;
        String block = null;
        String text = null;
        String thinking = null;
        String partial = null;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(TYPE)) {
                    type = j.knownOrString(TYPES);
                } else if (j.nameIs(MESSAGE)) {
                    model = null;
                    messageUsage = null;
                    if (j.members()) {
                        do {
                            j.name();
                            if (j.nameIs(MODEL)) model = j.stringOrNull();
                            else if (j.nameIs(USAGE)) messageUsage = j.counts(COUNTS, COUNT_NAMES);
                            else j.skip();
                        } while (j.nextMember());
                    }
                } else if (j.nameIs(DELTA)) {
                    stop = text = thinking = partial = null;
                    if (j.members()) {
                        do {
                            j.name();
                            if (j.nameIs(STOP_REASON)) stop = j.stringOrNull();
                            else if (j.nameIs(TEXT)) text = j.stringOrNull();
                            else if (j.nameIs(THINKING)) thinking = j.stringOrNull();
                            else if (j.nameIs(PARTIAL_JSON)) partial = j.stringOrNull();
                            else j.skip();
                        } while (j.nextMember());
                    }
                } else if (j.nameIs(USAGE)) {
                    usage = j.counts(COUNTS, COUNT_NAMES);
                } else if (j.nameIs(CONTENT_BLOCK)) {
                    block = j.stringMember(TEXT);
                } else {
                    j.skip();
                }
            } while (j.nextMember());
        }
        return new AnthropicEvent(type, model, messageUsage, stop, usage, block, text, thinking, partial);
    }
}

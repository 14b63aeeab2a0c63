package dev.aigw.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading an Anthropic Messages answer with Jackson's streaming parser, straight into the canonical
 * {@link ChatResponse}: the proxy's bytes and a tree ({@code tree.traverse()}) go through this one
 * reader. It reads what a tree reading would ({@code path(..).asText()} of every field it knows,
 * the last of a repeated member, other members skipped) without building the tree; a block whose
 * first member is not its {@code type}, or of a type it does not know, is read as a tree.
 */
final class AnthropicIn {
    private static final String S = Schema.ANTHROPIC_MESSAGES.id();

    private AnthropicIn() {
    }

    /** The answer, the parser on its first token; null when the text is not a JSON object. */
    static ChatResponse response(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = null;
        String model = null;
        String stopReason = null;
        String stopSequence = null;
        List<Part> content = new ArrayList<>(2);
        Usage usage = Usage.ZERO;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> id = textOrNull(p, v);
                case "model" -> model = textOrNull(p, v);
                case "stop_reason" -> stopReason = textOrNull(p, v);
                case "stop_sequence" -> stopSequence = textOrNull(p, v);
                case "content" -> {
                    content = new ArrayList<>(2);
                    if (v == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            content.add(block(p));
                        }
                    } else if (v == JsonToken.START_OBJECT) {
                        // A tree's path("content") iterates an object's values.
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            p.nextToken();
                            content.add(block(p));
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> usage = usage(p, v);
                default -> p.skipChildren();
            }
        }
        return new ChatResponse(Optional.ofNullable(id), Optional.ofNullable(model), content,
                AnthropicMessagesProvider.finish(stopReason == null ? "end_turn" : stopReason),
                Optional.ofNullable(stopSequence), usage);
    }

    /** One content block, the parser on its first token (after it: on its last). */
    private static Part block(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return treeBlock(tree(p));
        }
        JsonToken t = p.nextToken();
        if (t != JsonToken.FIELD_NAME || !p.currentName().equals("type")) {
            return treeBlock(members(Json.obj(), p, t));
        }
        if (p.nextToken() != JsonToken.VALUE_STRING || !known(p.getText())) {
            ObjectNode o = Json.obj();
            o.set("type", tree(p));
            return treeBlock(members(o, p, p.nextToken()));
        }
        String type = p.getText();
        // Every member a known type reads, whatever this block's type: a repeated type decides at the end.
        String text = null;
        String thinking = null;
        String signature = null;
        String data = null;
        String id = null;
        String name = null;
        ObjectNode input = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "type" -> {
                    if (v != JsonToken.VALUE_STRING || !known(p.getText())) {
                        // A repeated type this reader does not know: the block is opaque, as a tree of what it
                        // holds (members no known type reads, skipped so far, are not in it).
                        ObjectNode o = Json.obj();
                        o.set("type", tree(p));
                        put(o, "text", text);
                        put(o, "thinking", thinking);
                        put(o, "signature", signature);
                        put(o, "data", data);
                        put(o, "id", id);
                        put(o, "name", name);
                        if (input != null) o.set("input", input);
                        return treeBlock(members(o, p, p.nextToken()));
                    }
                    type = p.getText(); // the last one counts, as in a tree
                }
                case "text" -> text = asText(p, v);
                case "thinking" -> thinking = asText(p, v);
                case "signature" -> signature = textOrNull(p, v);
                case "data" -> data = asText(p, v);
                case "id" -> id = textOrNull(p, v);
                case "name" -> name = asText(p, v);
                case "input" -> input = v == JsonToken.START_OBJECT ? p.readValueAsTree() : skip(p, null);
                default -> p.skipChildren();
            }
        }
        return switch (type) {
            case "text" -> new Part.Text(orEmpty(text));
            case "thinking" -> new Part.Thinking(orEmpty(thinking), Optional.ofNullable(signature));
            case "redacted_thinking" -> new Part.RedactedThinking(orEmpty(data));
            default -> new Part.ToolCall(orEmpty(id), orEmpty(name), input == null ? Json.obj() : input);
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void put(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static boolean known(String type) {
        return switch (type) {
            case "text", "thinking", "redacted_thinking", "tool_use" -> true;
            default -> false;
        };
    }

    /** Reads members into {@code o}, the parser on a member's name ({@code t}) or on the object's end. */
    private static ObjectNode members(ObjectNode o, JsonParser p, JsonToken t) throws IOException {
        while (t == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            o.set(f, tree(p));
            t = p.nextToken();
        }
        return o;
    }

    /** The value the parser is on as a tree (JSON null as NullNode). */
    private static JsonNode tree(JsonParser p) throws IOException {
        JsonNode n = p.readValueAsTree();
        return n == null ? Json.F.nullNode() : n;
    }

    /** A block as the tree reading has it. */
    static Part treeBlock(JsonNode b) {
        String type = b.path("type").asText();
        return switch (type) {
            case "text" -> new Part.Text(b.path("text").asText());
            case "thinking" -> new Part.Thinking(b.path("thinking").asText(), Json.text(b, "signature"));
            case "redacted_thinking" -> new Part.RedactedThinking(b.path("data").asText());
            case "tool_use" -> new Part.ToolCall(Json.text(b, "id").orElse(""), b.path("name").asText(),
                    b.get("input") instanceof ObjectNode o ? o : Json.obj());
            default -> new Part.Opaque(S, type, b);
        };
    }

    /** usage's four counters, each a number or 0, as {@link AnthropicMessagesProvider#usage} reads them. */
    private static Usage usage(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Usage.ZERO;
        }
        long uncached = 0;
        long read = 0;
        long write = 0;
        long output = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            long n = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getNumberValue().longValue() : 0;
            p.skipChildren();
            switch (f) {
                case "input_tokens" -> uncached = n;
                case "cache_read_input_tokens" -> read = n;
                case "cache_creation_input_tokens" -> write = n;
                case "output_tokens" -> output = n;
                default -> {
                }
            }
        }
        return Usage.of(uncached + read + write, output, read, write, 0);
    }

    /**
     * One stream event's data as the decoder reads it: {@code type}, {@code index} and the
     * {@code delta} object's members read in place (a text delta builds no tree), every other
     * member kept as a tree in {@link #rest} (message, content_block, usage, error: a few events
     * per stream). As a tree reading has it: the last of a repeated member, {@code asText()} and
     * {@code asInt()} of values of another type.
     */
    static final class Event {
        String type; // null when absent or not a string
        int index;
        String deltaType = "";
        String text = "";
        String thinking = "";
        String signature = "";
        String partialJson = "";
        String stopReason; // null when absent or not a string
        String stopSequence;
        ObjectNode rest; // null when nothing else

        JsonNode rest(String field) {
            return rest == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : rest.path(field);
        }
    }

    private static final byte[] TYPE = JsonBytes.ascii("type");
    private static final byte[] INDEX = JsonBytes.ascii("index");
    private static final byte[] DELTA = JsonBytes.ascii("delta");
    private static final byte[] TEXT = JsonBytes.ascii("text");
    private static final byte[] THINKING = JsonBytes.ascii("thinking");
    private static final byte[] SIGNATURE = JsonBytes.ascii("signature");
    private static final byte[] PARTIAL_JSON = JsonBytes.ascii("partial_json");

    /**
     * A stream event's data: most of a stream's events are content_block_delta as Anthropic writes
     * them, read by hand ({@link JsonBytes}), and so are the others as Anthropic writes them
     * ({@link AnthropicPlainEvents}); anything else, or unusual, with the parser.
     */
    static Event read(String data) {
        byte[] a = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Event e = byHand(a, 0, a.length);
        return e != null ? e : event(data);
    }

    /** {@link #read(String)} of the payload at {@code [off, off + len)} (UTF-8, as the SSE parser decodes it). */
    static Event read(byte[] a, int off, int len) {
        Event e = byHand(a, off, len);
        return e != null ? e : event(new String(a, off, len, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Event byHand(byte[] a, int off, int len) {
        Event e = JsonBytes.object(a, off, len, AnthropicIn::commonDelta);
        return e != null ? e : AnthropicPlainEvents.read(a, off, len);
    }

    private static Event commonDelta(JsonBytes j) {
        if (!j.openObject()) {
            return null;
        }
        Event e = new Event();
        boolean type = false;
        boolean index = false;
        boolean delta = false;
        do {
            j.name();
            if (!type && j.nameIs(TYPE)) {
                type = true;
                if (j.peek() != '"' || !"content_block_delta".equals(e.type = j.string("content_block_delta"))) {
                    return null;
                }
            } else if (!index && j.nameIs(INDEX)) {
                index = true;
                byte c = j.peek();
                long n = c == '-' || c >= '0' && c <= '9' ? j.longOr0() : Long.MIN_VALUE;
                if (n != (int) n) {
                    return null;
                }
                e.index = (int) n;
            } else if (!delta && j.nameIs(DELTA) && j.peek() == '{') {
                delta = true;
                if (!commonDeltaObject(j, e)) {
                    return null;
                }
            } else {
                return null;
            }
        } while (j.nextMember());
        return type ? e : null;
    }

    /** The delta object: its type and one string member of the four a delta carries. */
    private static boolean commonDeltaObject(JsonBytes j, Event e) {
        if (!j.openObject()) {
            return false;
        }
        boolean type = false;
        boolean value = false;
        do {
            j.name();
            if (j.peek() != '"') {
                return false;
            }
            if (!type && j.nameIs(TYPE)) {
                type = true;
                e.deltaType = j.string("text_delta");
            } else if (!value && j.nameIs(TEXT)) {
                value = true;
                e.text = j.string(null);
            } else if (!value && j.nameIs(THINKING)) {
                value = true;
                e.thinking = j.string(null);
            } else if (!value && j.nameIs(PARTIAL_JSON)) {
                value = true;
                e.partialJson = j.string(null);
            } else if (!value && j.nameIs(SIGNATURE)) {
                value = true;
                e.signature = j.string(null);
            } else {
                return false;
            }
        } while (j.nextMember());
        return true;
    }

    /** A stream event's data, with the parser; null when it is not a JSON object. */
    static Event event(String data) {
        try (JsonParser p = Json.MAPPER.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Event e = new Event();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "type" -> e.type = textOrNull(p, v);
                    case "index" -> e.index = v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue() : tree(p).asInt();
                    case "delta" -> delta(p, v, e);
                    default -> {
                        if (e.rest == null) {
                            e.rest = Json.obj();
                        }
                        e.rest.set(f, tree(p));
                    }
                }
            }
            return e;
        } catch (IOException x) {
            return null; // not JSON: as a tree reading, nothing
        }
    }

    private static void delta(JsonParser p, JsonToken v, Event e) throws IOException {
        e.deltaType = e.text = e.thinking = e.signature = e.partialJson = "";
        e.stopReason = e.stopSequence = null;
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "type" -> e.deltaType = asText(p, t);
                case "text" -> e.text = asText(p, t);
                case "thinking" -> e.thinking = asText(p, t);
                case "signature" -> e.signature = asText(p, t);
                case "partial_json" -> e.partialJson = t == JsonToken.VALUE_NULL ? "" : asText(p, t); // asText("")
                case "stop_reason" -> e.stopReason = textOrNull(p, t);
                case "stop_sequence" -> e.stopSequence = textOrNull(p, t);
                default -> p.skipChildren();
            }
        }
    }

    /** {@code Json.text}: a string's value, else null (the value skipped). */
    private static String textOrNull(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** {@code asText()} of the value: a scalar's text, "" for an array or object. */
    private static String asText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return tree(p).asText();
    }

    private static <T> T skip(JsonParser p, T keep) throws IOException {
        p.skipChildren();
        return keep;
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Set;

/**
 * The parts of a response body that accounting reads (usage, model, finish reasons), pulled out
 * by a streaming parse that skips everything else. A relayed response is sent as its own bytes,
 * so building its whole tree (content, tool calls) only to read a few numbers was wasted work.
 * The result has the response's shape, so {@link Identity#response} reads it as it would the body.
 */
public final class UsageSkeleton {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory NODES =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    /** Top-level fields kept whole: small, and all that accounting needs. */
    private static final Set<String> KEEP = Set.of("usage", "usageMetadata", "model", "modelVersion", "stop_reason",
            "stopReason", "status");
    /** Top-level arrays whose items keep only their finish reason. */
    private static final Set<String> ITEMS = Set.of("choices", "candidates");
    private static final Set<String> ITEM_KEEP = Set.of("finish_reason", "finishReason", "index");

    private UsageSkeleton() {
    }

    /** The skeleton of a JSON object body; null when the bytes are not a JSON object. */
    public static ObjectNode read(byte[] body) {
        return read(body, 0, body.length);
    }

    /** {@link #read(byte[])} of the body at {@code [off, off + len)} (a buffer's own array: no copy). */
    public static ObjectNode read(byte[] a, int off, int len) {
        // By hand first (no parser, no token per value); Jackson reads what that finds unusual.
        ObjectNode fast = JsonBytes.object(a, off, len, UsageSkeleton::read);
        return fast != null ? fast : parse(a, off, len);
    }

    /** {@link #read} by {@link JsonBytes}; null when it finds the body unusual (or not an object). */
    static ObjectNode byHand(byte[] body) {
        return JsonBytes.object(body, 0, body.length, UsageSkeleton::read);
    }

    private static final byte[][] KEEP_ASCII = ascii(KEEP);
    private static final byte[][] ITEMS_ASCII = ascii(ITEMS);
    private static final byte[][] ITEM_KEEP_ASCII = ascii(ITEM_KEEP);

    private static byte[][] ascii(Set<String> names) {
        return names.stream().map(JsonBytes::ascii).toArray(byte[][]::new);
    }

    /** The skeleton read with {@link JsonBytes}, the cursor at the body's '{': the same nodes {@link #parse} builds. */
    private static ObjectNode read(JsonBytes j) {
        ObjectNode out = NODES.objectNode();
        if (!j.openObject()) return out;
        do {
            j.name();
            if (named(j, KEEP_ASCII)) {
                out.set(nameOf(j), value(j, 0));
            } else if (named(j, ITEMS_ASCII) && j.peek() == '[') {
                ArrayNode items = out.putArray(nameOf(j));
                if (j.openArray()) {
                    do {
                        if (j.peek() != '{') {
                            j.skip();
                            continue;
                        }
                        ObjectNode item = items.addObject();
                        if (!j.openObject()) continue;
                        do {
                            j.name();
                            if (named(j, ITEM_KEEP_ASCII)) item.set(nameOf(j), value(j, 0));
                            else j.skip();
                        } while (j.nextMember());
                    } while (j.nextElement());
                }
            } else {
                j.skip();
            }
        } while (j.nextMember());
        return out;
    }

    private static boolean named(JsonBytes j, byte[][] names) {
        for (byte[] n : names) if (j.nameIs(n)) return true;
        return false;
    }

    /** Member names a skeleton usually holds: taken as these strings rather than decoded each time. */
    private static final String[] KNOWN = java.util.stream.Stream.of(KEEP, ITEMS, ITEM_KEEP, Set.of("prompt_tokens",
            "completion_tokens", "total_tokens", "prompt_tokens_details", "completion_tokens_details", "cached_tokens",
            "audio_tokens", "reasoning_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens", "input_tokens",
            "output_tokens", "input_tokens_details", "output_tokens_details", "cache_creation_input_tokens",
            "cache_read_input_tokens", "promptTokenCount", "candidatesTokenCount", "totalTokenCount",
            "cachedContentTokenCount", "thoughtsTokenCount", "toolUsePromptTokenCount", "inputTokens", "outputTokens",
            "totalTokens")).flatMap(Set::stream).distinct().toArray(String[]::new);
    private static final byte[][] KNOWN_ASCII = java.util.Arrays.stream(KNOWN).map(JsonBytes::ascii).toArray(byte[][]::new);

    private static String nameOf(JsonBytes j) {
        for (int i = 0; i < KNOWN_ASCII.length; i++) {
            if (j.nameIs(KNOWN_ASCII[i])) return KNOWN[i];
        }
        return new String(j.a, j.nameFrom, j.nameTo - j.nameFrom, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * An integer as readTree types it (int when it fits, else long), read in place; a fraction, an
     * exponent, more than 18 digits or anything that is not JSON's number grammar is unusual.
     */
    private static JsonNode integer(JsonBytes j) {
        byte[] a = j.a;
        int p = j.p;
        boolean negative = p < j.end && a[p] == '-';
        if (negative) p++;
        int from = p;
        long v = 0;
        while (p < j.end && a[p] >= '0' && a[p] <= '9') v = v * 10 + (a[p++] - '0');
        int digits = p - from;
        if (digits == 0 || digits > 18 || digits > 1 && a[from] == '0') throw JsonBytes.UNUSUAL;
        if (p < j.end && (a[p] == '.' || a[p] == 'e' || a[p] == 'E')) throw JsonBytes.UNUSUAL;
        j.p = p;
        if (negative) v = -v;
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    /** The value at the cursor as readTree builds it; fractions, long numbers and deep nesting are unusual (Jackson's). */
    private static JsonNode value(JsonBytes j, int depth) {
        if (depth > 32) throw JsonBytes.UNUSUAL;
        return switch (j.peek()) {
            case '{' -> {
                ObjectNode o = NODES.objectNode();
                if (j.openObject()) {
                    do {
                        j.name();
                        String f = nameOf(j);
                        o.set(f, value(j, depth + 1));
                    } while (j.nextMember());
                }
                yield o;
            }
            case '[' -> {
                ArrayNode a = NODES.arrayNode();
                if (j.openArray()) {
                    do {
                        a.add(value(j, depth + 1));
                    } while (j.nextElement());
                }
                yield a;
            }
            case '"' -> NODES.textNode(j.string(null));
            case 't' -> {
                j.skip();
                yield NODES.booleanNode(true);
            }
            case 'f' -> {
                j.skip();
                yield NODES.booleanNode(false);
            }
            case 'n' -> {
                j.skip();
                yield NODES.nullNode();
            }
            default -> integer(j);
        };
    }

    /** {@link #read} with Jackson's streaming parser. */
    static ObjectNode parse(byte[] body) {
        return parse(body, 0, body.length);
    }

    private static ObjectNode parse(byte[] body, int off, int len) {
        try (JsonParser p = FACTORY.createParser(body, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            ObjectNode out = JSON.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (KEEP.contains(name)) {
                    out.set(name, value(p, 0));
                } else if (ITEMS.contains(name) && t == JsonToken.START_ARRAY) {
                    ArrayNode items = out.putArray(name);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        ObjectNode item = items.addObject();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            if (ITEM_KEEP.contains(f)) {
                                item.set(f, value(p, 0));
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The value at the parser's current token, as {@code readTree} would build it, without the
     * deserialization context {@code ObjectMapper.readTree(JsonParser)} sets up per call (four
     * calls a response, the larger part of this class's cost). Deep nesting falls back to it.
     */
    private static JsonNode value(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) return NODES.missingNode();
        return switch (t) {
            case START_OBJECT -> {
                if (depth > 32) yield JSON.readTree(p);
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    o.set(f, value(p, depth + 1));
                }
                yield o;
            }
            case START_ARRAY -> {
                if (depth > 32) yield JSON.readTree(p);
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(value(p, depth + 1));
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> JSON.readTree(p);
        };
    }
}

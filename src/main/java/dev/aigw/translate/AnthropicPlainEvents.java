package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The stream events other than a text delta as Anthropic writes them (message_start,
 * content_block_start, content_block_stop, message_delta, message_stop, ping), read by hand
 * ({@link JsonBytes}) into the {@link AnthropicIn.Event} the parser would give: the few members
 * the decoder reads of {@code message}, {@code content_block} and {@code usage} go into small
 * trees built here, the rest is skipped. Six of a 26-event stream's events are of these kinds,
 * and a parser per event cost more than the 20 text deltas read by hand. Anything the parser
 * would read differently (a member given twice, a value of another type where a string or a
 * count is read, an error event, another type) is left to it: null.
 */
final class AnthropicPlainEvents {
    private static final byte[] TYPE = JsonBytes.ascii("type");
    private static final byte[] INDEX = JsonBytes.ascii("index");
    private static final byte[] DELTA = JsonBytes.ascii("delta");
    private static final byte[] MESSAGE = JsonBytes.ascii("message");
    private static final byte[] CONTENT_BLOCK = JsonBytes.ascii("content_block");
    private static final byte[] USAGE = JsonBytes.ascii("usage");
    private static final byte[] STOP_REASON = JsonBytes.ascii("stop_reason");
    private static final byte[] STOP_SEQUENCE = JsonBytes.ascii("stop_sequence");
    private static final byte[] ID = JsonBytes.ascii("id");
    private static final byte[] MODEL = JsonBytes.ascii("model");
    /** What the decoder reads of a content block: all strings. */
    private static final String[] BLOCK = {"type", "text", "id", "name", "data"};
    private static final byte[][] BLOCK_NAMES = names(BLOCK);
    /** The delta members the parser reads with {@code asText()}: strings here. */
    private static final String[] DELTA_TEXT = {"type", "text", "thinking", "signature", "partial_json"};
    private static final byte[][] DELTA_TEXT_NAMES = names(DELTA_TEXT);
    private static final String[] COUNTS = {"input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens"};
    private static final byte[][] COUNT_NAMES = names(COUNTS);

    private AnthropicPlainEvents() {
    }

    private static byte[][] names(String[] s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) b[i] = JsonBytes.ascii(s[i]);
        return b;
    }

    /** The event at {@code [off, off + len)}, or null: left to the parser. */
    static AnthropicIn.Event read(byte[] a, int off, int len) {
        return JsonBytes.object(a, off, len, AnthropicPlainEvents::read);
    }

    private static AnthropicIn.Event read(JsonBytes j) {
        if (!j.openObject()) return null;
        AnthropicIn.Event e = new AnthropicIn.Event();
        int seen = 0;
        do {
            j.name();
            int bit = j.nameIs(TYPE) ? 1 : j.nameIs(INDEX) ? 2 : j.nameIs(DELTA) ? 4 : j.nameIs(MESSAGE) ? 8
                    : j.nameIs(CONTENT_BLOCK) ? 16 : j.nameIs(USAGE) ? 32 : 0;
            if ((seen & bit) != 0) throw JsonBytes.UNUSUAL; // given twice: the parser keeps the last
            seen |= bit;
            switch (bit) {
                case 1 -> {
                    if (j.peek() != '"') throw JsonBytes.UNUSUAL;
                    e.type = j.knownOrString(AnthropicEvent.TYPES);
                }
                case 2 -> e.index = index(j);
                case 4 -> delta(j, e);
                case 8 -> rest(e).set("message", message(j));
                case 16 -> rest(e).set("content_block", strings(j, BLOCK, BLOCK_NAMES, Json.obj()));
                case 32 -> rest(e).set("usage", counts(j));
                default -> j.skip(); // the decoder reads no other member of these events
            }
        } while (j.nextMember());
        return switch (e.type == null ? "" : e.type) {
            case "message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop", "ping" -> e;
            default -> null; // error events keep their other members for the message: the parser's
        };
    }

    private static ObjectNode rest(AnthropicIn.Event e) {
        if (e.rest == null) e.rest = Json.obj();
        return e.rest;
    }

    private static String string(JsonBytes j) {
        if (j.peek() != '"') throw JsonBytes.UNUSUAL;
        return j.string(null);
    }

    private static int index(JsonBytes j) {
        byte c = j.peek();
        if (c != '-' && (c < '0' || c > '9')) throw JsonBytes.UNUSUAL; // asInt() of another value
        long n = j.longOr0();
        if (n != (int) n) throw JsonBytes.UNUSUAL;
        return (int) n;
    }

    /** The members of these names, strings, into {@code into}; others skipped. */
    private static ObjectNode strings(JsonBytes j, String[] names, byte[][] ascii, ObjectNode into) {
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        if (j.openObject()) {
            do {
                j.name();
                int i = find(j, ascii);
                if (i < 0) {
                    j.skip();
                } else {
                    if (into.has(names[i])) throw JsonBytes.UNUSUAL;
                    into.put(names[i], string(j));
                }
            } while (j.nextMember());
        }
        return into;
    }

    private static int find(JsonBytes j, byte[][] ascii) {
        for (int i = 0; i < ascii.length; i++) {
            if (j.nameIs(ascii[i])) return i;
        }
        return -1;
    }

    /** message_start's message: its id, model and usage. */
    private static ObjectNode message(JsonBytes j) {
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        ObjectNode m = Json.obj();
        if (j.openObject()) {
            do {
                j.name();
                String field = j.nameIs(ID) ? "id" : j.nameIs(MODEL) ? "model" : j.nameIs(USAGE) ? "usage" : null;
                if (field == null) {
                    j.skip();
                    continue;
                }
                if (m.has(field)) throw JsonBytes.UNUSUAL;
                if (field.equals("usage")) m.set(field, counts(j));
                else m.put(field, string(j));
            } while (j.nextMember());
        }
        return m;
    }

    /** A usage object's counts, integers (a count given twice, or of another type, is the parser's). */
    private static ObjectNode counts(JsonBytes j) {
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        ObjectNode u = Json.obj();
        if (j.openObject()) {
            do {
                j.name();
                int i = find(j, COUNT_NAMES);
                if (i < 0) {
                    j.skip();
                    continue;
                }
                byte c = j.peek();
                if (u.has(COUNTS[i]) || c != '-' && (c < '0' || c > '9')) throw JsonBytes.UNUSUAL;
                u.put(COUNTS[i], j.longOr0());
            } while (j.nextMember());
        }
        return u;
    }

    /** message_delta's delta: its stop reason and sequence (strings or null), and the members the parser reads as text. */
    private static void delta(JsonBytes j, AnthropicIn.Event e) {
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        int seen = 0;
        if (j.openObject()) {
            do {
                j.name();
                int i = find(j, DELTA_TEXT_NAMES);
                int bit = i >= 0 ? 1 << i : j.nameIs(STOP_REASON) ? 1 << 5 : j.nameIs(STOP_SEQUENCE) ? 1 << 6 : 0;
                if ((seen & bit) != 0) throw JsonBytes.UNUSUAL;
                seen |= bit;
                if (i >= 0) {
                    String s = string(j);
                    switch (i) {
                        case 0 -> e.deltaType = s;
                        case 1 -> e.text = s;
                        case 2 -> e.thinking = s;
                        case 3 -> e.signature = s;
                        default -> e.partialJson = s;
                    }
                } else if (bit == 1 << 5) {
                    e.stopReason = nullableString(j);
                } else if (bit == 1 << 6) {
                    e.stopSequence = nullableString(j);
                } else {
                    j.skip();
                }
            } while (j.nextMember());
        }
    }

    /** A string, or null for {@code null} (the parser's textOrNull; another type is left to it). */
    private static String nullableString(JsonBytes j) {
        if (j.isNull()) {
            j.skip();
            return null;
        }
        return string(j);
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link IdentityStream} reads of an OpenAI Responses stream event: its {@code type} and
 * {@code delta}, and of its {@code response} (which response.created, .completed, .incomplete and
 * .failed carry) the model, status and usage. Read by hand from the payload's bytes
 * ({@link JsonBytes}, no tree), as the tree reading ({@link #of}) reads them: a string member
 * that is not a string is null, a usage that is not an object is none. A member given twice, or
 * a count that is not an integer, is left to the tree.
 *
 * @param usage the response's usage, null when it has no usage object
 */
record ResponsesDelta(String type, String delta, String model, String status, Usage usage) {
    private static final byte[] TYPE = JsonBytes.ascii("type");
    /** The event types a stream repeats: read as these strings. */
    static final JsonBytes.Known TYPES = new JsonBytes.Known("response.output_text.delta",
            "response.function_call_arguments.delta", "response.reasoning_summary_text.delta", "response.created",
            "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.done",
            "response.content_part.done", "response.output_item.done", "response.completed");
    private static final byte[] DELTA = JsonBytes.ascii("delta");
    private static final byte[] RESPONSE = JsonBytes.ascii("response");
    private static final byte[] MODEL = JsonBytes.ascii("model");
    private static final byte[] STATUS = JsonBytes.ascii("status");
    private static final byte[] USAGE = JsonBytes.ascii("usage");
    private static final byte[] INPUT = JsonBytes.ascii("input_tokens");
    private static final byte[] OUTPUT = JsonBytes.ascii("output_tokens");
    private static final byte[] TOTAL = JsonBytes.ascii("total_tokens");
    private static final byte[] INPUT_DETAILS = JsonBytes.ascii("input_tokens_details");
    private static final byte[] OUTPUT_DETAILS = JsonBytes.ascii("output_tokens_details");
    private static final byte[] CACHED = JsonBytes.ascii("cached_tokens");
    private static final byte[] REASONING = JsonBytes.ascii("reasoning_tokens");

    ResponsesDelta(String type, String delta) {
        this(type, delta, null, null, null);
    }

    /** The tree's reading. */
    static ResponsesDelta of(ObjectNode d) {
        JsonNode r = d.path("response");
        return new ResponsesDelta(Json.text(d, "type").orElse(null), Json.text(d, "delta").orElse(null),
                Json.text(r, "model").orElse(null), Json.text(r, "status").orElse(null),
                r.get("usage") instanceof ObjectNode u ? ResponsesUsage.responses(u) : null);
    }

    /** The payload at {@code [off, off + len)}; null when it leaves it to the tree (also when it is not an object). */
    static ResponsesDelta read(byte[] a, int off, int len) {
        return JsonBytes.object(a, off, len, ResponsesDelta::read);
    }

    private static ResponsesDelta read(JsonBytes j) {
        String type = null;
        String delta = null;
        ResponsesDelta response = null;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(TYPE)) type = j.knownOrString(TYPES);
                else if (j.nameIs(DELTA)) delta = j.stringOrNull();
                else if (j.nameIs(RESPONSE)) response = once(response, response(j));
                else j.skip();
            } while (j.nextMember());
        }
        return response == null ? new ResponsesDelta(type, delta)
                : new ResponsesDelta(type, delta, response.model, response.status, response.usage);
    }

    private static <T> T once(T before, T now) {
        if (before != null) throw JsonBytes.UNUSUAL; // the tree keeps the last; rare enough to leave to it
        return now;
    }

    /** The response object's model, status and usage (in a delta's shape); an empty reading when it is not an object. */
    private static ResponsesDelta response(JsonBytes j) {
        String model = null;
        String status = null;
        Usage usage = null;
        int seen = 0;
        if (j.members()) {
            do {
                j.name();
                int bit = j.nameIs(MODEL) ? 1 : j.nameIs(STATUS) ? 2 : j.nameIs(USAGE) ? 4 : 0;
                if ((seen & bit) != 0) throw JsonBytes.UNUSUAL;
                seen |= bit;
                switch (bit) {
                    case 1 -> model = j.stringOrNull();
                    case 2 -> status = j.stringOrNull();
                    case 4 -> usage = usage(j);
                    default -> j.skip();
                }
            } while (j.nextMember());
        }
        return new ResponsesDelta(null, null, model, status, usage);
    }

    /** A usage object's counts ({@link ResponsesUsage#responses}); null when it is not an object. */
    private static Usage usage(JsonBytes j) {
        if (j.peek() != '{') {
            j.skip();
            return null;
        }
        long[] c = new long[5]; // input, output, total, cached, reasoning
        int seen = 0;
        if (j.openObject()) {
            do {
                j.name();
                int i = j.nameIs(INPUT) ? 0 : j.nameIs(OUTPUT) ? 1 : j.nameIs(TOTAL) ? 2 : j.nameIs(INPUT_DETAILS) ? 3
                        : j.nameIs(OUTPUT_DETAILS) ? 4 : -1;
                if (i < 0) {
                    j.skip();
                    continue;
                }
                if ((seen & 1 << i) != 0) throw JsonBytes.UNUSUAL;
                seen |= 1 << i;
                c[i] = i < 3 ? j.longOr0() : detail(j, i == 3 ? CACHED : REASONING);
            } while (j.nextMember());
        }
        return ResponsesUsage.of(c[0], c[1], c[2], c[3], c[4]);
    }

    /** The count {@code name} of a details object; 0 when it is not an object or has none. */
    private static long detail(JsonBytes j, byte[] name) {
        long v = 0;
        boolean seen = false;
        if (j.members()) {
            do {
                j.name();
                if (j.nameIs(name)) {
                    if (seen) throw JsonBytes.UNUSUAL;
                    seen = true;
                    v = j.longOr0();
                } else {
                    j.skip();
                }
            } while (j.nextMember());
        }
        return v;
    }
}

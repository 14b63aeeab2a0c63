package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one OpenAI {@code chat.completion.chunk} says, read by hand ({@link JsonBytes}) straight
 * from the payload's bytes: no tree, and the position of its {@code usage} member so that a relay
 * can cut it out of the bytes. Reads what {@link IdentityStream} needs, with a tree's semantics (a
 * member given twice counts as its last value). What the hand reading leaves (an escape in a
 * member name, deep nesting, a fraction where a count is read, ...) is read from the tree, which
 * then also makes the edit ({@link #tree}).
 */
final class OpenAiChunkScan {
    String model;
    /** The last choice's textual finish reason, null if none has one. */
    String finish;
    boolean error;
    /** {@code choices} is an array with no element (OpenAI's usage chunk). */
    boolean choicesEmpty;
    /** The last {@code usage} member's value when it is an object. */
    Usage usage;
    /** How many {@code usage} members there are, and whether each was null or an object. */
    int usageMembers;
    boolean usageSimple = true;
    /** The member to cut, absolute in the array: with the comma that separates it from a neighbour. */
    int cutFrom;
    int cutTo;
    /** Text in {@link IdentityStream}'s order: per choice content, reasoning, refusal, tool arguments. */
    final List<String> texts = new ArrayList<>(2);
    /** The chunk's tree when the hand reading left it (then no cut: the edit is the tree's); else null. */
    ObjectNode tree;

    private OpenAiChunkScan() {
    }

    /** The chunk at {@code [off, off + len)}, or null when it is not a JSON object. */
    static OpenAiChunkScan read(byte[] a, int off, int len) {
        return read(a, off, len, null);
    }

    /** {@link #read(byte[], int, int)}, {@code model} being the stream's model so far (reused, not copied, when the chunk repeats it). */
    static OpenAiChunkScan read(byte[] a, int off, int len, String model) {
        return read(a, off, len, model, null);
    }

    /** {@link #read(byte[], int, int, String)} with the stream's {@link Prefix} (null: none). */
    static OpenAiChunkScan read(byte[] a, int off, int len, String model, Prefix prefix) {
        return read(a, off, len, model, prefix, null);
    }

    /**
     * As {@link #read(byte[], int, int, String, Prefix)}, the hand reading into {@code reuse} when
     * not null (one scan per stream, not one per chunk: what it returns is valid until the next
     * read into it).
     */
    static OpenAiChunkScan read(byte[] a, int off, int len, String model, Prefix prefix, OpenAiChunkScan reuse) {
        OpenAiChunkScan s = reuse == null ? new OpenAiChunkScan() : reuse.reset();
        return s.readByHand(a, off, len, model, prefix) ? s : fromTree(a, off, len);
    }

    /** A scan to read a stream's chunks into, one after the other ({@link #read(byte[], int, int, String, Prefix, OpenAiChunkScan)}). */
    static OpenAiChunkScan reusable() {
        return new OpenAiChunkScan();
    }

    private OpenAiChunkScan reset() {
        model = null;
        finish = null;
        error = false;
        choicesEmpty = false;
        usage = null;
        usageMembers = 0;
        usageSimple = true;
        cutFrom = 0;
        cutTo = 0;
        texts.clear();
        tree = null;
        return this;
    }

    /** The hand reading; null when it leaves the chunk to Jackson. */
    static OpenAiChunkScan byHand(byte[] a, int off, int len, String model) {
        OpenAiChunkScan s = new OpenAiChunkScan();
        return s.readByHand(a, off, len, model, null) ? s : null;
    }

    /** Reads the chunk into this scan; false when the hand reading leaves it to Jackson. */
    private boolean readByHand(byte[] a, int off, int len, String model, Prefix prefix) {
        try {
            fast(new JsonBytes(a, off, len), model, prefix);
            return true;
        } catch (RuntimeException unusual) {
            return false; // JsonBytes.UNUSUAL, or anything else the hand reading did not foresee
        }
    }

    /**
     * One stream's chunks begin alike: {@code {"id":...,"object":...,"created":...,"model":...,}}
     * (and OpenAI's {@code system_fingerprint}, {@code service_tier}), half of each chunk's bytes.
     * This keeps the leading members of the last chunk read whose members were none of those
     * read for more than the model ({@code choices}, {@code usage}, {@code error}), with the
     * model they gave: a chunk whose bytes begin with the same bytes (one vectorised compare) is
     * read from its first other member on. Equal bytes parse alike, so the reading is the
     * same. Not thread-safe: one per stream.
     */
    static final class Prefix {
        private byte[] bytes = new byte[0];
        private int len;
        private String model;
        /** Chunks read from after the prefix (for tests). */
        int hits;

        private boolean startsAt(byte[] a, int from, int end) {
            if (len == 0 || end - from <= len || !java.util.Arrays.equals(a, from, from + len, bytes, 0, len)) return false;
            hits++;
            return true;
        }

        private void keep(byte[] a, int from, int to, String m) {
            int n = to - from;
            if (n > 1024) return; // not a prefix worth keeping
            if (bytes.length < n) bytes = new byte[Math.max(n, 128)];
            System.arraycopy(a, from, bytes, 0, n);
            len = n;
            model = m;
        }
    }

    private static final byte[] ERROR = JsonBytes.ascii("error");
    private static final byte[] MODEL = JsonBytes.ascii("model");
    private static final byte[] CHOICES = JsonBytes.ascii("choices");
    private static final byte[] USAGE = JsonBytes.ascii("usage");
    private static final byte[] FINISH_REASON = JsonBytes.ascii("finish_reason");
    private static final byte[] DELTA = JsonBytes.ascii("delta");
    private static final byte[] CONTENT = JsonBytes.ascii("content");
    private static final byte[] REASONING = JsonBytes.ascii("reasoning_content");
    private static final byte[] REFUSAL = JsonBytes.ascii("refusal");
    private static final byte[] TOOL_CALLS = JsonBytes.ascii("tool_calls");
    private static final byte[] FUNCTION = JsonBytes.ascii("function");
    private static final byte[] ARGUMENTS = JsonBytes.ascii("arguments");
    private static final byte[] PROMPT_TOKENS = JsonBytes.ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = JsonBytes.ascii("completion_tokens");
    private static final byte[] PROMPT_DETAILS = JsonBytes.ascii("prompt_tokens_details");
    private static final byte[] COMPLETION_DETAILS = JsonBytes.ascii("completion_tokens_details");
    private static final byte[] CACHED_TOKENS = JsonBytes.ascii("cached_tokens");
    private static final byte[] REASONING_TOKENS = JsonBytes.ascii("reasoning_tokens");

    /**
     * The reading by hand ({@link JsonBytes}): a third of the cost of Jackson's parser on OpenAI's
     * ~200-byte chunks, where creating the parser alone showed. Throws {@link JsonBytes#UNUSUAL} to
     * leave the chunk to the tree (also when it is not an object).
     */
    private void fast(JsonBytes j, String sameModel, Prefix prefix) {
        int from = j.p;
        j.ws();
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        int nameAt = 0;
        int valueEnd = 0;
        boolean members;
        // Leading members that only name the model, up to keepTo (the next member's name): for the stream's Prefix.
        boolean plain;
        int keepTo = -1;
        String keepModel = null; // the model those members name (a later one is not the prefix's)
        if (prefix != null && prefix.startsAt(j.a, from, j.end)) {
            j.p = from + prefix.len; // at the name of the first member the prefix does not hold
            model = prefix.model;
            members = true;
            plain = false; // the prefix stands
        } else {
            members = j.openObject();
            plain = prefix != null;
        }
        if (members) {
            boolean more;
            do {
                j.name();
                if (plain && (j.nameIs(USAGE) || j.nameIs(CHOICES) || j.nameIs(ERROR))) plain = false;
                if (j.nameIs(USAGE)) {
                    nameAt = j.nameFrom - 1;
                    usageMembers++;
                    if (j.peek() == '{') {
                        usage = fastUsage(j);
                    } else {
                        usage = null;
                        if (!j.isNull()) usageSimple = false;
                        j.skip();
                    }
                    valueEnd = j.p;
                } else if (j.nameIs(CHOICES)) {
                    texts.clear();
                    finish = null;
                    choicesEmpty = j.peek() == '[';
                    if (choicesEmpty && j.openArray()) {
                        choicesEmpty = false;
                        do {
                            if (j.peek() == '{') fastChoice(j);
                            else j.skip();
                        } while (j.nextElement());
                    } else if (j.peek() == '{') {
                        // A tree iterates an object's values as choices (the identity stream always did): a full one is the tree's.
                        if (j.openObject()) throw JsonBytes.UNUSUAL;
                    } else if (!choicesEmpty) {
                        j.skip();
                    }
                } else if (j.nameIs(MODEL)) {
                    model = j.stringOrNull(sameModel);
                } else if (j.nameIs(ERROR)) {
                    error = true;
                    j.skip();
                } else {
                    j.skip();
                }
                more = j.nextMember();
                if (plain && more) {
                    keepTo = j.p;
                    keepModel = model;
                }
            } while (more);
        }
        if (keepTo > 0) prefix.keep(j.a, from, keepTo, keepModel);
        if (usageMembers == 1) cut(j.a, from, j.end, nameAt, valueEnd);
    }

    private void fastChoice(JsonBytes j) {
        String fin = null;
        String content = null;
        String reasoning = null;
        String refusal = null;
        List<String> args = null;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(FINISH_REASON)) {
                    fin = j.stringOrNull();
                } else if (j.nameIs(DELTA)) {
                    content = reasoning = refusal = null;
                    args = null;
                    if (j.members()) {
                        do {
                            j.name();
                            if (j.nameIs(CONTENT)) content = j.stringOrNull();
                            else if (j.nameIs(REASONING)) reasoning = j.stringOrNull();
                            else if (j.nameIs(REFUSAL)) refusal = j.stringOrNull();
                            else if (j.nameIs(TOOL_CALLS)) args = fastToolCalls(j);
                            else j.skip();
                        } while (j.nextMember());
                    }
                } else {
                    j.skip();
                }
            } while (j.nextMember());
        }
        add(fin, content, reasoning, refusal, args);
    }

    private static List<String> fastToolCalls(JsonBytes j) {
        if (j.peek() != '[') {
            if (j.members()) throw JsonBytes.UNUSUAL; // as choices: a tree iterates a full object's values
            return null;
        }
        List<String> args = null;
        if (j.openArray()) {
            do {
                String arg = null;
                if (j.members()) {
                    do {
                        j.name();
                        if (!j.nameIs(FUNCTION)) {
                            j.skip();
                            continue;
                        }
                        arg = j.stringMember(ARGUMENTS);
                    } while (j.nextMember());
                }
                if (arg != null) {
                    if (args == null) args = new ArrayList<>(2);
                    args.add(arg);
                }
            } while (j.nextElement());
        }
        return args;
    }

    /** OpenAI's usage object, as {@link OpenAiChatProvider#usage} reads it. */
    private static Usage fastUsage(JsonBytes j) {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long reasoning = 0;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(PROMPT_TOKENS)) prompt = j.longOr0();
                else if (j.nameIs(COMPLETION_TOKENS)) completion = j.longOr0();
                else if (j.nameIs(PROMPT_DETAILS)) cached = detail(j, CACHED_TOKENS);
                else if (j.nameIs(COMPLETION_DETAILS)) reasoning = detail(j, REASONING_TOKENS);
                else j.skip();
            } while (j.nextMember());
        }
        return Usage.of(prompt, completion, cached, 0, reasoning);
    }

    private static long detail(JsonBytes j, byte[] field) {
        long v = 0;
        if (j.members()) {
            do {
                j.name();
                if (j.nameIs(field)) v = j.longOr0();
                else j.skip();
            } while (j.nextMember());
        }
        return v;
    }

    /** The tree's reading of what {@link #fast} leaves; null when the chunk is not a JSON object. */
    static OpenAiChunkScan fromTree(byte[] a, int off, int len) {
        // Decoded as the line parser decodes it: malformed UTF-8 reads as U+FFFD, as it always has.
        ObjectNode d = Json.parseObject(new String(a, off, len, StandardCharsets.UTF_8)).orElse(null);
        if (d == null) return null;
        OpenAiChunkScan s = new OpenAiChunkScan();
        s.tree = d;
        if (d.has("error")) s.error = true;
        s.model = Json.text(d, "model").orElse(null);
        JsonNode choices = d.path("choices");
        s.choicesEmpty = choices.isArray() && choices.isEmpty();
        for (JsonNode c : choices) { // an object's values too
            if (!c.isObject()) continue;
            JsonNode delta = c.path("delta");
            List<String> args = null;
            for (JsonNode tc : delta.path("tool_calls")) {
                JsonNode v = tc.path("function").get("arguments");
                if (v != null && v.isTextual()) {
                    if (args == null) args = new ArrayList<>(2);
                    args.add(v.asText());
                }
            }
            s.add(Json.text(c, "finish_reason").orElse(null), textual(delta, "content"), textual(delta, "reasoning_content"),
                    textual(delta, "refusal"), args);
        }
        JsonNode u = d.get("usage");
        if (u != null) {
            s.usageMembers = 1;
            s.usageSimple = false;
            if (u.isObject()) s.usage = OpenAiChatProvider.usage(u);
        }
        return s;
    }

    private static String textual(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private void add(String fin, String content, String reasoning, String refusal, List<String> args) {
        if (fin != null) finish = fin;
        if (content != null) texts.add(content);
        if (reasoning != null) texts.add(reasoning);
        if (refusal != null) texts.add(refusal);
        if (args != null) texts.addAll(args);
    }

    /**
     * The member {@code [at, end)} with the comma before it, or, when it is the first member, the
     * comma after it: what is left is the same object without it.
     */
    private void cut(byte[] a, int from, int to, int at, int end) {
        int b = at - 1;
        while (b >= from && isSpace(a[b])) b--;
        if (b >= from && a[b] == ',') {
            cutFrom = b;
            cutTo = end;
            return;
        }
        int f = end;
        while (f < to && isSpace(a[f])) f++;
        cutFrom = at;
        cutTo = f < to && a[f] == ',' ? f + 1 : end;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}

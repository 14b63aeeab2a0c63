package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Gemini {@code streamGenerateContent} chunk says that {@link IdentityStream} counts:
 * an error, the model version, the usage counts, and per candidate its finish reason and the text
 * of its parts. Read by hand from the payload's bytes ({@link JsonBytes}, no tree) with a tree's
 * semantics (a member given twice counts as its last value); what the hand reading leaves (a
 * {@code functionCall}, whose text is its JSON as the tree writes it; {@code candidates} or
 * {@code parts} that are not arrays; an escape in a member name; deep nesting) is read from the
 * tree ({@link #of(ObjectNode)}), the same fields.
 *
 * @param usage {@code usageMetadata} as {@link Identity#geminiUsage} reads it (a count 0 when not a
 *              number), null when it is not an object; read by hand straight into the usage
 */
record GeminiChunk(boolean error, String modelVersion, Usage usage, List<Candidate> candidates) {

    /** A candidate's finish reason (null if none is a string) and its parts' text in order. */
    record Candidate(String finishReason, List<String> texts) {
    }

    /** The counts {@link Identity#geminiUsage} reads. */
    private static final String[] COUNTS = {"promptTokenCount", "toolUsePromptTokenCount", "thoughtsTokenCount", "candidatesTokenCount",
            "cachedContentTokenCount", "totalTokenCount"};
    private static final byte[][] COUNT_NAMES = new byte[COUNTS.length][];
    private static final byte[] ERROR = JsonBytes.ascii("error");
    private static final byte[] MODEL_VERSION = JsonBytes.ascii("modelVersion");
    private static final byte[] USAGE = JsonBytes.ascii("usageMetadata");
    private static final byte[] CANDIDATES = JsonBytes.ascii("candidates");
    private static final byte[] FINISH_REASON = JsonBytes.ascii("finishReason");
    private static final byte[] CONTENT = JsonBytes.ascii("content");
    private static final byte[] PARTS = JsonBytes.ascii("parts");
    private static final byte[] TEXT = JsonBytes.ascii("text");
    private static final byte[] FUNCTION_CALL = JsonBytes.ascii("functionCall");

    static {
        for (int i = 0; i < COUNTS.length; i++) COUNT_NAMES[i] = JsonBytes.ascii(COUNTS[i]);
    }

    /** The tree's reading. */
    static GeminiChunk of(ObjectNode d) {
        if (d.has("error")) return new GeminiChunk(true, null, null, List.of());
        Usage usage = d.get("usageMetadata") instanceof ObjectNode u ? Identity.geminiUsage(u) : null;
        List<Candidate> candidates = new ArrayList<>();
        for (JsonNode cand : d.path("candidates")) {
            List<String> texts = new ArrayList<>(1);
            for (JsonNode part : cand.path("content").path("parts")) {
                Json.text(part, "text").ifPresent(texts::add);
                JsonNode call = part.get("functionCall");
                if (call != null) texts.add(Json.write(call));
            }
            candidates.add(new Candidate(Json.text(cand, "finishReason").orElse(null), texts));
        }
        return new GeminiChunk(false, Json.text(d, "modelVersion").orElse(null), usage, candidates);
    }

    /** The payload at {@code [off, off + len)} read by hand; null when it leaves it to the tree (also when it is not an object). */
    static GeminiChunk read(byte[] a, int off, int len) {
        return read(a, off, len, null);
    }

    /** {@link #read(byte[], int, int)}, {@code model} being the stream's model so far (reused, not copied, when the chunk repeats it). */
    static GeminiChunk read(byte[] a, int off, int len, String model) {
        return JsonBytes.object(a, off, len, j -> read(j, model));
    }

    private static GeminiChunk read(JsonBytes j, String sameModel) {
        boolean error = false;
        String model = null;
        Usage usage = null;
        List<Candidate> candidates = List.of();
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(ERROR)) {
                    error = true;
                    j.skip();
                } else if (j.nameIs(MODEL_VERSION)) {
                    model = j.stringOrNull(sameModel);
                } else if (j.nameIs(USAGE)) {
                    usage = usage(j);
                } else if (j.nameIs(CANDIDATES)) {
                    candidates = candidates(j);
                } else {
                    j.skip();
                }
            } while (j.nextMember());
        }
        return error ? new GeminiChunk(true, null, null, List.of()) : new GeminiChunk(false, model, usage, candidates);
    }

    /** usageMetadata's counts, each its last value ({@link JsonBytes#longOr0}), into the usage; null when it is not an object. */
    private static Usage usage(JsonBytes j) {
        if (j.peek() != '{') {
            j.skip();
            return null;
        }
        long[] c = new long[COUNTS.length];
        if (j.openObject()) {
            do {
                j.name();
                int i = 0;
                while (i < COUNT_NAMES.length && !j.nameIs(COUNT_NAMES[i])) i++;
                if (i < COUNT_NAMES.length) c[i] = j.longOr0();
                else j.skip();
            } while (j.nextMember());
        }
        return Identity.geminiUsage(c[0], c[1], c[2], c[3], c[4], c[5]);
    }

    private static List<Candidate> candidates(JsonBytes j) {
        if (j.peek() != '[') throw JsonBytes.UNUSUAL; // the tree iterates an object's values: its reading
        List<Candidate> out = null; // one candidate is the rule: a list of one, made at the end
        Candidate first = null;
        if (j.openArray()) {
            do {
                String fin = null;
                List<String> texts = List.of();
                if (j.members()) {
                    do {
                        j.name();
                        if (j.nameIs(FINISH_REASON)) fin = j.stringOrNull();
                        else if (j.nameIs(CONTENT)) texts = content(j);
                        else j.skip();
                    } while (j.nextMember());
                }
                Candidate c = new Candidate(fin, texts);
                if (first == null) {
                    first = c;
                } else {
                    if (out == null) {
                        out = new ArrayList<>(4);
                        out.add(first);
                    }
                    out.add(c);
                }
            } while (j.nextElement());
        }
        return out != null ? out : first != null ? List.of(first) : List.of();
    }

    /** A candidate's content: its parts' text; none when it is not an object or has no parts. */
    private static List<String> content(JsonBytes j) {
        List<String> texts = List.of();
        if (j.members()) {
            do {
                j.name();
                if (j.nameIs(PARTS)) texts = parts(j);
                else j.skip();
            } while (j.nextMember());
        }
        return texts;
    }

    private static List<String> parts(JsonBytes j) {
        if (j.peek() != '[') throw JsonBytes.UNUSUAL;
        List<String> texts = null; // one part is the rule: a list of one, made at the end
        String first = null;
        if (j.openArray()) {
            do {
                String text = null;
                if (j.members()) {
                    do {
                        j.name();
                        if (j.nameIs(TEXT)) text = j.stringOrNull();
                        else if (j.nameIs(FUNCTION_CALL)) throw JsonBytes.UNUSUAL; // its text is the tree's JSON
                        else j.skip();
                    } while (j.nextMember());
                }
                if (text == null) continue;
                if (first == null) {
                    first = text;
                } else {
                    if (texts == null) {
                        texts = new ArrayList<>(4);
                        texts.add(first);
                    }
                    texts.add(text);
                }
            } while (j.nextElement());
        }
        return texts != null ? texts : first != null ? List.of(first) : List.of();
    }
}

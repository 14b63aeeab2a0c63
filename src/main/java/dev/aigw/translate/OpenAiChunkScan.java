package dev.aigw.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one OpenAI {@code chat.completion.chunk} says, read with Jackson's streaming parser
 * straight from the payload's bytes: no tree, and the position of its {@code usage} member so
 * that a relay can cut it out of the bytes. Reads what {@link IdentityStream} needs, with a
 * tree's semantics (a member given twice counts as its last value). Two readings of the same
 * fields live side by side, so that they stay in step: by hand ({@link JsonBytes}), and Jackson's
 * streaming parser for what the hand reading leaves; hence a little over 400 lines.
 */
final class OpenAiChunkScan {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

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

    private OpenAiChunkScan() {
    }

    /** The chunk at {@code [off, off + len)}, or null when it is not a JSON object. */
    static OpenAiChunkScan read(byte[] a, int off, int len) {
        return read(a, off, len, null);
    }

    /** {@link #read(byte[], int, int)}, {@code model} being the stream's model so far (reused, not copied, when the chunk repeats it). */
    static OpenAiChunkScan read(byte[] a, int off, int len, String model) {
        OpenAiChunkScan s = byHand(a, off, len, model);
        return s != null ? s : withParser(a, off, len);
    }

    /** The hand reading; null when it leaves the chunk to Jackson. */
    static OpenAiChunkScan byHand(byte[] a, int off, int len, String model) {
        OpenAiChunkScan s = new OpenAiChunkScan();
        try {
            s.fast(new JsonBytes(a, off, len), model);
            return s;
        } catch (RuntimeException unusual) {
            return null; // JsonBytes.UNUSUAL, or anything else this reading did not foresee
        }
    }

    private static final byte[] ERROR = bytes("error");
    private static final byte[] MODEL = bytes("model");
    private static final byte[] CHOICES = bytes("choices");
    private static final byte[] USAGE = bytes("usage");
    private static final byte[] FINISH_REASON = bytes("finish_reason");
    private static final byte[] DELTA = bytes("delta");
    private static final byte[] CONTENT = bytes("content");
    private static final byte[] REASONING = bytes("reasoning_content");
    private static final byte[] REFUSAL = bytes("refusal");
    private static final byte[] TOOL_CALLS = bytes("tool_calls");
    private static final byte[] FUNCTION = bytes("function");
    private static final byte[] ARGUMENTS = bytes("arguments");
    private static final byte[] PROMPT_TOKENS = bytes("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = bytes("completion_tokens");
    private static final byte[] PROMPT_DETAILS = bytes("prompt_tokens_details");
    private static final byte[] COMPLETION_DETAILS = bytes("completion_tokens_details");
    private static final byte[] CACHED_TOKENS = bytes("cached_tokens");
    private static final byte[] REASONING_TOKENS = bytes("reasoning_tokens");

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The same reading as {@link #withParser} by hand ({@link JsonBytes}): a third of the cost of
     * Jackson's parser on OpenAI's ~200-byte chunks, where creating the parser alone showed.
     * Throws {@link JsonBytes#UNUSUAL} to leave the chunk to Jackson (also when it is not an object).
     */
    private void fast(JsonBytes j, String sameModel) {
        int from = j.p;
        j.ws();
        if (j.peek() != '{') throw JsonBytes.UNUSUAL;
        int nameAt = 0;
        int valueEnd = 0;
        if (j.openObject()) {
            do {
                j.name();
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
            } while (j.nextMember());
        }
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
                    if (j.peek() != '{') {
                        j.skip();
                    } else if (j.openObject()) {
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
            j.skip();
            return null;
        }
        List<String> args = null;
        if (j.openArray()) {
            do {
                if (j.peek() != '{') {
                    j.skip();
                    continue;
                }
                String arg = null;
                if (j.openObject()) {
                    do {
                        j.name();
                        if (!j.nameIs(FUNCTION)) {
                            j.skip();
                            continue;
                        }
                        arg = null;
                        if (j.peek() != '{') {
                            j.skip();
                        } else if (j.openObject()) {
                            do {
                                j.name();
                                if (j.nameIs(ARGUMENTS)) arg = j.stringOrNull();
                                else j.skip();
                            } while (j.nextMember());
                        }
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
        if (j.peek() != '{') {
            j.skip();
            return 0;
        }
        long v = 0;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(field)) v = j.longOr0();
                else j.skip();
            } while (j.nextMember());
        }
        return v;
    }

    /** Jackson's streaming parser: the reference reading, for what {@link #fast} leaves. */
    static OpenAiChunkScan withParser(byte[] a, int off, int len) {
        OpenAiChunkScan s = new OpenAiChunkScan();
        try (JsonParser p = FACTORY.createParser(a, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            int nameAt = 0;
            int valueEnd = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (name.equals("usage")) nameAt = (int) p.currentTokenLocation().getByteOffset();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "error" -> {
                        s.error = true;
                        p.skipChildren();
                    }
                    case "model" -> s.model = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "choices" -> {
                        s.texts.clear();
                        s.finish = null;
                        s.choicesEmpty = t == JsonToken.START_ARRAY;
                        if (t == JsonToken.START_ARRAY) {
                            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                                s.choicesEmpty = false;
                                if (t == JsonToken.START_OBJECT) s.choice(p);
                                else p.skipChildren();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "usage" -> {
                        s.usageMembers++;
                        if (t == JsonToken.START_OBJECT) {
                            s.usage = OpenAiChatProvider.usage(Json.MAPPER.readTree(p));
                        } else {
                            s.usage = null;
                            if (t != JsonToken.VALUE_NULL) s.usageSimple = false;
                            p.skipChildren();
                        }
                        valueEnd = (int) p.currentLocation().getByteOffset();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) return null;
            if (s.usageMembers == 1) s.cut(a, off, off + len, off + nameAt, off + valueEnd);
        } catch (IOException | RuntimeException e) {
            return null; // not JSON (or not one object): relayed as it came, as a tree parse would leave it
        }
        return s;
    }

    /** One element of {@code choices}, at its START_OBJECT. */
    private void choice(JsonParser p) throws IOException {
        String fin = null;
        String content = null;
        String reasoning = null;
        String refusal = null;
        List<String> args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("finish_reason")) {
                fin = t == JsonToken.VALUE_STRING ? p.getText() : null;
            } else if (name.equals("delta")) {
                content = reasoning = refusal = null;
                args = null;
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    t = p.nextToken();
                    switch (field) {
                        case "content" -> content = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "reasoning_content" -> reasoning = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "refusal" -> refusal = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "tool_calls" -> {
                            args = null;
                            if (t == JsonToken.START_ARRAY) {
                                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                                    if (t != JsonToken.START_OBJECT) {
                                        p.skipChildren();
                                        continue;
                                    }
                                    String arg = arguments(p);
                                    if (arg != null) {
                                        if (args == null) args = new ArrayList<>(2);
                                        args.add(arg);
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        add(fin, content, reasoning, refusal, args);
    }

    private void add(String fin, String content, String reasoning, String refusal, List<String> args) {
        if (fin != null) finish = fin;
        if (content != null) texts.add(content);
        if (reasoning != null) texts.add(reasoning);
        if (refusal != null) texts.add(refusal);
        if (args != null) texts.addAll(args);
    }

    /** A tool call's {@code function.arguments} when textual, at the call's START_OBJECT. */
    private static String arguments(JsonParser p) throws IOException {
        String arg = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (!name.equals("function")) {
                p.skipChildren();
                continue;
            }
            arg = null;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if (field.equals("arguments")) arg = t == JsonToken.VALUE_STRING ? p.getText() : null;
                else p.skipChildren();
            }
        }
        return arg;
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

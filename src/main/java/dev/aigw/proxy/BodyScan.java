package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigw.policy.PromptText;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A streaming read of an AI request body for what the gateway itself needs of an ordinary one:
 * the top-level {@code model} (and where its string sits, so a pinned model can be spliced into
 * the bytes), the {@code stream} flag and, for a stream, whether the client asked for
 * {@code stream_options.include_usage} (and where {@code include_usage: true} goes into the bytes
 * when it did not: the gateway asks for it, as {@link dev.aigw.translate.Identity#request} does
 * in the tree) and, for OpenAI Chat, the prompt texts a regex guard reads, the same texts in the
 * same order as {@link dev.aigw.policy.BodyText#request} finds in the tree.
 *
 * <p>Anything out of the ordinary answers null, and the body is parsed into a tree as before: a
 * root that is not an object, a model that is missing or not a string, a {@code stream} that is
 * not a boolean or null, a stream's {@code stream_options} that is not an object or whose
 * {@code include_usage} is not a boolean or null, a field the gateway reads that appears twice
 * (the tree keeps the last one), a role that is not a string, {@code messages} that is not an
 * array. It answers null as soon as it meets one (the parse then reads the whole body and words
 * any error); an ordinary body is read to its end, so bad JSON fails here as it would in the parse.
 *
 * @param usage for a stream whose client did not ask for usage: the edit that asks for it; else null
 */
record BodyScan(String model, int modelStart, int modelEnd, boolean stream, Splice usage, List<PromptText> texts) {

    /** Bytes {@code [from, to)} of the body replaced by {@code with} (an insertion when they are equal). */
    record Splice(int from, int to, byte[] with) {
    }

    private static final byte[] TRUE = bytes("true");
    private static final byte[] USAGE_MEMBER = bytes("\"include_usage\":true");
    private static final byte[] USAGE_NEXT = bytes(",\"include_usage\":true");
    private static final byte[] OPTIONS_NEXT = bytes(",\"stream_options\":{\"include_usage\":true}");

    private static final JsonFactory FACTORY = new JsonFactory();
    /** Larger bodies are parsed: Jackson's string length limit is checked when a tree reads a string, not when a scan skips it. */
    static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final Set<String> TEXT_PARTS = Set.of("text", "input_text", "output_text");

    /** The scan, or null for a body to parse into a tree. @throws IOException when it is not JSON */
    static BodyScan of(byte[] raw, boolean chatTexts) throws IOException {
        try (JsonParser p = FACTORY.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String model = null;
            int start = -1;
            int end = -1;
            boolean seenStream = false;
            boolean stream = false;
            Options options = null;
            List<PromptText> texts = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (model != null || t != JsonToken.VALUE_STRING) return null;
                        start = (int) p.currentTokenLocation().getByteOffset();
                        model = p.getText();
                        end = (int) p.currentLocation().getByteOffset();
                    }
                    case "stream" -> {
                        if (seenStream || (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL)) return null;
                        seenStream = true;
                        stream = t == JsonToken.VALUE_TRUE;
                    }
                    case "stream_options" -> {
                        if (options != null) return null;
                        options = Options.read(p, t);
                    }
                    case "messages" -> {
                        if (!chatTexts) {
                            p.skipChildren();
                        } else if (texts != null || t != JsonToken.START_ARRAY) {
                            return null;
                        } else {
                            texts = new ArrayList<>();
                            if (!messages(p, texts)) return null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) return null;
            if (model == null || start < 0 || end <= start || end > raw.length
                    || raw[start] != '"' || raw[end - 1] != '"') return null;
            Splice usage = null;
            if (stream) {
                if (options == null) {
                    int close = (int) p.currentTokenLocation().getByteOffset();
                    if (close < 0 || close >= raw.length || raw[close] != '}') return null;
                    usage = new Splice(close, close, OPTIONS_NEXT);
                } else if (!options.ordinary || options.close < 0 || raw[options.close] != '}') {
                    return null;
                } else if (!options.asked) {
                    usage = options.valueFrom >= 0 ? new Splice(options.valueFrom, options.valueTo, TRUE)
                            : new Splice(options.close, options.close, options.members == 0 ? USAGE_MEMBER : USAGE_NEXT);
                }
            }
            if (chatTexts && texts == null) texts = List.of();
            return new BodyScan(model, start, end, stream, usage, chatTexts ? List.copyOf(texts) : null);
        }
    }

    /** What a stream's {@code stream_options} says of {@code include_usage}, and where an edit goes. */
    private static final class Options {
        /** An object with at most one {@code include_usage}, a boolean or null. */
        boolean ordinary = true;
        boolean asked;
        int members;
        /** A false or null {@code include_usage}'s value, to replace; -1 when there is none. */
        int valueFrom = -1;
        int valueTo = -1;
        /** The object's closing brace. */
        int close = -1;

        static Options read(JsonParser p, JsonToken t) throws IOException {
            Options o = new Options();
            if (t != JsonToken.START_OBJECT) {
                o.ordinary = false;
                p.skipChildren();
                return o;
            }
            boolean seen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                o.members++;
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("include_usage")) {
                    if (seen) o.ordinary = false;
                    seen = true;
                    if (v == JsonToken.VALUE_TRUE) {
                        o.asked = true;
                    } else if (v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL) {
                        o.valueFrom = (int) p.currentTokenLocation().getByteOffset();
                        o.valueTo = (int) p.currentLocation().getByteOffset();
                    } else {
                        o.ordinary = false;
                    }
                }
                p.skipChildren();
            }
            o.close = (int) p.currentTokenLocation().getByteOffset();
            return o;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code messages[]}: each object's content with its role; false when a shape is out of the ordinary. */
    private static boolean messages(JsonParser p, List<PromptText> out) throws IOException {
        boolean ordinary = true;
        List<String> content = new ArrayList<>(4);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String role = null;
            boolean seenRole = false;
            boolean seenContent = false;
            content.clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "role" -> {
                        if (seenRole || t != JsonToken.VALUE_STRING) ordinary = false;
                        else role = p.getText();
                        seenRole = true;
                        p.skipChildren();
                    }
                    case "content" -> {
                        if (seenContent) ordinary = false;
                        seenContent = true;
                        if (t == JsonToken.VALUE_STRING) content.add(p.getText());
                        else if (t == JsonToken.START_ARRAY) ordinary &= parts(p, content);
                        else p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            for (String c : content) out.add(new PromptText(role == null ? "user" : role, c));
        }
        return ordinary;
    }

    /** A content array: bare strings, and {@code {type: text|input_text|output_text, text}} parts. */
    private static boolean parts(JsonParser p, List<String> out) throws IOException {
        boolean ordinary = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                out.add(p.getText());
                continue;
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = null;
            String text = null;
            boolean seenType = false;
            boolean seenText = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("type")) {
                    if (seenType) ordinary = false;
                    seenType = true;
                    type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if (f.equals("text")) {
                    if (seenText) ordinary = false;
                    seenText = true;
                    text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            if (type != null && text != null && TEXT_PARTS.contains(type)) out.add(text);
        }
        return ordinary;
    }
}

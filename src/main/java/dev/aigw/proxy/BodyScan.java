package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigw.policy.PromptText;
import dev.aigw.translate.Schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A streaming read of an AI request body for what the gateway itself needs of an ordinary one:
 * the top-level {@code model} (and where its string sits, so a pinned model can be spliced into
 * the bytes), the {@code stream} flag, for an OpenAI Chat stream whether the client asked for
 * {@code stream_options.include_usage} (and where {@code include_usage: true} goes into the bytes
 * when it did not: the gateway asks for it, as {@link dev.aigw.translate.Identity#request} does
 * in the tree), and the prompt texts a regex guard reads, the same texts in the same order as
 * {@link dev.aigw.policy.BodyText#request} finds in the tree of the body's format:
 * <ul>
 *   <li>OpenAI Chat: {@code messages[].content} with each message's role;</li>
 *   <li>Anthropic Messages: {@code system} (role system), then {@code messages[].content};</li>
 *   <li>OpenAI Responses: {@code instructions} (system), then a string {@code input} (user) or
 *       the content of each message item of an {@code input} array ({@code developer} is system);</li>
 *   <li>Gemini: {@code systemInstruction} (or, without it, {@code system_instruction}) parts
 *       (system), then each of {@code contents}' parts with its role ({@code model} is assistant),
 *       thoughts excepted.</li>
 * </ul>
 * A content is a string or an array of bare strings and {@code {type: text|input_text|output_text,
 * text}} parts, as {@code TextSlot.content} reads it.
 *
 * <p>Anything out of the ordinary answers null, and the body is parsed into a tree as before: a
 * root that is not an object, a model that is missing (Gemini's may be: its model is in the
 * path) or not a string, a {@code stream} that is not a boolean or null, a Chat stream's
 * {@code stream_options} that is not an object or whose {@code include_usage} is not a boolean or
 * null, a field the gateway reads that appears twice (the tree keeps the last one), a role that is
 * not a string or null, a Gemini {@code thought} that is not a boolean or null, a list the tree
 * would iterate ({@code messages}, {@code input}, {@code contents}, {@code parts}) that is an
 * object (the tree iterates its values). It answers null as soon as it meets one (the parse then
 * reads the whole body and words any error); an ordinary body is read to its end, so bad JSON
 * fails here as it would in the parse.
 *
 * @param model the top-level model; null only for a Gemini body without one
 * @param usage for an OpenAI Chat stream whose client did not ask for usage: the edit that asks for it; else null
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

    /** The formats the scan reads: those whose bodies may go upstream as the client's bytes. */
    static boolean reads(Schema schema) {
        return schema == Schema.OPENAI_CHAT || schema == Schema.ANTHROPIC_MESSAGES || schema == Schema.OPENAI_RESPONSES
                || schema == Schema.GEMINI_GENERATE;
    }

    /** Thrown out of a nested read: the body is out of the ordinary, parse it. */
    private static final class Unusual extends Exception {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    /** The scan of a body in {@code schema} ({@link #reads}), or null for a body to parse into a tree. @throws IOException when it is not JSON */
    static BodyScan of(byte[] raw, Schema schema) throws IOException {
        if (!reads(schema)) throw new IllegalArgumentException("no scan reads " + schema);
        try (JsonParser p = FACTORY.createParser(raw)) {
            return read(p, raw, schema);
        } catch (Unusual e) {
            return null;
        }
    }

    private static BodyScan read(JsonParser p, byte[] raw, Schema schema) throws IOException, Unusual {
        if (p.nextToken() != JsonToken.START_OBJECT) return null;
        boolean chat = schema == Schema.OPENAI_CHAT;
        String model = null;
        int start = -1;
        int end = -1;
        boolean seenStream = false;
        boolean stream = false;
        Options options = null;
        // The texts in the tree's order: the system's first (whatever the body's order), then the turns'.
        List<PromptText> system = null;
        List<PromptText> turns = null;
        List<PromptText> altSystem = null; // Gemini's system_instruction, read only without systemInstruction
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "model" -> {
                    if (model != null || t != JsonToken.VALUE_STRING) throw Unusual.INSTANCE;
                    start = (int) p.currentTokenLocation().getByteOffset();
                    model = p.getText();
                    end = (int) p.currentLocation().getByteOffset();
                }
                case "stream" -> {
                    if (seenStream || (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL)) {
                        throw Unusual.INSTANCE;
                    }
                    seenStream = true;
                    stream = t == JsonToken.VALUE_TRUE;
                }
                default -> {
                    switch (schema) {
                        case OPENAI_CHAT -> {
                            if (name.equals("stream_options")) {
                                if (options != null) throw Unusual.INSTANCE;
                                options = Options.read(p, t);
                            } else if (name.equals("messages")) {
                                turns = once(turns);
                                messages(p, t, turns);
                            } else {
                                p.skipChildren();
                            }
                        }
                        case ANTHROPIC_MESSAGES -> {
                            if (name.equals("system")) {
                                system = once(system);
                                content(p, t, "system", system);
                            } else if (name.equals("messages")) {
                                turns = once(turns);
                                messages(p, t, turns);
                            } else {
                                p.skipChildren();
                            }
                        }
                        case OPENAI_RESPONSES -> {
                            if (name.equals("instructions")) {
                                system = once(system);
                                content(p, t, "system", system);
                            } else if (name.equals("input")) {
                                turns = once(turns);
                                input(p, t, turns);
                            } else {
                                p.skipChildren();
                            }
                        }
                        case GEMINI_GENERATE -> {
                            if (name.equals("systemInstruction")) {
                                system = once(system);
                                geminiContent(p, t, "system", system);
                            } else if (name.equals("system_instruction")) {
                                altSystem = once(altSystem);
                                geminiContent(p, t, "system", altSystem);
                            } else if (name.equals("contents")) {
                                turns = once(turns);
                                contents(p, t, turns);
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> throw new IllegalStateException("no scan reads " + schema);
                    }
                }
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) return null;
        if (model == null) {
            if (schema != Schema.GEMINI_GENERATE) return null;
        } else if (start < 0 || end <= start || end > raw.length || raw[start] != '"' || raw[end - 1] != '"') {
            return null;
        }
        Splice usage = null;
        if (chat && stream) {
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
        if (system == null) system = altSystem;
        List<PromptText> texts;
        if (system == null || system.isEmpty()) {
            texts = turns == null ? List.of() : List.copyOf(turns);
        } else {
            List<PromptText> all = new ArrayList<>(system);
            if (turns != null) all.addAll(turns);
            texts = List.copyOf(all);
        }
        return new BodyScan(model, start, end, stream, usage, texts);
    }

    /** A fresh list for a field read once; a second one is out of the ordinary (the tree keeps the last). */
    private static List<PromptText> once(List<PromptText> seen) throws Unusual {
        if (seen != null) throw Unusual.INSTANCE;
        return new ArrayList<>(4);
    }

    /** What a Chat stream's {@code stream_options} says of {@code include_usage}, and where an edit goes. */
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

    /**
     * A role as the tree reads it ({@code path("role").asText("user")}): a string, or null (and
     * absent) for user; anything else is out of the ordinary.
     */
    private static String role(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_STRING) return p.getText();
        if (t == JsonToken.VALUE_NULL) return null;
        throw Unusual.INSTANCE;
    }

    /** A list the tree iterates: an array; an object (whose values the tree would iterate) is out of the ordinary. */
    private static boolean list(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.START_ARRAY) return true;
        if (t == JsonToken.START_OBJECT) throw Unusual.INSTANCE;
        return false; // a scalar: the tree iterates nothing
    }

    /** {@code messages[]} (Chat, Anthropic): each object's content with its role, user when it has none. */
    private static void messages(JsonParser p, JsonToken t, List<PromptText> out) throws IOException, Unusual {
        if (!list(p, t)) return;
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
                JsonToken v = p.nextToken();
                switch (f) {
                    case "role" -> {
                        if (seenRole) throw Unusual.INSTANCE;
                        seenRole = true;
                        role = role(p, v);
                    }
                    case "content" -> {
                        if (seenContent) throw Unusual.INSTANCE;
                        seenContent = true;
                        content(p, v, content);
                    }
                    default -> p.skipChildren();
                }
            }
            for (String c : content) out.add(new PromptText(role == null ? "user" : role, c));
        }
    }

    /** A content with a known role. */
    private static void content(JsonParser p, JsonToken t, String role, List<PromptText> out) throws IOException, Unusual {
        List<String> texts = new ArrayList<>(2);
        content(p, t, texts);
        for (String s : texts) out.add(new PromptText(role, s));
    }

    /** A content: a string, or an array of bare strings and {@code {type: text|input_text|output_text, text}} parts. */
    private static void content(JsonParser p, JsonToken t, List<String> out) throws IOException, Unusual {
        if (t == JsonToken.VALUE_STRING) {
            out.add(p.getText());
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren(); // null, a number, an object: no text (the tree reads none either)
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken e = p.currentToken();
            if (e == JsonToken.VALUE_STRING) {
                out.add(p.getText());
                continue;
            }
            if (e != JsonToken.START_OBJECT) {
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
                    if (seenType) throw Unusual.INSTANCE;
                    seenType = true;
                    type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if (f.equals("text")) {
                    if (seenText) throw Unusual.INSTANCE;
                    seenText = true;
                    text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            if (type != null && text != null && TEXT_PARTS.contains(type)) out.add(text);
        }
    }

    /**
     * The Responses API's {@code input}: a string is the user's; in an array, each object with a
     * {@code role} whose {@code type} is message (or absent or null) is a message with a content.
     */
    private static void input(JsonParser p, JsonToken t, List<PromptText> out) throws IOException, Unusual {
        if (t == JsonToken.VALUE_STRING) {
            out.add(new PromptText("user", p.getText()));
            return;
        }
        if (!list(p, t)) return;
        List<String> content = new ArrayList<>(4);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String role = null;
            boolean seenRole = false;
            boolean seenType = false;
            boolean message = true;
            boolean seenContent = false;
            content.clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "role" -> {
                        if (seenRole) throw Unusual.INSTANCE;
                        seenRole = true;
                        role = role(p, v);
                    }
                    case "type" -> {
                        if (seenType) throw Unusual.INSTANCE;
                        seenType = true;
                        // path("type").asText("message"): absent or null is a message; no other scalar reads "message".
                        if (v == JsonToken.VALUE_STRING) message = p.getText().equals("message");
                        else if (v != JsonToken.VALUE_NULL) message = false;
                        p.skipChildren();
                    }
                    case "content" -> {
                        if (seenContent) throw Unusual.INSTANCE;
                        seenContent = true;
                        content(p, v, content);
                    }
                    default -> p.skipChildren();
                }
            }
            if (!seenRole || !message) continue;
            String r = role == null ? "user" : role.equals("developer") ? "system" : role;
            for (String c : content) out.add(new PromptText(r, c));
        }
    }

    /** Gemini's {@code contents[]}: each object's parts with its role ({@code model} is assistant, none is user). */
    private static void contents(JsonParser p, JsonToken t, List<PromptText> out) throws IOException, Unusual {
        if (!list(p, t)) return;
        List<PromptText> parts = new ArrayList<>(4);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            parts.clear();
            String role = contentObject(p, "user", parts);
            String r = role.equals("model") ? "assistant" : role;
            for (PromptText s : parts) out.add(new PromptText(r, s.text()));
        }
    }

    /** A Gemini content whose role is given ({@code systemInstruction}): its parts. */
    private static void geminiContent(JsonParser p, JsonToken t, String role, List<PromptText> out) throws IOException, Unusual {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren(); // the tree's path("parts") of anything but an object is missing
            return;
        }
        List<PromptText> parts = new ArrayList<>(2);
        contentObject(p, null, parts);
        for (PromptText s : parts) out.add(new PromptText(role, s.text()));
    }

    /** The members of a Gemini content object (its start read): its role (or {@code absent}) and its parts' texts, roles unset. */
    private static String contentObject(JsonParser p, String absent, List<PromptText> parts) throws IOException, Unusual {
        String role = null;
        boolean seenRole = false;
        boolean seenParts = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "role" -> {
                    if (seenRole) throw Unusual.INSTANCE;
                    seenRole = true;
                    role = role(p, v);
                }
                case "parts" -> {
                    if (seenParts) throw Unusual.INSTANCE;
                    seenParts = true;
                    parts(p, v, parts);
                }
                default -> p.skipChildren();
            }
        }
        return role == null ? absent : role;
    }

    /** Gemini parts: each object's string {@code text}, unless its {@code thought} is true. */
    private static void parts(JsonParser p, JsonToken t, List<PromptText> out) throws IOException, Unusual {
        if (!list(p, t)) return;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String text = null;
            boolean seenText = false;
            boolean seenThought = false;
            boolean thought = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("text")) {
                    if (seenText) throw Unusual.INSTANCE;
                    seenText = true;
                    text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if (f.equals("thought")) {
                    if (seenThought) throw Unusual.INSTANCE;
                    seenThought = true;
                    // path("thought").asBoolean(false): a boolean or null is plain; a string or number would be read as one.
                    if (v == JsonToken.VALUE_TRUE) thought = true;
                    else if (v != JsonToken.VALUE_FALSE && v != JsonToken.VALUE_NULL) throw Unusual.INSTANCE;
                }
                p.skipChildren();
            }
            if (text != null && !thought) out.add(new PromptText("", text));
        }
    }
}

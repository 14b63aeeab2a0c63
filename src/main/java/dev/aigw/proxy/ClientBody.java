package dev.aigw.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.PromptText;
import dev.aigw.provider.AnthropicProvider;
import dev.aigw.provider.GeminiProvider;
import dev.aigw.provider.OpenAiProvider;
import dev.aigw.provider.Provider;
import dev.aigw.proxy.stage.RequestBody;
import dev.aigw.translate.Schema;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An AI request body as the client sent it: its bytes, what {@link BodyStage}'s streaming scan
 * read from them (the model and where its string sits, the stream flag, the prompt texts, the
 * edit that asks a stream for usage), and the tree, parsed only when something asks for it. While
 * no tree exists nothing can have changed the body, so the client's bytes, with the pinned model
 * and a stream's {@code include_usage} spliced in, are what an unchanged passthrough sends: no
 * tree built, none written back out.
 */
final class ClientBody implements RequestBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] raw;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final BodyScan.Splice usage;
    private final List<PromptText> texts;
    /** Whether the body is OpenAI Chat's, whose stand-in says whether the client asked for stream usage. */
    private final boolean chat;
    private ObjectNode tree;

    private ClientBody(byte[] raw, String model, int modelStart, int modelEnd, boolean stream, BodyScan.Splice usage,
                       List<PromptText> texts, boolean chat, ObjectNode tree) {
        this.raw = raw;
        this.chat = chat;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.usage = usage;
        this.texts = texts;
        this.tree = tree;
    }

    /** A body parsed at once (a shape the scan does not take, or a tree read before the exchange). */
    static ClientBody ofTree(ObjectNode tree) {
        return new ClientBody(null, null, -1, -1, false, null, null, false, tree);
    }

    /** A body of {@code schema} scanned ({@link BodyScan#of}). */
    static ClientBody scanned(byte[] raw, BodyScan s, Schema schema) {
        if (s.usage() != null && (!s.stream() || schema != Schema.OPENAI_CHAT)) {
            throw new IllegalArgumentException("only an OpenAI Chat stream asks for usage");
        }
        return new ClientBody(raw, s.model(), s.modelStart(), s.modelEnd(), s.stream(), s.usage(), s.texts(),
                schema == Schema.OPENAI_CHAT, null);
    }

    /**
     * Whether an attempt in the {@code backend} format to {@code p} sends a {@code client} body as
     * it came, when nothing changed it: OpenAI Chat and the Responses API to OpenAI, Anthropic
     * Messages to Anthropic, Gemini to Gemini, each in its own format (no translation). Those
     * providers only set the model of a body ({@code put("model", ...)}), which
     * {@link #bytesWithModel} splices in; Gemini's is in the path.
     */
    static boolean sentAsIs(Schema client, Optional<Schema> backend, Provider p) {
        if (client == null || !backend.equals(Optional.of(client))) return false;
        return switch (client) {
            case OPENAI_CHAT, OPENAI_RESPONSES -> p instanceof OpenAiProvider;
            case ANTHROPIC_MESSAGES -> p instanceof AnthropicProvider;
            case GEMINI_GENERATE -> p instanceof GeminiProvider;
            default -> false;
        };
    }

    /**
     * What a translator and a provider see of a scanned body, as a tree: the model (when the body
     * has one), and for a stream {@code stream: true} and, for OpenAI Chat, whether the client asked
     * for usage. Its bytes are {@link #bytesWithModel}; only while no tree exists.
     */
    ObjectNode standIn() {
        if (tree != null) throw new IllegalStateException("the body has a tree: it, not a stand-in, is the body");
        ObjectNode o = JSON.createObjectNode();
        if (model != null) o.put("model", model);
        if (stream) {
            o.put("stream", true);
            if (chat && usage == null) o.putObject("stream_options").put("include_usage", true);
        }
        return o;
    }

    @Override
    public ObjectNode tree() {
        if (tree == null) {
            try {
                // The scan read these bytes through to the end of the object: they parse.
                tree = (ObjectNode) JSON.readTree(raw);
            } catch (IOException | ClassCastException e) {
                throw new IllegalStateException("a scanned request body did not parse: " + e.getMessage(), e);
            }
        }
        return tree;
    }

    @Override
    public boolean treeBuilt() {
        return tree != null;
    }

    @Override
    public Optional<List<PromptText>> promptTexts() {
        return tree == null ? Optional.ofNullable(texts) : Optional.empty();
    }

    /** Whether the client asked for a stream (the tree's {@code stream} once there is a tree). */
    boolean stream() {
        return tree != null ? tree.path("stream").asBoolean(false) : stream;
    }

    /** Whether the body was scanned and no tree exists yet: its bytes may still go out as they came. */
    boolean scanned() {
        return tree == null && raw != null;
    }

    /** The client's top-level model, while no tree exists; null after (ask the tree) and for a body without one. */
    String scannedModel() {
        return tree == null ? model : null;
    }

    /**
     * The client's bytes with the top-level model's string replaced by {@code m} (the stand-in's
     * model after the provider's prepare; null for a body without one, which stays without) and,
     * for an OpenAI Chat stream whose client did not ask for usage, {@code include_usage: true}
     * spliced in; only while no tree exists.
     */
    byte[] bytesWithModel(String m) {
        if (tree != null) throw new IllegalStateException("the body has a tree: it, not the client's bytes, is the body");
        if (model == null || m == null) {
            if (model != null || m != null) {
                throw new IllegalStateException("a model cannot be spliced into or out of a body " + (model == null ? "without" : "with") + " one");
            }
            return raw;
        }
        boolean sameModel = m.equals(model);
        if (sameModel && usage == null) return raw;
        BodyScan.Splice pin = null;
        if (!sameModel) {
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(m);
            byte[] with = new byte[quoted.length + 2];
            with[0] = '"';
            System.arraycopy(quoted, 0, with, 1, quoted.length);
            with[with.length - 1] = '"';
            pin = new BodyScan.Splice(modelStart, modelEnd, with);
        }
        // Two edits at most, which never overlap (the model is a top-level string; usage goes elsewhere).
        BodyScan.Splice a = pin;
        BodyScan.Splice b = usage;
        if (a == null || b != null && b.from() < a.from()) {
            a = usage;
            b = pin;
        }
        int n = raw.length + grows(a) + grows(b);
        byte[] out = new byte[n];
        int from = 0;
        int at = 0;
        for (BodyScan.Splice e : new BodyScan.Splice[] {a, b}) {
            if (e == null) continue;
            System.arraycopy(raw, from, out, at, e.from() - from);
            at += e.from() - from;
            System.arraycopy(e.with(), 0, out, at, e.with().length);
            at += e.with().length;
            from = e.to();
        }
        System.arraycopy(raw, from, out, at, raw.length - from);
        return out;
    }

    private static int grows(BodyScan.Splice e) {
        return e == null ? 0 : e.with().length - (e.to() - e.from());
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.PromptText;
import dev.aigw.proxy.stage.RequestBody;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An AI request body as the client sent it: its bytes, what {@link BodyStage}'s streaming scan
 * read from them (the model and where its string sits, the stream flag, the prompt texts), and
 * the tree, parsed only when something asks for it. While no tree exists nothing can have changed
 * the body, so the client's bytes, with the pinned model spliced in, are what an unchanged
 * passthrough sends: no tree built, none written back out.
 */
final class ClientBody implements RequestBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] raw;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final List<PromptText> texts;
    private ObjectNode tree;

    private ClientBody(byte[] raw, String model, int modelStart, int modelEnd, boolean stream, List<PromptText> texts,
                       ObjectNode tree) {
        this.raw = raw;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.texts = texts;
        this.tree = tree;
    }

    /** A body parsed at once (a shape the scan does not take, or a tree read before the exchange). */
    static ClientBody ofTree(ObjectNode tree) {
        return new ClientBody(null, null, -1, -1, false, null, tree);
    }

    /**
     * A scanned body: {@code model} is the top-level string at {@code raw[modelStart, modelEnd)}
     * (quotes included); {@code texts} null when they were not read.
     */
    static ClientBody scanned(byte[] raw, String model, int modelStart, int modelEnd, boolean stream,
                              List<PromptText> texts) {
        return new ClientBody(raw, model, modelStart, modelEnd, stream, texts, null);
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

    /** The client's top-level model, while no tree exists; null after (ask the tree). */
    String scannedModel() {
        return tree == null ? model : null;
    }

    /** The client's bytes with the top-level model's string replaced by {@code m}; only while no tree exists. */
    byte[] bytesWithModel(String m) {
        if (tree != null) throw new IllegalStateException("the body has a tree: it, not the client's bytes, is the body");
        if (m.equals(model)) return raw;
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(m);
        byte[] out = new byte[raw.length - (modelEnd - modelStart) + quoted.length + 2];
        System.arraycopy(raw, 0, out, 0, modelStart);
        int at = modelStart;
        out[at++] = '"';
        System.arraycopy(quoted, 0, out, at, quoted.length);
        at += quoted.length;
        out[at++] = '"';
        System.arraycopy(raw, modelEnd, out, at, raw.length - modelEnd);
        return out;
    }
}

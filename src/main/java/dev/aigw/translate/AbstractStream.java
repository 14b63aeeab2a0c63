package dev.aigw.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bookkeeping every translating stream keeps the same way: whether it has ended, whether it ended
 * cleanly, the model the backend named, the client-schema finish reason and the usage so far.
 */
abstract class AbstractStream implements StreamTranslator {

    /** Nothing more may be written: the stream ended, cleanly or with an error event. */
    boolean done;
    boolean completed;
    /** The requested model until the backend names one; what the client's events report. */
    String model;
    private boolean modelSeen;
    String finish;
    Usage usage = Usage.ZERO;

    AbstractStream(String requestedModel) {
        this.model = requestedModel;
    }

    /** Translates one backend event into client events; called only while the stream is open. */
    abstract void translate(SseEvent e, List<SseEvent> out);

    /** Writes the client's clean end: last usage, stop reason, end marker. */
    abstract void finishStream(List<SseEvent> out);

    /** Writes the client's error for a backend stream that closed before its answer was whole. */
    abstract void truncated(List<SseEvent> out);

    @Override
    public final List<SseEvent> onEvent(SseEvent e) {
        List<SseEvent> out = new ArrayList<>();
        if (!done) {
            translate(e, out);
        }
        return out;
    }

    @Override
    public final List<SseEvent> onEnd() {
        List<SseEvent> out = new ArrayList<>();
        if (done) {
            return out;
        }
        if (finish != null) {
            // Only the backend's closing events (end marker, late usage) are missing: the answer is whole.
            completed = true;
            finishStream(out);
        } else {
            truncated(out);
        }
        done = true;
        return out;
    }

    void seeModel(String m) {
        model = m;
        modelSeen = true;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    /** Empty until the backend names the model: Bedrock never does. */
    @Override
    public Optional<String> model() {
        return modelSeen ? Optional.of(model) : Optional.empty();
    }

    @Override
    public Optional<String> finishReason() {
        return Optional.ofNullable(finish);
    }

    @Override
    public boolean completed() {
        return completed;
    }
}

package dev.aigw.translate;

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

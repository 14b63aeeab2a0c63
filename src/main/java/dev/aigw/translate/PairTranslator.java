package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What every translator between two schemas remembers of the request: its context and the model
 * it asked for, which the response and the stream report when the backend names none.
 */
abstract class PairTranslator implements Translator {

    private final Schema client;
    private final Schema backend;
    RequestContext ctx = RequestContext.defaults();
    String requestedModel = "";
    private final java.util.List<String> warnings = new java.util.ArrayList<>();

    PairTranslator(Schema client, Schema backend) {
        this.client = client;
        this.backend = backend;
    }

    @Override
    public final Schema client() {
        return client;
    }

    @Override
    public final Schema backend() {
        return backend;
    }

    /** A request this translator refused, in the error shape of the client's schema. */
    @Override
    public TranslatedError error(TranslationException e) {
        return switch (client) {
            case OPENAI_CHAT -> OpenAiOut.invalidRequest(e);
            case ANTHROPIC_MESSAGES -> AnthropicOut.invalidRequest(e);
            case GEMINI_GENERATE -> GeminiOut.invalidRequest(e);
            default -> throw new IllegalStateException("no translator has " + client + " clients");
        };
    }

    /** Top-level request fields this pair drops because the backend has no equivalent. */
    java.util.Set<String> droppedFields() {
        return java.util.Set.of();
    }

    @Override
    public java.util.List<String> warnings() {
        return java.util.List.copyOf(warnings);
    }

    /** A client field below the top level that was dropped, reported like {@link #droppedFields()}. */
    final void warn(String field, String why) {
        warnings.add(field + ": " + why);
    }

    /** Keeps the context and returns the model: the route's choice wins over the body's. */
    final String begin(ObjectNode in, RequestContext ctx) throws TranslationException {
        this.ctx = ctx;
        warnings.clear();
        for (String f : droppedFields()) {
            if (in.has(f) && !in.get(f).isNull()) warnings.add(f + ": not supported by " + backend.id() + ", dropped");
        }
        String model = ctx.model().or(() -> Json.text(in, "model")).orElse("");
        if (model.isEmpty()) {
            throw invalid("model", "is required");
        }
        requestedModel = model;
        return model;
    }
}

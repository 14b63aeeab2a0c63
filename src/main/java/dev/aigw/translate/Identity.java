package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The "translator" for a request whose client schema is the backend's schema: bodies pass as they
 * are, and what metering needs (usage, model, finish reason) is read on the way through, so every
 * AI response yields usage whether or not it was translated.
 *
 * <p>One exception, so that OpenAI streams always report usage: for an OpenAI-format streaming
 * request the upstream body asks for {@code stream_options.include_usage: true}. When the client
 * had not asked for it itself, the stream drops the final usage-only chunk (empty
 * {@code choices}, {@code usage} set) and the {@code "usage": null} the upstream then adds to
 * every other chunk, so the client sees exactly what it asked for.
 *
 * <p>{@link #identity()} is true: {@link #response} and {@link #error} return their input
 * unchanged, so the proxy may relay the upstream's raw bytes and call them only for the
 * accounting. {@link #requestUnchanged()} and {@link StreamTranslator#passthrough()} say when the
 * request body and the stream may be relayed raw too.
 *
 * <p>Gemini puts streaming in the path, not the body: {@link TranslatedRequest#streaming()} is
 * false for Gemini here and {@link TranslatedRequest#path()} is null; the provider decides.
 */
public final class Identity implements Translator {
    /** Completion text kept per stream for token estimation; beyond it only the length is counted. */
    static final int MAX_TEXT_CHARS = 1 << 20;

    private final Schema schema;
    /** Whether the client asked for stream usage itself (OpenAI only; true means nothing to hide). */
    private boolean clientIncludeUsage = true;
    private boolean requestUnchanged = true;

    public Identity(Schema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    @Override
    public Schema client() {
        return schema;
    }

    @Override
    public Schema backend() {
        return schema;
    }

    @Override
    public boolean identity() {
        return true;
    }

    /** After {@link #request}: whether the upstream body equals the client's (the raw bytes may be sent). */
    public boolean requestUnchanged() {
        return requestUnchanged;
    }

    /** After {@link #request}: whether the client asked for stream usage (always true outside OpenAI streams). */
    public boolean clientAskedForUsage() {
        return clientIncludeUsage;
    }

    @Override
    public TranslatedRequest request(ObjectNode clientBody, RequestContext ctx) {
        Objects.requireNonNull(clientBody, "clientBody");
        String model = ctx.model().orElseGet(() -> Json.text(clientBody, "model").orElse(null));
        boolean stream = clientBody.path("stream").asBoolean(false);
        return switch (schema) {
            case OPENAI_CHAT -> {
                ObjectNode out = clientBody;
                if (stream) {
                    JsonNode opts = clientBody.get("stream_options");
                    clientIncludeUsage = opts != null && opts.path("include_usage").asBoolean(false);
                    if (!clientIncludeUsage) {
                        // A copy: the proxy may still hold the client's body (failover to another format).
                        out = clientBody.deepCopy();
                        ObjectNode o = opts instanceof ObjectNode on ? on.deepCopy() : Json.obj();
                        o.put("include_usage", true);
                        out.set("stream_options", o);
                        requestUnchanged = false;
                    }
                }
                yield new TranslatedRequest(out, OpenAiChatProvider.PATH, stream, model);
            }
            case ANTHROPIC_MESSAGES -> new TranslatedRequest(clientBody, AnthropicMessagesProvider.PATH, stream, model);
            case GEMINI_GENERATE, BEDROCK_CONVERSE -> new TranslatedRequest(clientBody, null, false, ctx.model().orElse(null));
            // Responses streams end with response.completed, which carries usage: nothing to add (OpenAI refuses stream_options here).
            case OPENAI_RESPONSES -> new TranslatedRequest(clientBody, "/v1/responses", stream, model);
            case OPENAI_EMBEDDINGS -> new TranslatedRequest(clientBody, "/v1/embeddings", false, model);
        };
    }

    @Override
    public TranslatedResponse response(ObjectNode upstreamBody) {
        return switch (schema) {
            case OPENAI_CHAT -> new TranslatedResponse(upstreamBody,
                    OpenAiChatProvider.usage(upstreamBody.path("usage")),
                    Json.text(upstreamBody, "model"),
                    Json.text(upstreamBody.path("choices").path(0), "finish_reason"));
            case ANTHROPIC_MESSAGES -> new TranslatedResponse(upstreamBody,
                    AnthropicMessagesProvider.usage(upstreamBody.path("usage")),
                    Json.text(upstreamBody, "model"),
                    Json.text(upstreamBody, "stop_reason"));
            case GEMINI_GENERATE -> new TranslatedResponse(upstreamBody,
                    geminiUsage(upstreamBody.path("usageMetadata")),
                    Json.text(upstreamBody, "modelVersion"),
                    Json.text(upstreamBody.path("candidates").path(0), "finishReason"));
            case BEDROCK_CONVERSE -> new TranslatedResponse(upstreamBody,
                    Bedrock.parseUsage(upstreamBody.path("usage")), Optional.empty(),
                    Json.text(upstreamBody, "stopReason"));
            case OPENAI_RESPONSES -> new TranslatedResponse(upstreamBody,
                    ResponsesUsage.responses(upstreamBody.path("usage")), Json.text(upstreamBody, "model"),
                    Json.text(upstreamBody, "status"));
            case OPENAI_EMBEDDINGS -> new TranslatedResponse(upstreamBody,
                    ResponsesUsage.embeddings(upstreamBody.path("usage")), Json.text(upstreamBody, "model"),
                    Optional.empty());
        };
    }

    /** Gemini's own total when it gives one (it is the sum the other translators compute). */
    static Usage geminiUsage(JsonNode u) {
        return geminiUsage(Json.longOr0(u, "promptTokenCount"), Json.longOr0(u, "toolUsePromptTokenCount"),
                Json.longOr0(u, "thoughtsTokenCount"), Json.longOr0(u, "candidatesTokenCount"),
                Json.longOr0(u, "cachedContentTokenCount"), Json.longOr0(u, "totalTokenCount"));
    }

    /** {@link Gemini#parseUsage}'s reading of these counts, with Gemini's total when it gives one. */
    static Usage geminiUsage(long prompt, long toolUsePrompt, long thoughts, long candidates, long cached, long total) {
        long input = prompt + toolUsePrompt;
        long output = candidates + thoughts;
        return new Usage(input, output, total > 0 ? total : input + output, cached, 0, thoughts); // one object: read per chunk
    }

    @Override
    public TranslatedError error(int status, ObjectNode upstreamError) {
        if (upstreamError != null) {
            return new TranslatedError(status, upstreamError);
        }
        // Not JSON: the proxy should relay the raw bytes; this is a well-formed stand-in.
        return new TranslatedError(status, errorBody(status, "upstream returned HTTP " + status));
    }

    @Override
    public TranslatedError error(TranslationException e) {
        return new TranslatedError(e.status(), errorBody(e.status(), e.getMessage()));
    }

    private ObjectNode errorBody(int status, String message) {
        return switch (schema) {
            case OPENAI_CHAT, OPENAI_RESPONSES, OPENAI_EMBEDDINGS ->
                    ErrorBodies.openAi(message, ErrorBodies.openAiTypeForStatus(status), null, null);
            case ANTHROPIC_MESSAGES -> ErrorBodies.anthropic(ErrorBodies.anthropicTypeForStatus(status), message);
            case GEMINI_GENERATE -> {
                ObjectNode root = Json.obj();
                root.putObject("error").put("code", status).put("message", message);
                yield root;
            }
            case BEDROCK_CONVERSE -> Json.obj().put("message", message);
        };
    }

    @Override
    public StreamTranslator stream() {
        return new IdentityStream(schema, !clientIncludeUsage);
    }
}

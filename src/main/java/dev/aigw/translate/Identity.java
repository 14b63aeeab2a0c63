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
        Usage p = Gemini.parseUsage(u);
        long total = Json.longOr0(u, "totalTokenCount");
        return total > 0 ? new Usage(p.input(), p.output(), total, p.cacheRead(), p.cacheWrite(), p.reasoning()) : p;
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
        return new Stream(schema, !clientIncludeUsage);
    }

    /** Re-emits every event as it came, reading usage, model, finish reason and text on the way. */
    private static final class Stream implements StreamTranslator {
        private final Schema schema;
        private final boolean hideUsage;
        private final StringBuilder text = new StringBuilder();
        private long textChars;
        private String model;
        private String finish;
        private boolean completed;
        private boolean failed;
        // Anthropic reports counts in two places, each field cumulative; OpenAI and Gemini give totals.
        private final AnthropicStreamUsage anthropicUsage = new AnthropicStreamUsage();
        private Usage usage = Usage.ZERO;

        Stream(Schema schema, boolean hideUsage) {
            this.schema = schema;
            this.hideUsage = hideUsage;
        }

        @Override
        public boolean passthrough() {
            return !hideUsage;
        }

        @Override
        public List<SseEvent> onEvent(SseEvent e) {
            if (e.isDone()) {
                if (!failed) {
                    completed = true;
                }
                return List.of(e);
            }
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return List.of(e);
            }
            ObjectNode d = parsed.get();
            return switch (schema) {
                case OPENAI_CHAT -> openAi(e, d);
                case ANTHROPIC_MESSAGES -> {
                    anthropic(e, d);
                    yield List.of(e);
                }
                case GEMINI_GENERATE -> {
                    gemini(d);
                    yield List.of(e);
                }
                case BEDROCK_CONVERSE -> {
                    bedrock(e, d);
                    yield List.of(e);
                }
                case OPENAI_RESPONSES -> {
                    responses(d);
                    yield List.of(e);
                }
                case OPENAI_EMBEDDINGS -> List.of(e);
            };
        }

        private List<SseEvent> openAi(SseEvent e, ObjectNode d) {
            if (d.has("error")) {
                failed = true;
                completed = false;
                return List.of(e);
            }
            Json.text(d, "model").ifPresent(m -> model = m);
            JsonNode choices = d.path("choices");
            for (JsonNode c : choices) {
                Json.text(c, "finish_reason").ifPresent(f -> finish = f);
                JsonNode delta = c.path("delta");
                appendText(delta, "content");
                appendText(delta, "reasoning_content");
                appendText(delta, "refusal");
                for (JsonNode tc : delta.path("tool_calls")) {
                    appendText(tc.path("function"), "arguments");
                }
            }
            JsonNode u = d.get("usage");
            boolean hasUsage = u != null && u.isObject();
            if (hasUsage) {
                usage = OpenAiChatProvider.usage(u);
            }
            if (!hideUsage) {
                return List.of(e);
            }
            if (hasUsage && choices.isArray() && choices.isEmpty()) {
                return List.of(); // the usage chunk the gateway asked for, not the client
            }
            if (d.has("usage")) {
                // "usage": null on every chunk, or usage on a content chunk: keep the chunk, drop the field.
                // The common compact form is cut out of the text; re-writing the tree costs more.
                if (!hasUsage) {
                    String data = e.data();
                    String nullUsage = ",\"usage\":null";
                    int at = data.indexOf(nullUsage);
                    if (at >= 0 && data.indexOf(nullUsage, at + 1) < 0) {
                        return List.of(new SseEvent(e.event(), data.substring(0, at) + data.substring(at + nullUsage.length()),
                                e.id()));
                    }
                }
                d.remove("usage");
                return List.of(new SseEvent(e.event(), Json.write(d), e.id()));
            }
            return List.of(e);
        }

        /** Responses events: text deltas, and usage in the terminal response.completed / incomplete / failed. */
        private void responses(ObjectNode d) {
            String type = Json.text(d, "type").orElse("");
            switch (type) {
                case "response.output_text.delta", "response.function_call_arguments.delta",
                     "response.reasoning_summary_text.delta", "response.custom_tool_call_input.delta" ->
                        appendText(d, "delta");
                case "response.created" -> Json.text(d.path("response"), "model").ifPresent(m -> model = m);
                case "response.completed", "response.incomplete", "response.failed" -> {
                    JsonNode r = d.path("response");
                    Json.text(r, "model").ifPresent(m -> model = m);
                    Json.text(r, "status").ifPresent(s -> finish = s);
                    if (r.get("usage") instanceof ObjectNode u) usage = ResponsesUsage.responses(u);
                    if (type.equals("response.failed")) failed = true;
                    completed = !failed;
                }
                case "error" -> {
                    failed = true;
                    completed = false;
                }
                default -> {
                }
            }
        }

        /** Converse stream events arrive named by {@code :event-type}; usage is in {@code metadata}. */
        private void bedrock(SseEvent e, ObjectNode d) {
            String type = e.event().orElse("");
            switch (type) {
                case "contentBlockDelta" -> {
                    JsonNode delta = d.path("delta");
                    appendText(delta, "text");
                    appendText(delta.path("toolUse"), "input");
                }
                case "messageStop" -> {
                    Json.text(d, "stopReason").ifPresent(r -> finish = r);
                    if (!failed) completed = true;
                }
                case "metadata" -> usage = Bedrock.parseUsage(d.path("usage"));
                default -> {
                    if (type.startsWith("exception:") || type.startsWith("error:")) {
                        failed = true;
                        completed = false;
                    }
                }
            }
        }

        private void anthropic(SseEvent e, ObjectNode d) {
            String type = Json.text(d, "type").orElse(e.event().orElse(""));
            switch (type) {
                case "message_start" -> {
                    JsonNode msg = d.path("message");
                    Json.text(msg, "model").ifPresent(m -> model = m);
                    absorbAnthropic(msg.path("usage"));
                }
                case "message_delta" -> {
                    Json.text(d.path("delta"), "stop_reason").ifPresent(r -> finish = r);
                    absorbAnthropic(d.path("usage"));
                }
                case "content_block_start" -> {
                    JsonNode b = d.path("content_block");
                    appendText(b, "text");
                }
                case "content_block_delta" -> {
                    JsonNode delta = d.path("delta");
                    appendText(delta, "text");
                    appendText(delta, "thinking");
                    appendText(delta, "partial_json");
                }
                case "message_stop" -> {
                    if (!failed) {
                        completed = true;
                    }
                }
                case "error" -> {
                    failed = true;
                    completed = false;
                }
                default -> {
                    // ping and unknown events carry nothing to count
                }
            }
        }

        private void absorbAnthropic(JsonNode u) {
            if (!u.isObject()) {
                return;
            }
            anthropicUsage.absorb(u);
            usage = anthropicUsage.usage();
        }

        private void gemini(ObjectNode d) {
            if (d.has("error")) {
                failed = true;
                completed = false;
                return;
            }
            Json.text(d, "modelVersion").ifPresent(m -> model = m);
            if (d.get("usageMetadata") instanceof ObjectNode u) {
                usage = geminiUsage(u); // cumulative in every chunk
            }
            for (JsonNode cand : d.path("candidates")) {
                Json.text(cand, "finishReason").ifPresent(f -> {
                    finish = f;
                    if (!failed) {
                        completed = true; // Gemini has no end sentinel: a finish reason is the clean end
                    }
                });
                for (JsonNode part : cand.path("content").path("parts")) {
                    appendText(part, "text");
                    JsonNode call = part.get("functionCall");
                    if (call != null) {
                        appendRaw(Json.write(call));
                    }
                }
            }
        }

        private void appendText(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v != null && v.isTextual()) {
                appendRaw(v.asText());
            }
        }

        private void appendRaw(String s) {
            textChars += s.length();
            int room = MAX_TEXT_CHARS - text.length();
            if (room > 0) {
                text.append(s, 0, Math.min(room, s.length()));
            }
        }

        @Override
        public List<SseEvent> onEnd() {
            return List.of();
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public Optional<String> model() {
            return Optional.ofNullable(model);
        }

        @Override
        public Optional<String> finishReason() {
            return Optional.ofNullable(finish);
        }

        @Override
        public boolean completed() {
            return completed;
        }

        @Override
        public StreamedText streamedText() {
            return new StreamedText(text.toString(), textChars);
        }
    }
}

package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client speaks OpenAI Chat Completions, backend speaks Amazon Bedrock Converse
 * ({@code POST /model/{modelId}/converse}) and ConverseStream ({@code /converse-stream}, framed
 * as an AWS binary event stream: parse it with {@link EventStreamParser}).
 *
 * <p>Notes:
 * <ul>
 *   <li>The model goes in the path, percent-encoded; the body has none. Signing (SigV4) or the
 *       Bedrock API key header is the proxy's job.</li>
 *   <li>Images must be inline (base64 data URLs) or {@code s3://} URIs; Bedrock fetches no http
 *       URLs, so those are rejected with 400. Files become {@code document} blocks.</li>
 *   <li>{@code response_format} becomes a system instruction (best effort, not enforced), as for
 *       Anthropic backends. {@code top_k} goes in {@code additionalModelRequestFields}.</li>
 *   <li>{@code tool_choice: none} has no Converse form: the tools are left out, unless the
 *       history holds tool calls (Converse then requires toolConfig) and the model may call.</li>
 *   <li>A guardrail comes from {@link RequestContext#guardrail()}, never from the client.</li>
 *   <li>Dropped: {@code reasoning_effort} (model-specific on Bedrock), {@code seed},
 *       {@code user}, penalties, {@code logit_bias}, {@code logprobs}, {@code parallel_tool_calls},
 *       image {@code detail}, the response's {@code metrics} and guardrail {@code trace}.
 *       {@code n} other than 1 is rejected.</li>
 * </ul>
 */
public final class OpenAiChatToBedrockConverse extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("reasoning_effort", "seed", "user", "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "parallel_tool_calls");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    private boolean includeUsage;

    public OpenAiChatToBedrockConverse() {
        super(Schema.OPENAI_CHAT, Schema.BEDROCK_CONVERSE);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        ArrayNode system = Json.arr();
        ArrayNode messages = messages(in, system);
        out.set("messages", messages);
        OpenAiChatToAnthropicMessages.responseFormat(in).ifPresent(s -> system.add(Bedrock.text(s)));
        if (!system.isEmpty()) {
            out.set("system", system);
        }

        ObjectNode inference = out.putObject("inferenceConfig");
        inference.put("maxTokens", ctx.defaultMaxTokens());
        for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
            if (Json.present(in, f)) {
                Bedrock.positiveInt(in, f, inference, "maxTokens");
                break;
            }
        }
        Bedrock.number(in, "temperature", inference, "temperature");
        Bedrock.number(in, "top_p", inference, "topP");
        OpenAiChatToAnthropicMessages.stop(in).ifPresent(s -> inference.set("stopSequences", s));
        if (Json.present(in, "top_k")) {
            Bedrock.number(in, "top_k", out.putObject("additionalModelRequestFields"), "top_k");
        }
        if (Json.present(in, "n") && in.get("n").asInt(1) != 1) {
            throw unsupported("n", "bedrock-converse backends return a single choice; n must be 1");
        }
        tools(in, out, messages);
        Bedrock.guardrail(ctx, out);

        boolean stream = in.path("stream").asBoolean(false);
        includeUsage = stream && in.path("stream_options").path("include_usage").asBoolean(false);
        return new TranslatedRequest(out, Bedrock.path(model, stream), stream, model);
    }

    private ArrayNode messages(ObjectNode in, ArrayNode system) throws TranslationException {
        JsonNode msgs = RequestFields.messages(in);
        ArrayNode out = Json.arr();
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            switch (role) {
                case "system", "developer" -> {
                    for (String t : OpenAiIn.texts(m.get("content"), at + ".content", true)) {
                        system.add(Bedrock.text(t));
                    }
                }
                case "user" -> Bedrock.addMessage(out, "user", userContent(m.get("content"), at + ".content"));
                case "assistant" -> Bedrock.addMessage(out, "assistant", assistant(m, at));
                case "tool" -> {
                    // Consecutive tool messages merge into one user turn, as Converse requires.
                    ObjectNode block = Json.obj();
                    ObjectNode tr = block.putObject("toolResult");
                    tr.put("toolUseId", Json.text(m, "tool_call_id").orElseThrow(() -> invalid(at + ".tool_call_id", "is required")));
                    tr.putArray("content").add(Bedrock.toolResultContent(String.join("\n", OpenAiIn.texts(m.get("content"), at + ".content", true))));
                    ArrayNode content = Json.arr();
                    content.add(block);
                    Bedrock.addMessage(out, "user", content);
                }
                case "function" -> throw unsupported(at + ".role", "legacy function messages are not supported; use tool");
                default -> throw invalid(at + ".role", "unknown role '" + role + "'");
            }
        }
        return out;
    }

    private static ArrayNode userContent(JsonNode content, String at) throws TranslationException {
        if (content == null || content.isNull()) {
            throw invalid(at, "is required for user messages");
        }
        ArrayNode blocks = Json.arr();
        if (content.isTextual()) {
            blocks.add(Bedrock.text(content.asText()));
            return blocks;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content parts");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode p = content.get(j);
            String pat = at + "[" + j + "]";
            String type = p.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!p.path("text").asText().isEmpty()) { // Converse rejects blank text blocks
                        blocks.add(Bedrock.text(p.path("text").asText()));
                    }
                }
                case "image_url" -> {
                    JsonNode iu = p.get("image_url");
                    String url = iu != null && iu.isTextual() ? iu.asText() : iu == null ? "" : iu.path("url").asText("");
                    Optional<Media.DataUrl> data = Media.parseDataUrl(url);
                    if (data.isPresent()) {
                        blocks.add(Bedrock.image(data.get().mediaType(), data.get().base64(), pat + ".image_url.url"));
                    } else if (url.startsWith("s3://")) {
                        blocks.add(Bedrock.s3Image(url, pat + ".image_url.url"));
                    } else {
                        throw unsupported(pat + ".image_url.url", "bedrock-converse backends take images as base64 data URLs or s3:// URIs only");
                    }
                }
                case "file" -> {
                    JsonNode file = p.path("file");
                    if (Json.present(file, "file_id")) {
                        throw unsupported(pat + ".file.file_id", "uploaded file ids cannot be resolved for bedrock-converse backends; send file_data");
                    }
                    String fd = Json.text(file, "file_data").orElseThrow(() -> invalid(pat + ".file.file_data", "is required"));
                    Media.DataUrl data = Media.parseDataUrl(fd).orElseThrow(() -> invalid(pat + ".file.file_data", "must be a base64 data URL"));
                    blocks.add(Bedrock.document(data.mediaType(), data.base64(), Json.text(file, "filename").orElse(null), pat + ".file.file_data"));
                }
                case "input_audio" -> throw unsupported(pat + ".type", "audio input is not supported by bedrock-converse backends");
                default -> throw invalid(pat + ".type", "unknown content part type '" + type + "'");
            }
        }
        if (blocks.isEmpty()) {
            throw invalid(at, "must contain at least one non-empty part");
        }
        return blocks;
    }

    private static ArrayNode assistant(JsonNode m, String at) throws TranslationException {
        ArrayNode blocks = Json.arr();
        for (String t : OpenAiIn.texts(m.get("content"), at + ".content", true)) {
            blocks.add(Bedrock.text(t));
        }
        JsonNode calls = m.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode tc = calls.get(k);
            String tat = at + ".tool_calls[" + k + "]";
            String id = Json.text(tc, "id").orElseThrow(() -> invalid(tat + ".id", "is required"));
            String name = Json.text(tc.path("function"), "name").orElseThrow(() -> invalid(tat + ".function.name", "is required"));
            String args = tc.path("function").path("arguments").asText("");
            ObjectNode input = args.isBlank() ? Json.obj() : Json.parseObject(args)
                    .orElseThrow(() -> invalid(tat + ".function.arguments", "must be a JSON object encoded as a string"));
            blocks.add(Bedrock.toolUse(id, name, input));
        }
        return blocks;
    }

    private static void tools(ObjectNode in, ObjectNode out, ArrayNode messages) throws TranslationException {
        JsonNode tools = RequestFields.tools(in);
        if (tools == null) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (int k = 0; k < tools.size(); k++) {
            JsonNode t = tools.get(k);
            String at = "tools[" + k + "]";
            if (!t.path("type").asText("function").equals("function")) {
                throw unsupported(at + ".type", "only function tools are supported");
            }
            JsonNode fn = t.path("function");
            specs.add(Bedrock.toolSpec(Json.text(fn, "name").orElseThrow(() -> invalid(at + ".function.name", "is required")),
                    Json.text(fn, "description"), fn.get("parameters")));
        }
        JsonNode tc = in.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return;
        }
        if (tc.isTextual()) {
            switch (tc.asText()) {
                case "auto" -> config.set("toolChoice", Bedrock.toolChoice("auto", null));
                case "required" -> config.set("toolChoice", Bedrock.toolChoice("any", null));
                case "none" -> Bedrock.toolChoiceNone(out, messages);
                default -> throw invalid("tool_choice", "must be auto, none, required or a named function");
            }
        } else if (tc.isObject()) {
            config.set("toolChoice", Bedrock.toolChoice("tool", Json.text(tc.path("function"), "name")
                    .orElseThrow(() -> invalid("tool_choice.function.name", "is required"))));
        } else {
            throw invalid("tool_choice", "must be a string or an object");
        }
    }

    // ---------------------------------------------------------------- response

    static String mapStopReason(String bedrockStopReason, boolean sawToolCall) {
        return switch (bedrockStopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> sawToolCall ? "tool_calls" : "stop"; // end_turn, stop_sequence
        };
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String id = "chatcmpl-" + ctx.ids().get();
        long created = ctx.epochSeconds().getAsLong();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Json.arr();
        for (JsonNode b : up.path("output").path("message").path("content")) {
            if (b.has("text")) {
                text.append(b.path("text").asText(""));
            } else if (b.has("toolUse")) {
                JsonNode u = b.get("toolUse");
                calls.add(OpenAiOut.toolCall(Json.text(u, "toolUseId").orElseGet(() -> "call_" + ctx.ids().get()),
                        u.path("name").asText(), u.get("input")));
            } else if (b.has("reasoningContent")) {
                reasoning.append(b.path("reasoningContent").path("reasoningText").path("text").asText(""));
            }
        }
        String finish = mapStopReason(Json.text(up, "stopReason").orElse("end_turn"), !calls.isEmpty());
        Usage usage = Bedrock.parseUsage(up.path("usage"));
        ObjectNode out = OpenAiOut.completion(id, created, requestedModel, text, reasoning, calls, finish, OpenAiOut.usage(usage));
        return new TranslatedResponse(out, usage, Optional.of(requestedModel), Optional.of(finish));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return openAiError(status, Bedrock.errorMessage(upstream, status));
    }

    private static TranslatedError openAiError(int status, String message) {
        String code = switch (status) {
            case 429 -> "rate_limit_exceeded";
            case 404 -> "model_not_found";
            default -> null;
        };
        return new TranslatedError(status, ErrorBodies.openAi(message, Bedrock.openAiErrorType(status), null, code));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /**
     * ConverseStream events: messageStart, contentBlockStart (tool use only), contentBlockDelta,
     * contentBlockStop, messageStop (stop reason), then metadata (usage). Text blocks get no
     * start event. ConverseStream never names the model.
     */
    private final class Stream extends AbstractStream {
        private final OpenAiOut.Chunks chunks = new OpenAiOut.Chunks(ctx, () -> model);
        private boolean started;
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
        private boolean usageSeen;

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            String type = e.event().orElse("");
            ObjectNode d = Json.parseObject(e.data()).orElseGet(Json::obj);
            if (type.startsWith("exception:") || type.startsWith("error:")) {
                int status = Bedrock.statusForException(type.substring(type.indexOf(':') + 1));
                OpenAiOut.fail(out, openAiError(status, Bedrock.errorMessage(d, status)).body());
                done = true;
                return;
            }
            switch (type) {
                case "messageStart" -> start(out);
                case "contentBlockStart" -> {
                    JsonNode tu = d.path("start").path("toolUse");
                    if (tu.isObject()) {
                        start(out);
                        int toolIndex = toolIndexByBlock.size();
                        toolIndexByBlock.put(d.path("contentBlockIndex").asInt(), toolIndex);
                        out.add(chunks.toolStart(toolIndex, Json.text(tu, "toolUseId").orElseGet(() -> "call_" + ctx.ids().get()),
                                tu.path("name").asText()));
                    }
                }
                case "contentBlockDelta" -> {
                    JsonNode delta = d.path("delta");
                    start(out);
                    if (delta.has("text")) {
                        String t = delta.path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(chunks.text("content", t));
                        }
                    } else if (delta.has("toolUse")) {
                        String partial = delta.path("toolUse").path("input").asText("");
                        Integer toolIndex = toolIndexByBlock.get(d.path("contentBlockIndex").asInt());
                        if (!partial.isEmpty() && toolIndex != null) {
                            out.add(chunks.toolArguments(toolIndex, partial));
                        }
                    } else if (delta.path("reasoningContent").has("text")) {
                        String t = delta.path("reasoningContent").path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(chunks.text("reasoning_content", t));
                        }
                    }
                    // reasoning signature and redactedContent have no Chat Completions form.
                }
                case "messageStop" -> {
                    if (finish == null) {
                        start(out);
                        finish = mapStopReason(Json.text(d, "stopReason").orElse("end_turn"), !toolIndexByBlock.isEmpty());
                        out.add(chunks.finish(finish));
                    }
                }
                case "metadata" -> {
                    usage = Bedrock.parseUsage(d.path("usage"));
                    usageSeen = true;
                    if (finish != null) {
                        completed = true;
                        finishStream(out);
                    }
                }
                default -> {
                    // contentBlockStop and future event types need no output.
                }
            }
        }

        @Override
        void truncated(List<SseEvent> out) {
            OpenAiOut.truncated(out);
        }

        private void start(List<SseEvent> out) {
            if (started) {
                return;
            }
            started = true;
            out.add(chunks.role());
        }

        @Override
        void finishStream(List<SseEvent> out) {
            // Without a metadata event the usage is unknown, and zeros would read as a real count.
            chunks.end(out, includeUsage && usageSeen ? OpenAiOut.usage(usage) : null);
            done = true;
        }
    }
}

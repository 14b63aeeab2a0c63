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
 * Client speaks OpenAI Chat Completions, backend speaks Anthropic Messages.
 *
 * <p>Lossy spots, by design:
 * <ul>
 *   <li>System and developer messages anywhere in the conversation are hoisted, in order, into
 *       Anthropic's single top-level {@code system}.</li>
 *   <li>{@code response_format} json_object and json_schema become an extra system instruction
 *       carrying the schema: best effort, not enforced. Anthropic's native
 *       {@code output_config.format} constrains decoding but only on recent models, and not on
 *       every Bedrock or Vertex deployment; switching to it per backend is left to configuration
 *       the gateway does not have yet.</li>
 *   <li>Dropped silently: {@code seed}, {@code logprobs}, {@code top_logprobs},
 *       {@code frequency_penalty}, {@code presence_penalty}, {@code logit_bias}, {@code store},
 *       {@code metadata}, {@code service_tier}, image {@code detail}, tool {@code strict},
 *       message {@code name}. {@code n} other than 1 is rejected.</li>
 *   <li>temperature above 1 is rejected with a 400 rather than clamped: Anthropic accepts 0..1,
 *       OpenAI 0..2, and clamping would change sampling without telling anyone.</li>
 *   <li>Thinking output is exposed as {@code reasoning_content}, the de facto extension other
 *       OpenAI-compatible servers use; the Anthropic signature is not carried.</li>
 * </ul>
 */
public final class OpenAiChatToAnthropicMessages extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("seed", "logprobs", "top_logprobs", "frequency_penalty", "presence_penalty", "logit_bias", "store", "metadata", "service_tier");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    static final String PATH = "/v1/messages";

    private boolean includeUsage;

    public OpenAiChatToAnthropicMessages() {
        super(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        out.put("model", model);

        ArrayNode system = Json.arr();
        out.set("messages", messages(in, system));

        long maxTokens = maxTokens(in);
        ObjectNode thinking = thinking(in, maxTokens);
        if (thinking != null && !Json.present(in, "max_completion_tokens") && !Json.present(in, "max_tokens")) {
            // The default must leave room for the answer after the thinking budget.
            maxTokens = thinking.path("budget_tokens").asLong() + ctx.defaultMaxTokens();
        }
        out.put("max_tokens", maxTokens);

        responseFormat(in).ifPresent(instruction -> system.add(textBlock(instruction)));
        if (system.size() == 1) {
            out.put("system", system.get(0).get("text").asText());
        } else if (!system.isEmpty()) {
            out.set("system", system);
        }

        stop(in).ifPresent(s -> out.set("stop_sequences", s));
        for (String f : new String[] {"temperature", "top_p", "top_k"}) {
            if (Json.present(in, f)) {
                if (!in.get(f).isNumber()) {
                    throw invalid(f, "must be a number");
                }
                out.set(f, in.get(f));
            }
        }
        if (in.path("temperature").isNumber() && in.get("temperature").asDouble() > 1.0) {
            throw invalid("temperature", "anthropic-messages backends accept 0 to 1, got " + in.get("temperature").asText());
        }
        if (thinking != null) {
            out.set("thinking", thinking);
        }

        Optional<String> user = Json.text(in, "user").or(() -> Json.text(in, "safety_identifier"));
        user.filter(u -> !u.isEmpty()).ifPresent(u -> out.putObject("metadata").put("user_id", u));

        if (Json.present(in, "n") && in.get("n").asInt(1) != 1) {
            throw unsupported("n", "anthropic-messages backends return a single choice; n must be 1");
        }

        tools(in, out);

        boolean stream = in.path("stream").asBoolean(false);
        if (stream) {
            out.put("stream", true);
            includeUsage = in.path("stream_options").path("include_usage").asBoolean(false);
        }
        return new TranslatedRequest(out, PATH, stream, model);
    }

    private ArrayNode messages(ObjectNode in, ArrayNode system) throws TranslationException {
        JsonNode msgs = RequestFields.messages(in);
        ArrayNode out = Json.arr();
        ArrayNode pendingToolResults = null; // content of the user message that collects tool results
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            ArrayNode lastToolResults = pendingToolResults;
            if (!role.equals("tool")) {
                pendingToolResults = null;
            }
            switch (role) {
                case "system", "developer" -> {
                    for (String text : OpenAiIn.texts(m.get("content"), at + ".content", false)) {
                        system.add(textBlock(text));
                    }
                }
                case "user" -> {
                    JsonNode content = userContent(m.get("content"), at + ".content");
                    if (lastToolResults != null) {
                        // Text after tool results belongs in the same user turn, after the results.
                        if (content.isTextual() && !content.asText().isEmpty()) {
                            lastToolResults.add(textBlock(content.asText()));
                        } else if (content.isArray()) {
                            lastToolResults.addAll((ArrayNode) content);
                        }
                    } else {
                        ObjectNode msg = out.addObject();
                        msg.put("role", "user");
                        msg.set("content", content);
                    }
                }
                case "assistant" -> assistant(m, at).ifPresent(out::add);
                case "tool" -> {
                    // Parallel tool results must reach Anthropic as one user turn.
                    if (pendingToolResults == null) {
                        ObjectNode msg = out.addObject();
                        msg.put("role", "user");
                        pendingToolResults = msg.putArray("content");
                    }
                    pendingToolResults.add(toolResult(m, at));
                }
                case "function" -> throw unsupported(at + ".role", "legacy function messages are not supported; use tool");
                default -> throw invalid(at + ".role", "unknown role '" + role + "'");
            }
        }
        return out;
    }

    private static JsonNode userContent(JsonNode content, String at) throws TranslationException {
        if (content == null || content.isNull()) {
            throw invalid(at, "is required for user messages");
        }
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content parts");
        }
        ArrayNode blocks = Json.arr();
        for (int j = 0; j < content.size(); j++) {
            JsonNode p = content.get(j);
            String pat = at + "[" + j + "]";
            String type = p.path("type").asText();
            switch (type) {
                case "text" -> {
                    String t = p.path("text").asText();
                    if (!t.isEmpty()) { // Anthropic rejects empty text blocks
                        blocks.add(textBlock(t));
                    }
                }
                case "image_url" -> blocks.add(image(p.get("image_url"), pat + ".image_url"));
                case "file" -> blocks.add(document(p.path("file"), pat + ".file"));
                case "input_audio" -> throw unsupported(pat + ".type", "audio input is not supported by anthropic-messages backends");
                default -> throw invalid(pat + ".type", "unknown content part type '" + type + "'");
            }
        }
        return blocks;
    }

    private static ObjectNode image(JsonNode imageUrl, String at) throws TranslationException {
        // Some clients send the URL string directly instead of {"url": ...}.
        JsonNode urlNode = imageUrl != null && imageUrl.isTextual() ? imageUrl : imageUrl == null ? null : imageUrl.get("url");
        if (urlNode == null || !urlNode.isTextual() || urlNode.asText().isEmpty()) {
            throw invalid(at + ".url", "is required");
        }
        String url = urlNode.asText();
        ObjectNode block = Json.obj();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        Optional<Media.DataUrl> data = Media.parseDataUrl(url);
        if (data.isPresent()) {
            // Clients often write image/jpg; Anthropic accepts only these four exact types.
            String mediaType = data.get().mediaType().equals("image/jpg") ? "image/jpeg" : data.get().mediaType();
            if (!List.of("image/jpeg", "image/png", "image/gif", "image/webp").contains(mediaType)) {
                throw unsupported(at + ".url", "image type " + mediaType + " is not supported; use jpeg, png, gif or webp");
            }
            source.put("type", "base64");
            source.put("media_type", mediaType);
            source.put("data", data.get().base64());
        } else if (Media.isHttpUrl(url)) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw invalid(at + ".url", "must be an http(s) URL or a base64 data URL");
        }
        return block;
    }

    private static ObjectNode document(JsonNode file, String at) throws TranslationException {
        if (Json.present(file, "file_id")) {
            throw unsupported(at + ".file_id", "uploaded file ids cannot be resolved for anthropic-messages backends; send file_data");
        }
        String fileData = Json.text(file, "file_data").orElseThrow(() -> invalid(at + ".file_data", "is required"));
        Media.DataUrl data = Media.parseDataUrl(fileData)
                .orElseThrow(() -> invalid(at + ".file_data", "must be a base64 data URL"));
        ObjectNode block = Json.obj();
        block.put("type", "document");
        ObjectNode source = block.putObject("source");
        source.put("type", "base64");
        source.put("media_type", data.mediaType());
        source.put("data", data.base64());
        Json.text(file, "filename").ifPresent(n -> block.put("title", n));
        return block;
    }

    private static Optional<ObjectNode> assistant(JsonNode m, String at) throws TranslationException {
        JsonNode content = m.get("content");
        JsonNode toolCalls = m.get("tool_calls");
        boolean hasTools = toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty();
        ObjectNode msg = Json.obj();
        msg.put("role", "assistant");
        if (!hasTools && content != null && content.isTextual()) {
            if (content.asText().isEmpty()) {
                return Optional.empty(); // Anthropic rejects empty assistant turns
            }
            msg.set("content", content);
            return Optional.of(msg);
        }
        ArrayNode blocks = msg.putArray("content");
        if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode p = content.get(j);
                String type = p.path("type").asText();
                String text = switch (type) {
                    case "text" -> p.path("text").asText();
                    case "refusal" -> p.path("refusal").asText();
                    default -> throw unsupported(at + ".content[" + j + "].type", "assistant content part '" + type + "' is not supported");
                };
                if (!text.isEmpty()) {
                    blocks.add(textBlock(text));
                }
            }
        } else if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            blocks.add(textBlock(content.asText()));
        }
        if (hasTools) {
            for (int k = 0; k < toolCalls.size(); k++) {
                JsonNode tc = toolCalls.get(k);
                String tat = at + ".tool_calls[" + k + "]";
                ObjectNode use = blocks.addObject();
                use.put("type", "tool_use");
                use.put("id", Json.text(tc, "id").orElseThrow(() -> invalid(tat + ".id", "is required")));
                JsonNode fn = tc.path("function");
                use.put("name", Json.text(fn, "name").orElseThrow(() -> invalid(tat + ".function.name", "is required")));
                use.set("input", arguments(fn.path("arguments").asText(""), tat + ".function.arguments"));
            }
        }
        return blocks.isEmpty() ? Optional.empty() : Optional.of(msg);
    }

    private static ObjectNode arguments(String args, String at) throws TranslationException {
        if (args.isBlank()) {
            return Json.obj();
        }
        return Json.parseObject(args).orElseThrow(() -> invalid(at, "must be a JSON object encoded as a string"));
    }

    private static ObjectNode toolResult(JsonNode m, String at) throws TranslationException {
        ObjectNode block = Json.obj();
        block.put("type", "tool_result");
        block.put("tool_use_id", Json.text(m, "tool_call_id").orElseThrow(() -> invalid(at + ".tool_call_id", "is required")));
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            block.set("content", content);
        } else {
            ArrayNode parts = block.putArray("content");
            for (String t : OpenAiIn.texts(content, at + ".content", false)) {
                parts.add(textBlock(t));
            }
        }
        return block;
    }

    private long maxTokens(ObjectNode in) throws TranslationException {
        for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
            if (Json.present(in, f)) {
                JsonNode v = in.get(f);
                if (!v.canConvertToLong() || v.asLong() <= 0) {
                    throw invalid(f, "must be a positive integer");
                }
                return v.asLong();
            }
        }
        return ctx.defaultMaxTokens();
    }

    /** Explicit {@code thinking} passes through; otherwise reasoning_effort picks a budget. */
    private static ObjectNode thinking(ObjectNode in, long maxTokens) throws TranslationException {
        if (in.get("thinking") instanceof ObjectNode t) {
            return t.deepCopy();
        }
        Optional<String> effort = Json.text(in, "reasoning_effort");
        if (effort.isEmpty() || effort.get().equals("none")) {
            return null;
        }
        long budget = switch (effort.get()) {
            case "minimal", "low" -> 1024;
            case "medium" -> 4096;
            case "high" -> 16384;
            default -> throw invalid("reasoning_effort", "must be one of none, minimal, low, medium, high");
        };
        boolean explicitMax = Json.present(in, "max_completion_tokens") || Json.present(in, "max_tokens");
        if (explicitMax && maxTokens <= budget) {
            throw invalid("max_completion_tokens", "must exceed the reasoning budget of " + budget
                    + " tokens that reasoning_effort=" + effort.get() + " maps to");
        }
        ObjectNode t = Json.obj();
        t.put("type", "enabled");
        t.put("budget_tokens", budget);
        return t;
    }

    static Optional<String> responseFormat(ObjectNode in) throws TranslationException {
        JsonNode rf = in.get("response_format");
        if (rf == null || rf.isNull()) {
            return Optional.empty();
        }
        String type = rf.path("type").asText();
        return switch (type) {
            case "text" -> Optional.empty();
            case "json_object" -> Optional.of("Respond only with a single valid JSON object. "
                    + "Do not wrap it in Markdown code fences or add any other text.");
            case "json_schema" -> {
                JsonNode schema = rf.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) {
                    throw invalid("response_format.json_schema.schema", "is required and must be an object");
                }
                yield Optional.of("Respond only with a single JSON value that conforms to this JSON schema. "
                        + "Do not wrap it in Markdown code fences or add any other text.\n"
                        + Json.write(schema));
            }
            default -> throw invalid("response_format.type", "must be text, json_object or json_schema");
        };
    }

    static Optional<ArrayNode> stop(ObjectNode in) throws TranslationException {
        JsonNode stop = in.get("stop");
        if (stop == null || stop.isNull()) {
            return Optional.empty();
        }
        ArrayNode out = Json.arr();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw invalid("stop", "must be a string or an array of strings");
                }
                out.add(s.asText());
            }
        } else {
            throw invalid("stop", "must be a string or an array of strings");
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private static void tools(ObjectNode in, ObjectNode out) throws TranslationException {
        JsonNode tools = RequestFields.tools(in);
        if (tools == null) {
            return; // Anthropic rejects tool_choice without tools, so drop it too
        }
        ArrayNode outTools = out.putArray("tools");
        for (int k = 0; k < tools.size(); k++) {
            JsonNode t = tools.get(k);
            String at = "tools[" + k + "]";
            String type = t.path("type").asText("function");
            if (!type.equals("function")) {
                throw unsupported(at + ".type", "only function tools are supported, got '" + type + "'");
            }
            JsonNode fn = t.path("function");
            ObjectNode o = outTools.addObject();
            o.put("name", Json.text(fn, "name").orElseThrow(() -> invalid(at + ".function.name", "is required")));
            Json.text(fn, "description").ifPresent(d -> o.put("description", d));
            JsonNode params = fn.get("parameters");
            if (params instanceof ObjectNode p) {
                o.set("input_schema", p);
            } else {
                // Anthropic requires an object schema even for tools without parameters.
                ObjectNode schema = o.putObject("input_schema");
                schema.put("type", "object");
                schema.putObject("properties");
            }
        }

        JsonNode tc = in.get("tool_choice");
        ObjectNode choice = null;
        if (tc != null && tc.isTextual()) {
            choice = Json.obj();
            switch (tc.asText()) {
                case "auto" -> choice.put("type", "auto");
                case "none" -> choice.put("type", "none");
                case "required" -> choice.put("type", "any");
                default -> throw invalid("tool_choice", "must be auto, none, required or a named function");
            }
        } else if (tc != null && tc.isObject()) {
            String name = Json.text(tc.path("function"), "name")
                    .orElseThrow(() -> invalid("tool_choice.function.name", "is required"));
            choice = Json.obj();
            choice.put("type", "tool");
            choice.put("name", name);
        } else if (tc != null && !tc.isNull()) {
            throw invalid("tool_choice", "must be a string or an object");
        }
        if (in.path("parallel_tool_calls").isBoolean() && !in.get("parallel_tool_calls").asBoolean()) {
            if (choice == null) {
                choice = Json.obj();
                choice.put("type", "auto");
            }
            // Anthropic rejects the flag on type none, where it would mean nothing anyway.
            if (!choice.path("type").asText().equals("none")) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    private static ObjectNode textBlock(String text) {
        ObjectNode b = Json.obj();
        b.put("type", "text");
        b.put("text", text);
        return b;
    }

    // ---------------------------------------------------------------- response

    static String mapStopReason(String anthropicStopReason) {
        return switch (anthropicStopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    static Usage parseUsage(JsonNode u) {
        long uncached = Json.longOr0(u, "input_tokens");
        long read = Json.longOr0(u, "cache_read_input_tokens");
        long write = Json.longOr0(u, "cache_creation_input_tokens");
        return Usage.of(uncached + read + write, Json.longOr0(u, "output_tokens"), read, write, 0);
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "model").orElse(requestedModel);
        String id = Json.text(up, "id").orElseGet(() -> "chatcmpl-" + ctx.ids().get());
        long created = ctx.epochSeconds().getAsLong();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.arr();
        for (JsonNode b : up.path("content")) {
            switch (b.path("type").asText()) {
                case "text" -> text.append(b.path("text").asText());
                case "thinking" -> reasoning.append(b.path("thinking").asText());
                case "tool_use" -> toolCalls.add(OpenAiOut.toolCall(
                        Json.text(b, "id").orElseGet(() -> "call_" + ctx.ids().get()), b.path("name").asText(), b.get("input")));
                default -> {
                    // redacted_thinking and server-tool blocks have no Chat Completions form.
                }
            }
        }
        String finish = mapStopReason(Json.text(up, "stop_reason").orElse("end_turn"));
        Usage usage = parseUsage(up.path("usage"));
        ObjectNode out = OpenAiOut.completion(id, created, model, text, reasoning, toolCalls, finish, OpenAiOut.usage(usage));
        return new TranslatedResponse(out, usage, Optional.of(model), Optional.of(finish));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        String anthropicType = upstream == null ? "" : upstream.path("error").path("type").asText("");
        if (anthropicType.isEmpty()) {
            anthropicType = ErrorBodies.anthropicTypeForStatus(status);
        }
        String code = switch (anthropicType) {
            case "rate_limit_error" -> "rate_limit_exceeded";
            case "not_found_error" -> "model_not_found";
            default -> anthropicType;
        };
        // 529 is Anthropic-only; generic HTTP clients and OpenAI SDKs know 503 as retryable overload.
        int outStatus = status == 529 ? 503 : status;
        return new TranslatedError(outStatus, ErrorBodies.openAi(ErrorBodies.message(upstream, status),
                ErrorBodies.openAiTypeForStatus(outStatus), null, code));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    private final class Stream extends AbstractStream {
        private final OpenAiOut.Chunks chunks = new OpenAiOut.Chunks(ctx, () -> model);
        private final AnthropicStreamUsage counts = new AnthropicStreamUsage();
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return; // not JSON: nothing a client could use
            }
            ObjectNode d = parsed.get();
            String type = Json.text(d, "type").or(e::event).orElse("");
            switch (type) {
                case "message_start" -> {
                    JsonNode msg = d.path("message");
                    Json.text(msg, "id").ifPresent(v -> chunks.id = v);
                    Json.text(msg, "model").ifPresent(this::seeModel);
                    counts.absorb(msg.path("usage"));
                    out.add(chunks.role());
                }
                case "content_block_start" -> {
                    JsonNode block = d.path("content_block");
                    switch (block.path("type").asText()) {
                        case "tool_use" -> {
                            int toolIndex = toolIndexByBlock.size();
                            toolIndexByBlock.put(d.path("index").asInt(), toolIndex);
                            out.add(chunks.toolStart(toolIndex, Json.text(block, "id").orElseGet(() -> "call_" + ctx.ids().get()),
                                    block.path("name").asText()));
                        }
                        case "text" -> {
                            String t = block.path("text").asText("");
                            if (!t.isEmpty()) {
                                out.add(chunks.text("content", t));
                            }
                        }
                        default -> {
                        }
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = d.path("delta");
                    switch (delta.path("type").asText()) {
                        case "text_delta" -> out.add(chunks.text("content", delta.path("text").asText()));
                        case "thinking_delta" -> out.add(chunks.text("reasoning_content", delta.path("thinking").asText()));
                        case "input_json_delta" -> {
                            String partial = delta.path("partial_json").asText("");
                            Integer toolIndex = toolIndexByBlock.get(d.path("index").asInt());
                            if (!partial.isEmpty() && toolIndex != null) {
                                out.add(chunks.toolArguments(toolIndex, partial));
                            }
                        }
                        default -> {
                            // signature_delta, citations_delta: no Chat Completions form.
                        }
                    }
                }
                case "message_delta" -> {
                    Json.text(d.path("delta"), "stop_reason").ifPresent(r -> finish = mapStopReason(r));
                    counts.absorb(d.path("usage"));
                    if (finish != null) {
                        out.add(chunks.finish(finish));
                    }
                }
                case "message_stop" -> {
                    completed = true;
                    finishStream(out);
                }
                case "error" -> {
                    JsonNode err = d.path("error");
                    String errType = err.path("type").asText("api_error");
                    int status = switch (errType) {
                        case "overloaded_error" -> 503;
                        case "rate_limit_error" -> 429;
                        case "invalid_request_error" -> 400;
                        default -> 500;
                    };
                    OpenAiOut.fail(out, error(status, d).body());
                    done = true;
                }
                default -> {
                    // ping, content_block_stop and future event types need no output.
                }
            }
        }

        @Override
        void truncated(List<SseEvent> out) {
            OpenAiOut.truncated(out);
        }

        @Override
        void finishStream(List<SseEvent> out) {
            chunks.end(out, includeUsage ? OpenAiOut.usage(usage()) : null);
            done = true;
        }

        @Override
        public Usage usage() {
            return counts.usage();
        }
    }
}

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
import java.util.Set;

/**
 * Client speaks Gemini generateContent / streamGenerateContent?alt=sse, backend speaks Anthropic
 * Messages.
 *
 * <p>Notes:
 * <ul>
 *   <li>The model comes from the Backend ({@link RequestContext#model()}); streaming from
 *       {@link RequestContext#clientStream()}, set by the proxy from the client's path.
 *       {@code max_tokens}, which Anthropic requires, is maxOutputTokens or the context's
 *       default.</li>
 *   <li>Gemini has no tool call ids: each functionCall of the history gets {@code call_<n>} (or the
 *       {@code id} it carries), and each functionResponse answers the oldest unanswered call of
 *       the same name. A response holding only {@code error} becomes a tool_result with
 *       {@code is_error}; a single string field is sent as that string, anything else as JSON.
 *       Anthropic's tool_use ids are not returned.</li>
 *   <li>{@code thinkingConfig.thinkingBudget} above 0 enables extended thinking with that budget
 *       (at least 1024, Anthropic's minimum), and then temperature, topK and a topP below 0.95 are
 *       dropped, as Anthropic refuses them with thinking; thinking comes back as {@code thought: true} parts
 *       only when {@code includeThoughts} is set. Anthropic counts thinking inside output_tokens,
 *       so thoughtsTokenCount is never reported and candidatesTokenCount includes thinking.</li>
 *   <li>JSON output (responseMimeType application/json, responseSchema) becomes a system
 *       instruction carrying the schema: best effort, not enforced.</li>
 *   <li>Finish reasons: end_turn, stop_sequence, tool_use and pause_turn are STOP; max_tokens
 *       MAX_TOKENS; refusal SAFETY. temperature above 1 is rejected (Anthropic takes 0..1).</li>
 *   <li>Dropped (reported as warnings): {@code safetySettings}, {@code labels}, generationConfig
 *       {@code presencePenalty}, {@code frequencyPenalty}, {@code seed}, {@code responseLogprobs},
 *       {@code logprobs}, {@code responseModalities}, {@code speechConfig},
 *       {@code mediaResolution} and other fields Anthropic has no form for; a thinkingBudget of
 *       -1 (dynamic); thought parts and thoughtSignature in the history. Refused:
 *       {@code cachedContent}, non-function tools, candidateCount other than 1, executableCode
 *       parts, inline data other than jpeg/png/gif/webp images and PDF, fileData other than
 *       http(s) images and PDFs.</li>
 * </ul>
 */
public final class GeminiGenerateToAnthropicMessages extends PairTranslator {

    private static final Set<String> DROPPED = Set.of("safetySettings", "labels");
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "topK", "maxOutputTokens",
            "stopSequences", "candidateCount", "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private boolean includeThoughts;

    public GeminiGenerateToAnthropicMessages() {
        super(Schema.GEMINI_GENERATE, Schema.ANTHROPIC_MESSAGES);
    }

    @Override
    Set<String> droppedFields() {
        return DROPPED;
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        GeminiIn.requirePinnedModel(ctx);
        String model = begin(in, ctx);
        GeminiIn.refuseUnsupported(in);
        ObjectNode out = Json.obj();
        out.put("model", model);
        out.set("messages", messages(in));

        ObjectNode gen = GeminiIn.generationConfig(in);
        Optional<Long> maxTokens = GeminiIn.maxOutputTokens(gen);
        long max = maxTokens.orElse((long) ctx.defaultMaxTokens());
        JsonNode thinkingConfig = gen.path("thinkingConfig");
        includeThoughts = thinkingConfig.path("includeThoughts").asBoolean(false);
        long budget = thinkingConfig.path("thinkingBudget").asLong(0);
        if (budget > 0) {
            budget = Math.max(1024, budget);
            if (maxTokens.isEmpty()) {
                max = budget + ctx.defaultMaxTokens(); // room for the answer after the thinking
            } else if (max <= budget) {
                throw invalid("generationConfig.maxOutputTokens", "must exceed thinkingConfig.thinkingBudget ("
                        + budget + ") for anthropic-messages backends");
            }
            ObjectNode t = out.putObject("thinking");
            t.put("type", "enabled");
            t.put("budget_tokens", budget);
        } else if (budget < 0) {
            warn("generationConfig.thinkingConfig.thinkingBudget", "dynamic budget not supported by anthropic-messages, dropped");
        }
        out.put("max_tokens", max);

        List<String> system = new java.util.ArrayList<>(GeminiIn.systemTexts(in));
        GeminiIn.jsonOutput(gen).ifPresent(schema -> system.add(schema.isEmpty()
                ? "Respond only with a single valid JSON object. Do not wrap it in Markdown code fences or add any other text."
                : "Respond only with a single JSON value that conforms to this JSON schema. "
                        + "Do not wrap it in Markdown code fences or add any other text.\n" + Json.write(schema)));
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }

        if (Json.present(gen, "temperature") && gen.get("temperature").isNumber() && gen.get("temperature").asDouble() > 1) {
            throw invalid("generationConfig.temperature", "must be between 0 and 1 for anthropic-messages backends");
        }
        GeminiIn.number(gen, "temperature", out, "temperature");
        GeminiIn.number(gen, "topP", out, "top_p");
        GeminiIn.number(gen, "topK", out, "top_k");
        GeminiIn.stopSequences(gen).ifPresent(s -> out.set("stop_sequences", s));
        if (out.has("thinking")) {
            // Extended thinking refuses sampling changes: temperature, top_k, and top_p below 0.95.
            for (String[] f : new String[][] {{"temperature", "temperature"}, {"top_k", "topK"}, {"top_p", "topP"}}) {
                if (out.has(f[0]) && !(f[0].equals("top_p") && out.get(f[0]).asDouble() >= 0.95)) {
                    out.remove(f[0]);
                    warn("generationConfig." + f[1], "not allowed with extended thinking on anthropic-messages, dropped");
                }
            }
        }
        var fields = gen.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!GENERATION_FIELDS.contains(f) && !gen.get(f).isNull()) {
                warn("generationConfig." + f, "not supported by anthropic-messages, dropped");
            }
        }
        tools(in, out);

        boolean stream = ctx.clientStream();
        if (stream) {
            out.put("stream", true);
        }
        return new TranslatedRequest(out, OpenAiChatToAnthropicMessages.PATH, stream, model);
    }

    private static ArrayNode messages(ObjectNode in) throws TranslationException {
        JsonNode contents = GeminiIn.contents(in);
        GeminiIn.CallIds ids = new GeminiIn.CallIds("call_");
        ArrayNode messages = Json.arr();
        for (int i = 0; i < contents.size(); i++) {
            String at = "contents[" + i + "]";
            JsonNode c = contents.get(i);
            String role = GeminiIn.role(c, at);
            JsonNode parts = GeminiIn.parts(c, at);
            ArrayNode blocks = role.equals("model") ? model(parts, at, ids) : user(parts, at, ids);
            if (!blocks.isEmpty()) {
                ObjectNode m = messages.addObject();
                m.put("role", role.equals("model") ? "assistant" : "user");
                m.set("content", blocks);
            }
        }
        return messages;
    }

    private static ArrayNode model(JsonNode parts, String at, GeminiIn.CallIds ids) throws TranslationException {
        ArrayNode blocks = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    // Gemini thoughts carry no Anthropic signature, so they cannot be replayed as thinking.
                    if (!p.path("thought").asBoolean(false) && !p.path("text").asText().isEmpty()) {
                        blocks.add(textBlock(p.path("text").asText()));
                    }
                }
                case "functionCall" -> {
                    JsonNode fc = p.get("functionCall");
                    ObjectNode b = blocks.addObject();
                    b.put("type", "tool_use");
                    String name = GeminiIn.functionName(fc, pat + ".functionCall");
                    b.put("id", ids.call(fc));
                    b.put("name", name);
                    b.set("input", GeminiIn.args(fc, pat + ".functionCall"));
                }
                default -> throw unsupported(pat, "model turns can carry only text and functionCall parts for anthropic-messages backends");
            }
        }
        return blocks;
    }

    private static ArrayNode user(JsonNode parts, String at, GeminiIn.CallIds ids) throws TranslationException {
        ArrayNode results = Json.arr(); // tool_result blocks must come first in a user turn
        ArrayNode blocks = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    if (!p.path("text").asText().isEmpty() && !p.path("thought").asBoolean(false)) {
                        blocks.add(textBlock(p.path("text").asText()));
                    }
                }
                case "inlineData" -> {
                    JsonNode d = p.get("inlineData");
                    String dat = pat + ".inlineData";
                    String mime = Json.text(d, "mimeType").orElseThrow(() -> invalid(dat + ".mimeType", "is required"));
                    String data = Json.text(d, "data").orElseThrow(() -> invalid(dat + ".data", "is required"));
                    ObjectNode source = Json.obj();
                    source.put("type", "base64");
                    source.put("media_type", mime);
                    source.put("data", data);
                    blocks.add(mediaBlock(mime, source, dat + ".mimeType"));
                }
                case "fileData" -> {
                    JsonNode fd = p.get("fileData");
                    String uri = fd.path("fileUri").asText("");
                    if (!Media.isHttpUrl(uri)) {
                        throw unsupported(pat + ".fileData.fileUri", "only http(s) URLs can be sent to anthropic-messages backends; send inlineData");
                    }
                    String mime = fd.path("mimeType").asText(Media.guessImageType(uri));
                    ObjectNode source = Json.obj();
                    source.put("type", "url");
                    source.put("url", uri);
                    blocks.add(mediaBlock(mime, source, pat + ".fileData.mimeType"));
                }
                case "functionResponse" -> {
                    JsonNode fr = p.get("functionResponse");
                    ObjectNode b = results.addObject();
                    b.put("type", "tool_result");
                    b.put("tool_use_id", ids.response(fr, pat + ".functionResponse"));
                    b.put("content", GeminiIn.responseText(fr));
                    if (GeminiIn.isErrorResponse(fr)) {
                        b.put("is_error", true);
                    }
                }
                default -> throw unsupported(pat, "user turns can carry only text, inlineData, fileData and functionResponse parts");
            }
        }
        results.addAll(blocks);
        return results;
    }

    private static ObjectNode mediaBlock(String mime, ObjectNode source, String at) throws TranslationException {
        ObjectNode b = Json.obj();
        if (IMAGE_TYPES.contains(mime)) {
            b.put("type", "image");
        } else if (mime.equals("application/pdf")) {
            b.put("type", "document");
        } else {
            throw unsupported(at, "'" + mime + "' cannot be sent to anthropic-messages backends (jpeg, png, gif, webp images and PDF can)");
        }
        if (source.path("type").asText().equals("url")) {
            source.remove("media_type");
        }
        b.set("source", source);
        return b;
    }

    private static ObjectNode textBlock(String text) {
        ObjectNode b = Json.obj();
        b.put("type", "text");
        b.put("text", text);
        return b;
    }

    private static void tools(ObjectNode in, ObjectNode out) throws TranslationException {
        List<GeminiIn.Tool> tools = GeminiIn.tools(in);
        Optional<GeminiIn.ToolChoice> choice = GeminiIn.toolChoice(in);
        if (tools.isEmpty()) {
            return; // Anthropic rejects tool_choice without tools
        }
        List<String> allowed = choice.filter(c -> c.mode().equals("ANY")).map(GeminiIn.ToolChoice::allowed).orElse(List.of());
        ArrayNode outTools = out.putArray("tools");
        for (GeminiIn.Tool t : tools) {
            if (!allowed.isEmpty() && !allowed.contains(t.name())) {
                continue;
            }
            ObjectNode o = outTools.addObject();
            o.put("name", t.name());
            t.description().ifPresent(d -> o.put("description", d));
            o.set("input_schema", t.schema());
        }
        if (outTools.isEmpty()) {
            throw invalid("toolConfig.functionCallingConfig.allowedFunctionNames", "names no declared function");
        }
        if (choice.isEmpty()) {
            return;
        }
        ObjectNode tc = out.putObject("tool_choice");
        switch (choice.get().mode()) {
            case "NONE" -> tc.put("type", "none");
            case "ANY" -> {
                if (outTools.size() == 1 && !allowed.isEmpty()) {
                    tc.put("type", "tool");
                    tc.put("name", allowed.get(0));
                } else {
                    tc.put("type", "any");
                }
            }
            default -> tc.put("type", "auto");
        }
    }

    // ---------------------------------------------------------------- response

    static String mapStopReason(String anthropicStopReason) {
        return GeminiOut.finishReason(switch (anthropicStopReason) {
            case "max_tokens", "model_context_window_exceeded" -> Gemini.Finish.LENGTH;
            case "refusal" -> Gemini.Finish.FILTER;
            default -> Gemini.Finish.STOP; // end_turn, stop_sequence, tool_use, pause_turn
        });
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "model").orElse(requestedModel);
        String id = Json.text(up, "id").orElseGet(() -> ctx.ids().get());
        ArrayNode parts = Json.arr();
        for (JsonNode b : up.path("content")) {
            switch (b.path("type").asText()) {
                case "text" -> parts.add(GeminiOut.text(b.path("text").asText(), false));
                case "thinking" -> {
                    if (includeThoughts) {
                        parts.add(GeminiOut.text(b.path("thinking").asText(), true));
                    }
                }
                case "tool_use" -> parts.add(Gemini.functionCall(b.path("name").asText(), b.get("input")));
                default -> {
                    // redacted_thinking and server-tool blocks have no Gemini form.
                }
            }
        }
        String finish = mapStopReason(Json.text(up, "stop_reason").orElse("end_turn"));
        Usage usage = OpenAiChatToAnthropicMessages.parseUsage(up.path("usage"));
        return new TranslatedResponse(GeminiOut.response(parts, finish, usage, model, id), usage, Optional.of(model),
                Optional.of(finish));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return GeminiOut.upstreamError(status, upstream);
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /** Text and thinking deltas pass as they come; a tool_use block is sent whole at its content_block_stop. */
    private final class Stream extends AbstractStream {
        private final GeminiOut.Chunks chunks = new GeminiOut.Chunks(() -> model, () -> ctx.ids().get());
        private final AnthropicStreamUsage counts = new AnthropicStreamUsage();
        private final Map<Integer, GeminiGenerateToOpenAiChat.PendingCall> calls = new HashMap<>();

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return;
            }
            ObjectNode d = parsed.get();
            switch (Json.text(d, "type").or(e::event).orElse("")) {
                case "message_start" -> {
                    JsonNode msg = d.path("message");
                    Json.text(msg, "id").ifPresent(v -> chunks.id = v);
                    Json.text(msg, "model").ifPresent(this::seeModel);
                    counts.absorb(msg.path("usage"));
                }
                case "content_block_start" -> {
                    JsonNode block = d.path("content_block");
                    switch (block.path("type").asText()) {
                        case "tool_use" -> calls.put(d.path("index").asInt(),
                                new GeminiGenerateToOpenAiChat.PendingCall(block.path("name").asText()));
                        case "text" -> {
                            String t = block.path("text").asText("");
                            if (!t.isEmpty()) {
                                out.add(chunks.text(t, false));
                            }
                        }
                        default -> {
                        }
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = d.path("delta");
                    switch (delta.path("type").asText()) {
                        case "text_delta" -> out.add(chunks.text(delta.path("text").asText(), false));
                        case "thinking_delta" -> {
                            if (includeThoughts) {
                                out.add(chunks.text(delta.path("thinking").asText(), true));
                            }
                        }
                        case "input_json_delta" -> {
                            var call = calls.get(d.path("index").asInt());
                            if (call != null) {
                                call.args.append(delta.path("partial_json").asText(""));
                            }
                        }
                        default -> {
                            // signature_delta, citations_delta: no Gemini form.
                        }
                    }
                }
                case "content_block_stop" -> {
                    var call = calls.remove(d.path("index").asInt());
                    if (call != null) {
                        out.add(chunks.functionCall(call.name, GeminiOut.arguments(call.args)));
                    }
                }
                case "message_delta" -> {
                    Json.text(d.path("delta"), "stop_reason").ifPresent(r -> finish = mapStopReason(r));
                    counts.absorb(d.path("usage"));
                }
                case "message_stop" -> {
                    completed = finish != null;
                    if (completed) {
                        finishStream(out);
                    } else {
                        truncated(out);
                        done = true;
                    }
                }
                case "error" -> {
                    String errType = d.path("error").path("type").asText("api_error");
                    int status = switch (errType) {
                        case "overloaded_error" -> 503;
                        case "rate_limit_error" -> 429;
                        case "invalid_request_error" -> 400;
                        default -> 500;
                    };
                    GeminiOut.Chunks.fail(out, error(status, d));
                    done = true;
                }
                default -> {
                    // ping and future event types need no output.
                }
            }
        }

        @Override
        void finishStream(List<SseEvent> out) {
            out.add(chunks.finish(finish == null ? "STOP" : finish, usage()));
            done = true;
        }

        @Override
        void truncated(List<SseEvent> out) {
            GeminiOut.Chunks.truncated(out);
        }

        @Override
        public Usage usage() {
            return counts.usage();
        }
    }
}

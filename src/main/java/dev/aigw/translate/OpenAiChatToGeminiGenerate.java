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
 * Client speaks OpenAI Chat Completions, backend speaks Gemini generateContent /
 * streamGenerateContent?alt=sse.
 *
 * <p>Notes:
 * <ul>
 *   <li>The model goes in the path, not the body; {@link TranslatedRequest#path()} is the Gemini
 *       API form ({@code /v1beta/models/M:generateContent}). Vertex AI uses a longer prefix with
 *       project and location, which the gateway's backend config must supply.</li>
 *   <li>Schemas go out as {@code parametersJsonSchema} and {@code responseJsonSchema}, which take
 *       JSON Schema as OpenAI clients write it, rather than the OpenAPI subset of
 *       {@code parameters}/{@code responseSchema} that rejects keys like additionalProperties.</li>
 *   <li>Gemini matches a function response to its call by name, not id, so tool messages are
 *       resolved to names through the assistant turns before them. Gemini returns no call ids;
 *       they are generated from {@link RequestContext#ids()}.</li>
 *   <li>http(s) image URLs become {@code fileData} with a MIME type guessed from the extension;
 *       Gemini fetches only some URL kinds, so inline data is the portable choice.</li>
 *   <li>Gemini's function-call {@code thoughtSignature} is returned as
 *       {@code tool_calls[].extra_content.google.thought_signature} and read back from there,
 *       as Google's OpenAI-compatible endpoint does; clients that drop unknown fields lose it.</li>
 *   <li>Dropped: {@code user}, {@code parallel_tool_calls}, {@code logit_bias}, {@code logprobs},
 *       {@code store}, {@code metadata}, image {@code detail}. {@code n} other than 1 is rejected.</li>
 * </ul>
 */
public final class OpenAiChatToGeminiGenerate extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("user", "parallel_tool_calls", "logit_bias", "logprobs", "top_logprobs", "store", "metadata");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    private boolean includeUsage;

    public OpenAiChatToGeminiGenerate() {
        super(Schema.OPENAI_CHAT, Schema.GEMINI_GENERATE);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        ArrayNode system = Json.arr();
        out.set("contents", contents(in, system));
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        tools(in, out);

        ObjectNode gen = Json.obj();
        for (String[] f : new String[][] {{"temperature", "temperature"}, {"top_p", "topP"}, {"top_k", "topK"},
                {"seed", "seed"}, {"presence_penalty", "presencePenalty"}, {"frequency_penalty", "frequencyPenalty"}}) {
            Gemini.number(in, f[0], gen, f[1]);
        }
        for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
            if (Json.present(in, f)) {
                if (!in.get(f).canConvertToLong() || in.get(f).asLong() <= 0) {
                    throw invalid(f, "must be a positive integer");
                }
                gen.put("maxOutputTokens", in.get(f).asLong());
                break;
            }
        }
        JsonNode stop = in.get("stop");
        if (stop != null && stop.isTextual()) {
            gen.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            gen.set("stopSequences", stop);
        } else if (stop != null && !stop.isNull() && !stop.isArray()) {
            throw invalid("stop", "must be a string or an array of strings");
        }
        if (Json.present(in, "n") && in.get("n").asInt(1) != 1) {
            throw unsupported("n", "only n=1 is supported for gemini-generate backends");
        }
        JsonNode rf = in.get("response_format");
        if (rf != null && !rf.isNull()) {
            switch (rf.path("type").asText()) {
                case "text" -> {
                }
                case "json_object" -> gen.put("responseMimeType", "application/json");
                case "json_schema" -> {
                    JsonNode schema = rf.path("json_schema").get("schema");
                    if (schema == null || !schema.isObject()) {
                        throw invalid("response_format.json_schema.schema", "is required and must be an object");
                    }
                    gen.put("responseMimeType", "application/json");
                    gen.set("responseJsonSchema", schema);
                }
                default -> throw invalid("response_format.type", "must be text, json_object or json_schema");
            }
        }
        Optional<String> effort = Json.text(in, "reasoning_effort");
        if (effort.isPresent()) {
            int budget = switch (effort.get()) {
                case "none" -> 0;
                case "minimal", "low" -> 1024;
                case "medium" -> 4096;
                case "high" -> 16384;
                default -> throw invalid("reasoning_effort", "must be one of none, minimal, low, medium, high");
            };
            gen.putObject("thinkingConfig").put("thinkingBudget", budget);
        }
        if (!gen.isEmpty()) {
            out.set("generationConfig", gen);
        }

        boolean stream = in.path("stream").asBoolean(false);
        includeUsage = stream && in.path("stream_options").path("include_usage").asBoolean(false);
        return new TranslatedRequest(out, Gemini.path(model, stream), stream, model);
    }

    private ArrayNode contents(ObjectNode in, ArrayNode system) throws TranslationException {
        JsonNode msgs = RequestFields.messages(in);
        ArrayNode out = Json.arr();
        Map<String, String> toolNames = new HashMap<>();
        ArrayNode pendingResponses = null;
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            if (!role.equals("tool")) {
                pendingResponses = null;
            }
            switch (role) {
                case "system", "developer" -> {
                    for (String t : OpenAiIn.texts(m.get("content"), at + ".content", true)) {
                        system.addObject().put("text", t);
                    }
                }
                case "user" -> {
                    ObjectNode c = out.addObject();
                    c.put("role", "user");
                    c.set("parts", userParts(m.get("content"), at + ".content"));
                }
                case "assistant" -> {
                    ArrayNode parts = Json.arr();
                    JsonNode content = m.get("content");
                    if (content != null && content.isTextual() && !content.asText().isEmpty()) {
                        parts.addObject().put("text", content.asText());
                    } else if (content != null && content.isArray()) {
                        for (String t : OpenAiIn.texts(content, at + ".content", true)) {
                            parts.addObject().put("text", t);
                        }
                    }
                    JsonNode calls = m.path("tool_calls");
                    for (int k = 0; k < calls.size(); k++) {
                        JsonNode tc = calls.get(k);
                        String tat = at + ".tool_calls[" + k + "]";
                        String name = Json.text(tc.path("function"), "name").orElseThrow(() -> invalid(tat + ".function.name", "is required"));
                        Json.text(tc, "id").ifPresent(id -> toolNames.put(id, name));
                        String args = tc.path("function").path("arguments").asText("");
                        ObjectNode part = Gemini.functionCall(name, args.isBlank() ? Json.obj() : Json.parseObject(args)
                                .orElseThrow(() -> invalid(tat + ".function.arguments", "must be a JSON object encoded as a string")));
                        Json.text(tc.path("extra_content").path("google"), "thought_signature")
                                .ifPresent(sig -> part.put("thoughtSignature", sig));
                        parts.add(part);
                    }
                    if (!parts.isEmpty()) {
                        ObjectNode c = out.addObject();
                        c.put("role", "model");
                        c.set("parts", parts);
                    }
                }
                case "tool" -> {
                    String id = Json.text(m, "tool_call_id").orElseThrow(() -> invalid(at + ".tool_call_id", "is required"));
                    String name = toolNames.get(id);
                    if (name == null) {
                        throw invalid(at + ".tool_call_id", "does not match a tool call of an earlier assistant message");
                    }
                    if (pendingResponses == null) {
                        ObjectNode c = out.addObject();
                        c.put("role", "user");
                        pendingResponses = c.putArray("parts");
                    }
                    String text = String.join("\n", OpenAiIn.texts(m.get("content"), at + ".content", true));
                    pendingResponses.add(Gemini.functionResponse(name, text, "content"));
                }
                default -> throw invalid(at + ".role", "unknown role '" + role + "'");
            }
        }
        return out;
    }

    private static ArrayNode userParts(JsonNode content, String at) throws TranslationException {
        ArrayNode parts = Json.arr();
        if (content == null || content.isNull()) {
            throw invalid(at, "is required for user messages");
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
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
                    if (!p.path("text").asText().isEmpty()) {
                        parts.addObject().put("text", p.path("text").asText());
                    }
                }
                case "image_url" -> {
                    JsonNode iu = p.get("image_url");
                    String url = iu != null && iu.isTextual() ? iu.asText() : iu == null ? "" : iu.path("url").asText("");
                    Optional<Media.DataUrl> data = Media.parseDataUrl(url);
                    if (data.isPresent()) {
                        inline(parts, data.get());
                    } else if (Media.isHttpUrl(url) || url.startsWith("gs://")) {
                        Gemini.fileData(parts, Media.guessImageType(url), url);
                    } else {
                        throw invalid(pat + ".image_url.url", "must be an http(s) URL or a base64 data URL");
                    }
                }
                case "input_audio" -> {
                    JsonNode audio = p.path("input_audio");
                    String format = audio.path("format").asText("wav");
                    String data = Json.text(audio, "data").orElseThrow(() -> invalid(pat + ".input_audio.data", "is required"));
                    inline(parts, new Media.DataUrl("audio/" + (format.equals("mp3") ? "mp3" : format), data));
                }
                case "file" -> {
                    JsonNode file = p.path("file");
                    if (Json.present(file, "file_id")) {
                        throw unsupported(pat + ".file.file_id", "uploaded file ids cannot be resolved for gemini-generate backends; send file_data");
                    }
                    String fd = Json.text(file, "file_data").orElseThrow(() -> invalid(pat + ".file.file_data", "is required"));
                    inline(parts, Media.parseDataUrl(fd).orElseThrow(() -> invalid(pat + ".file.file_data", "must be a base64 data URL")));
                }
                default -> throw invalid(pat + ".type", "unknown content part type '" + type + "'");
            }
        }
        return parts;
    }

    private static void inline(ArrayNode parts, Media.DataUrl data) {
        Gemini.inline(parts, data.mediaType(), data.base64());
    }

    private static void tools(ObjectNode in, ObjectNode out) throws TranslationException {
        JsonNode tools = RequestFields.tools(in);
        if (tools == null) {
            return;
        }
        ArrayNode decls = Gemini.functionDeclarations(out);
        for (int k = 0; k < tools.size(); k++) {
            JsonNode t = tools.get(k);
            String at = "tools[" + k + "]";
            if (!t.path("type").asText("function").equals("function")) {
                throw unsupported(at + ".type", "only function tools are supported");
            }
            JsonNode fn = t.path("function");
            decls.add(Gemini.functionDeclaration(Json.text(fn, "name").orElseThrow(() -> invalid(at + ".function.name", "is required")),
                    Json.text(fn, "description"), fn.get("parameters")));
        }
        JsonNode tc = in.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return;
        }
        if (tc.isTextual()) {
            switch (tc.asText()) {
                case "auto" -> Gemini.functionCallingConfig(out, "AUTO", null);
                case "none" -> Gemini.functionCallingConfig(out, "NONE", null);
                case "required" -> Gemini.functionCallingConfig(out, "ANY", null);
                default -> throw invalid("tool_choice", "must be auto, none, required or a named function");
            }
        } else {
            Gemini.functionCallingConfig(out, "ANY", Json.text(tc.path("function"), "name")
                    .orElseThrow(() -> invalid("tool_choice.function.name", "is required")));
        }
    }

    // ---------------------------------------------------------------- response

    static String mapFinishReason(String geminiReason, boolean sawToolCall) {
        return switch (Gemini.finish(geminiReason)) {
            case LENGTH -> "length";
            case FILTER -> "content_filter";
            case STOP -> sawToolCall ? "tool_calls" : "stop";
        };
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "modelVersion").orElse(requestedModel);
        String id = "chatcmpl-" + Json.text(up, "responseId").orElseGet(() -> ctx.ids().get());
        long created = ctx.epochSeconds().getAsLong();
        JsonNode cand = up.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Json.arr();
        for (JsonNode part : cand.path("content").path("parts")) {
            if (part.has("functionCall")) {
                calls.add(toolCall(part, -1));
            } else if (part.path("thought").asBoolean(false)) {
                reasoning.append(part.path("text").asText(""));
            } else if (part.has("text")) {
                text.append(part.path("text").asText(""));
            }
        }
        // No candidate at all means the prompt itself was blocked.
        String reason = cand.isMissingNode() ? "content_filter"
                : mapFinishReason(Json.text(cand, "finishReason").orElse("STOP"), !calls.isEmpty());
        Usage usage = Gemini.parseUsage(up.path("usageMetadata"));
        ObjectNode out = OpenAiOut.completion(id, created, model, text, reasoning, calls, reason,
                OpenAiOut.usageWithReasoning(usage));
        return new TranslatedResponse(out, usage, Optional.of(model), Optional.of(reason));
    }

    /**
     * Gemini's thought signature must come back with the call in the next request, so it rides
     * along where Google's own OpenAI-compatible endpoint puts it: extra_content.google.
     */
    private ObjectNode toolCall(JsonNode part, int index) {
        JsonNode fc = part.get("functionCall");
        ObjectNode call = Json.obj();
        if (index >= 0) {
            call.put("index", index);
        }
        call.put("id", Json.text(fc, "id").orElseGet(() -> "call_" + ctx.ids().get()));
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", fc.path("name").asText());
        JsonNode args = fc.get("args");
        fn.put("arguments", args == null || args.isNull() ? "{}" : Json.write(args));
        Json.text(part, "thoughtSignature").ifPresent(sig ->
                call.putObject("extra_content").putObject("google").put("thought_signature", sig));
        return call;
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return new TranslatedError(status, ErrorBodies.openAi(ErrorBodies.message(upstream, status),
                ErrorBodies.openAiTypeForStatus(status), null,
                status == 429 ? "rate_limit_exceeded" : Gemini.errorCode(upstream).orElse(null)));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /** Gemini streams whole response objects with no end marker; the connection close ends it. */
    private final class Stream extends AbstractStream {
        private final OpenAiOut.Chunks chunks = new OpenAiOut.Chunks(ctx, () -> model);
        private boolean started;
        private int toolCount;

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return;
            }
            ObjectNode c = parsed.get();
            Optional<Integer> errorStatus = Gemini.streamErrorStatus(c);
            if (errorStatus.isPresent()) {
                OpenAiOut.fail(out, error(errorStatus.get(), c).body());
                done = true;
                return;
            }
            if (chunks.id == null) {
                chunks.id = "chatcmpl-" + Json.text(c, "responseId").orElseGet(() -> ctx.ids().get());
            }
            Json.text(c, "modelVersion").ifPresent(this::seeModel);
            if (c.has("usageMetadata")) {
                usage = Gemini.parseUsage(c.get("usageMetadata")); // cumulative in every chunk
            }
            if (!started) {
                started = true;
                out.add(chunks.role());
            }
            JsonNode cand = c.path("candidates").path(0);
            for (JsonNode part : cand.path("content").path("parts")) {
                ObjectNode delta = Json.obj();
                if (part.has("functionCall")) {
                    // Gemini sends each call whole, so name and full arguments go in one delta.
                    delta.putArray("tool_calls").add(toolCall(part, toolCount++));
                } else if (part.path("text").asText("").isEmpty()) {
                    continue;
                } else if (part.path("thought").asBoolean(false)) {
                    delta.put("reasoning_content", part.get("text").asText());
                } else {
                    delta.put("content", part.get("text").asText());
                }
                out.add(chunks.chunk(delta, null));
            }
            Optional<String> reason = Json.text(cand, "finishReason");
            if (reason.isPresent() && finish == null) {
                finish = mapFinishReason(reason.get(), toolCount > 0);
                out.add(chunks.finish(finish));
            } else if (cand.isMissingNode() && c.path("promptFeedback").has("blockReason") && finish == null) {
                finish = "content_filter";
                out.add(chunks.finish(finish));
            }
        }

        @Override
        void finishStream(List<SseEvent> out) {
            chunks.end(out, includeUsage ? OpenAiOut.usageWithReasoning(usage) : null);
        }

        @Override
        void truncated(List<SseEvent> out) {
            OpenAiOut.truncated(out);
        }
    }
}

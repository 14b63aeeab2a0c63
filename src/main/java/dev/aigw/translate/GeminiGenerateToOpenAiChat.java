package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client speaks Gemini generateContent / streamGenerateContent?alt=sse, backend speaks OpenAI
 * Chat Completions.
 *
 * <p>Notes:
 * <ul>
 *   <li>The model comes from the Backend ({@link RequestContext#model()}): Gemini clients name it in
 *       the URL only. Streaming comes from {@link RequestContext#clientStream()}, which the proxy
 *       sets from the client's path; the upstream request then asks for
 *       {@code stream_options.include_usage} so the last Gemini chunk can carry usageMetadata.</li>
 *   <li>Gemini has no tool call ids: each functionCall of the history gets {@code call_<n>} (or the
 *       {@code id} it carries), and each functionResponse answers the oldest unanswered call of
 *       the same name. A response object holding a single string field ({@code {"result": "…"}})
 *       is sent as that string, anything else as its JSON. OpenAI's call ids are not returned.</li>
 *   <li>Function parameters and responseSchema (Gemini's OpenAPI subset) are converted to JSON
 *       Schema: type names lower-cased, {@code nullable} folded into the type,
 *       {@code propertyOrdering} dropped; {@code parametersJsonSchema} and
 *       {@code responseJsonSchema} pass unchanged. functionCallingConfig ANY with several
 *       allowedFunctionNames sends only those tools, with tool_choice required.</li>
 *   <li>Reasoning ({@code reasoning_content}) comes back as {@code thought: true} parts only when
 *       {@code thinkingConfig.includeThoughts} is set, as Gemini does; reasoning tokens are
 *       reported as thoughtsTokenCount and taken out of candidatesTokenCount.</li>
 *   <li>Finish reasons: stop and tool_calls are STOP, length MAX_TOKENS, content_filter SAFETY.
 *       A refusal is returned as text.</li>
 *   <li>Dropped (reported as warnings): {@code safetySettings}, {@code labels},
 *       generationConfig {@code topK}, {@code thinkingConfig}, {@code responseLogprobs},
 *       {@code logprobs}, {@code responseModalities}, {@code speechConfig},
 *       {@code mediaResolution} and other fields OpenAI has no form for; thought parts and
 *       thoughtSignature in the history. Refused: {@code cachedContent}, non-function tools
 *       (search, code execution), candidateCount other than 1, executableCode parts, inline data
 *       other than images, wav/mp3 audio and PDF, fileData other than http(s) images.</li>
 * </ul>
 */
public final class GeminiGenerateToOpenAiChat extends PairTranslator {

    private static final Set<String> DROPPED = Set.of("safetySettings", "labels");
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "maxOutputTokens", "stopSequences",
            "candidateCount", "responseMimeType", "responseSchema", "responseJsonSchema", "presencePenalty",
            "frequencyPenalty", "seed");

    private boolean includeThoughts;

    public GeminiGenerateToOpenAiChat() {
        super(Schema.GEMINI_GENERATE, Schema.OPENAI_CHAT);
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
        ArrayNode messages = out.putArray("messages");
        List<String> system = GeminiIn.systemTexts(in);
        if (!system.isEmpty()) {
            ObjectNode m = messages.addObject();
            m.put("role", "system");
            m.put("content", String.join("\n\n", system));
        }
        messages(in, messages);

        ObjectNode gen = GeminiIn.generationConfig(in);
        GeminiIn.number(gen, "temperature", out, "temperature");
        GeminiIn.number(gen, "topP", out, "top_p");
        GeminiIn.number(gen, "presencePenalty", out, "presence_penalty");
        GeminiIn.number(gen, "frequencyPenalty", out, "frequency_penalty");
        GeminiIn.number(gen, "seed", out, "seed");
        GeminiIn.maxOutputTokens(gen).ifPresent(n -> out.put("max_completion_tokens", n));
        GeminiIn.stopSequences(gen).ifPresent(s -> out.set("stop", s));
        GeminiIn.jsonOutput(gen).ifPresent(schema -> {
            ObjectNode rf = out.putObject("response_format");
            if (schema.isEmpty()) {
                rf.put("type", "json_object");
            } else {
                rf.put("type", "json_schema");
                ObjectNode js = rf.putObject("json_schema");
                js.put("name", "response");
                js.set("schema", schema);
            }
        });
        includeThoughts = gen.path("thinkingConfig").path("includeThoughts").asBoolean(false);
        var fields = gen.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!GENERATION_FIELDS.contains(f) && !gen.get(f).isNull()) {
                warn("generationConfig." + f, "not supported by openai-chat, dropped");
            }
        }
        tools(in, out);

        boolean stream = ctx.clientStream();
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return new TranslatedRequest(out, AnthropicMessagesToOpenAiChat.PATH, stream, model);
    }

    private static void messages(ObjectNode in, ArrayNode messages) throws TranslationException {
        JsonNode contents = GeminiIn.contents(in);
        GeminiIn.CallIds ids = new GeminiIn.CallIds("call_");
        for (int i = 0; i < contents.size(); i++) {
            String at = "contents[" + i + "]";
            JsonNode c = contents.get(i);
            String role = GeminiIn.role(c, at);
            JsonNode parts = GeminiIn.parts(c, at);
            if (role.equals("model")) {
                model(parts, at, ids, messages);
            } else {
                user(parts, at, ids, messages);
            }
        }
    }

    private static void model(JsonNode parts, String at, GeminiIn.CallIds ids, ArrayNode messages) throws TranslationException {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    if (!p.path("thought").asBoolean(false)) {
                        text.append(p.path("text").asText());
                    }
                }
                case "functionCall" -> {
                    JsonNode fc = p.get("functionCall");
                    String name = GeminiIn.functionName(fc, pat + ".functionCall");
                    calls.add(OpenAiOut.toolCall(ids.call(fc), name, GeminiIn.args(fc, pat + ".functionCall")));
                }
                default -> throw unsupported(pat, "model turns can carry only text and functionCall parts for openai-chat backends");
            }
        }
        if (text.isEmpty() && calls.isEmpty()) {
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", "assistant");
        if (text.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            m.set("tool_calls", calls);
        }
    }

    private static void user(JsonNode parts, String at, GeminiIn.CallIds ids, ArrayNode messages) throws TranslationException {
        ArrayNode content = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    if (!p.path("text").asText().isEmpty() && !p.path("thought").asBoolean(false)) {
                        ObjectNode t = content.addObject();
                        t.put("type", "text");
                        t.put("text", p.path("text").asText());
                    }
                }
                case "inlineData" -> content.add(inline(p.get("inlineData"), pat + ".inlineData"));
                case "fileData" -> {
                    JsonNode fd = p.get("fileData");
                    String uri = fd.path("fileUri").asText("");
                    String mime = fd.path("mimeType").asText(Media.guessImageType(uri));
                    if (!mime.startsWith("image/") || !Media.isHttpUrl(uri)) {
                        throw unsupported(pat + ".fileData", "only http(s) image URLs can be sent to openai-chat backends; send inlineData");
                    }
                    ObjectNode img = content.addObject();
                    img.put("type", "image_url");
                    img.putObject("image_url").put("url", uri);
                }
                case "functionResponse" -> {
                    // Tool messages must directly follow the assistant turn that called them.
                    JsonNode fr = p.get("functionResponse");
                    ObjectNode m = messages.addObject();
                    m.put("role", "tool");
                    m.put("tool_call_id", ids.response(fr, pat + ".functionResponse"));
                    m.put("content", GeminiIn.responseText(fr));
                }
                default -> throw unsupported(pat, "user turns can carry only text, inlineData, fileData and functionResponse parts");
            }
        }
        if (content.isEmpty()) {
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", "user");
        if (content.size() == 1 && content.get(0).path("type").asText().equals("text")) {
            m.set("content", content.get(0).get("text"));
        } else {
            m.set("content", content);
        }
    }

    private static ObjectNode inline(JsonNode data, String at) throws TranslationException {
        String mime = Json.text(data, "mimeType").orElseThrow(() -> invalid(at + ".mimeType", "is required"));
        String b64 = Json.text(data, "data").orElseThrow(() -> invalid(at + ".data", "is required"));
        ObjectNode part = Json.obj();
        if (mime.startsWith("image/")) {
            part.put("type", "image_url");
            part.putObject("image_url").put("url", new Media.DataUrl(mime, b64).encode());
        } else if (mime.equals("audio/wav") || mime.equals("audio/mp3") || mime.equals("audio/mpeg")) {
            part.put("type", "input_audio");
            ObjectNode audio = part.putObject("input_audio");
            audio.put("data", b64);
            audio.put("format", mime.equals("audio/wav") ? "wav" : "mp3");
        } else if (mime.equals("application/pdf")) {
            part.put("type", "file");
            ObjectNode file = part.putObject("file");
            file.put("filename", "document.pdf");
            file.put("file_data", new Media.DataUrl(mime, b64).encode());
        } else {
            throw unsupported(at + ".mimeType", "'" + mime + "' cannot be sent to openai-chat backends (images, wav/mp3 audio and PDF can)");
        }
        return part;
    }

    private static void tools(ObjectNode in, ObjectNode out) throws TranslationException {
        List<GeminiIn.Tool> tools = GeminiIn.tools(in);
        Optional<GeminiIn.ToolChoice> choice = GeminiIn.toolChoice(in);
        if (tools.isEmpty()) {
            return; // OpenAI rejects tool_choice without tools
        }
        List<String> allowed = choice.filter(c -> c.mode().equals("ANY")).map(GeminiIn.ToolChoice::allowed).orElse(List.of());
        ArrayNode outTools = out.putArray("tools");
        for (GeminiIn.Tool t : tools) {
            if (!allowed.isEmpty() && !allowed.contains(t.name())) {
                continue;
            }
            ObjectNode o = outTools.addObject();
            o.put("type", "function");
            ObjectNode fn = o.putObject("function");
            fn.put("name", t.name());
            t.description().ifPresent(d -> fn.put("description", d));
            fn.set("parameters", t.schema());
        }
        if (outTools.isEmpty()) {
            throw invalid("toolConfig.functionCallingConfig.allowedFunctionNames", "names no declared function");
        }
        if (choice.isEmpty()) {
            return;
        }
        switch (choice.get().mode()) {
            case "NONE" -> out.put("tool_choice", "none");
            case "ANY" -> {
                if (outTools.size() == 1 && !allowed.isEmpty()) {
                    ObjectNode named = out.putObject("tool_choice");
                    named.put("type", "function");
                    named.putObject("function").put("name", allowed.get(0));
                } else {
                    out.put("tool_choice", "required");
                }
            }
            default -> out.put("tool_choice", "auto");
        }
    }

    // ---------------------------------------------------------------- response

    static String mapFinishReason(String openAiFinishReason) {
        return GeminiOut.finishReason(switch (openAiFinishReason) {
            case "length" -> Gemini.Finish.LENGTH;
            case "content_filter" -> Gemini.Finish.FILTER;
            default -> Gemini.Finish.STOP; // stop, tool_calls, function_call
        });
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "model").orElse(requestedModel);
        String id = Json.text(up, "id").orElseGet(() -> ctx.ids().get());
        JsonNode choice = up.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode parts = Json.arr();
        Json.text(message, "reasoning_content").filter(r -> includeThoughts && !r.isEmpty())
                .ifPresent(r -> parts.add(GeminiOut.text(r, true)));
        Json.text(message, "content").or(() -> Json.text(message, "refusal")).filter(t -> !t.isEmpty())
                .ifPresent(t -> parts.add(GeminiOut.text(t, false)));
        for (JsonNode call : message.path("tool_calls")) {
            parts.add(Gemini.functionCall(call.path("function").path("name").asText(),
                    GeminiOut.arguments(call.path("function").path("arguments").asText(""))));
        }
        String finish = mapFinishReason(Json.text(choice, "finish_reason").orElse("stop"));
        Usage usage = AnthropicMessagesToOpenAiChat.parseUsage(up.path("usage"));
        ObjectNode out = GeminiOut.response(parts, finish, usage, model, id);
        return new TranslatedResponse(out, usage, Optional.of(model), Optional.of(finish));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return GeminiOut.upstreamError(status, upstream);
    }

    // ---------------------------------------------------------------- stream

    /** A streamed tool call whose arguments are still arriving. */
    static final class PendingCall {
        final String name;
        final StringBuilder args = new StringBuilder();
        boolean sent;

        PendingCall(String name) {
            this.name = name;
        }
    }

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /**
     * OpenAI streams tool arguments in fragments; Gemini sends each call whole, so a call is held
     * until the next one starts or the choice finishes. The finish reason waits for the usage
     * chunk (or [DONE]) so that the last Gemini chunk carries both.
     */
    private final class Stream extends AbstractStream {
        private final GeminiOut.Chunks chunks = new GeminiOut.Chunks(() -> model, () -> ctx.ids().get());
        private final Map<Integer, PendingCall> calls = new TreeMap<>();

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            if (e.isDone()) {
                completed = finish != null;
                if (completed) {
                    finishStream(out);
                } else {
                    truncated(out);
                    done = true;
                }
                return;
            }
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return;
            }
            ObjectNode c = parsed.get();
            if (Json.present(c, "error")) {
                int status = c.path("error").path("code").asInt(500);
                flushCalls(out);
                GeminiOut.Chunks.fail(out, error(status >= 400 ? status : 500, c));
                done = true;
                return;
            }
            Json.text(c, "model").filter(m -> !m.isEmpty()).ifPresent(this::seeModel);
            if (chunks.id == null) {
                Json.text(c, "id").ifPresent(v -> chunks.id = v);
            }
            if (c.get("usage") instanceof ObjectNode u) {
                usage = AnthropicMessagesToOpenAiChat.parseUsage(u);
            }
            JsonNode choice = c.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            Json.text(delta, "reasoning_content").filter(t -> includeThoughts && !t.isEmpty())
                    .ifPresent(t -> out.add(chunks.text(t, true)));
            Json.text(delta, "content").or(() -> Json.text(delta, "refusal")).filter(t -> !t.isEmpty())
                    .ifPresent(t -> out.add(chunks.text(t, false)));
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.path("index").asInt(calls.size());
                if (!calls.containsKey(index)) {
                    flushCalls(out); // OpenAI streams calls one after another: the previous one is whole
                    calls.put(index, new PendingCall(call.path("function").path("name").asText("")));
                }
                calls.get(index).args.append(call.path("function").path("arguments").asText(""));
            }
            Json.text(choice, "finish_reason").ifPresent(r -> {
                flushCalls(out);
                finish = mapFinishReason(r);
            });
        }

        private void flushCalls(List<SseEvent> out) {
            for (PendingCall call : calls.values()) {
                if (!call.sent) {
                    call.sent = true;
                    out.add(chunks.functionCall(call.name, GeminiOut.arguments(call.args)));
                }
            }
        }

        @Override
        void finishStream(List<SseEvent> out) {
            flushCalls(out);
            out.add(chunks.finish(finish == null ? "STOP" : finish, usage));
            done = true;
        }

        @Override
        void truncated(List<SseEvent> out) {
            GeminiOut.Chunks.truncated(out);
        }
    }
}

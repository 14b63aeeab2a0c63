package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client speaks Gemini generateContent / streamGenerateContent?alt=sse, backend speaks Amazon
 * Bedrock Converse ({@code /model/{modelId}/converse}) and ConverseStream ({@code /converse-stream},
 * AWS event-stream framing: parse it with {@link EventStreamParser}).
 *
 * <p>Notes:
 * <ul>
 *   <li>The model comes from the Backend ({@link RequestContext#model()}) and goes in the path,
 *       percent-encoded; streaming from {@link RequestContext#clientStream()}, set by the proxy from
 *       the client's path, picks {@code /converse-stream}. The body carries neither.</li>
 *   <li>Gemini has no tool call ids: each functionCall of the history gets {@code call_<n>} (or the
 *       {@code id} it carries), and each functionResponse answers the oldest unanswered call of the
 *       same name. A response holding a single string field is sent as that text, a JSON object
 *       as {@code json} content; one holding only {@code error} gets {@code status: error}.
 *       Bedrock's toolUseIds are not returned.</li>
 *   <li>Images and documents must be inline (Bedrock fetches no http URLs); fileData is accepted
 *       only for {@code s3://} images.</li>
 *   <li>JSON output (responseMimeType application/json, responseSchema) becomes a system
 *       instruction carrying the schema: best effort, not enforced. {@code topK} goes in
 *       {@code additionalModelRequestFields.top_k}; {@code maxOutputTokens} defaults to
 *       {@link RequestContext#defaultMaxTokens()}.</li>
 *   <li>Reasoning ({@code reasoningContent}) comes back as {@code thought: true} parts only when
 *       {@code thinkingConfig.includeThoughts} is set. Bedrock counts reasoning inside
 *       outputTokens, so thoughtsTokenCount is never reported.</li>
 *   <li>Finish reasons: end_turn, tool_use, stop_sequence are STOP; max_tokens and
 *       model_context_window_exceeded MAX_TOKENS; guardrail_intervened and content_filtered
 *       SAFETY. Converse names no model and no response id: the requested model and a generated
 *       id are reported.</li>
 *   <li>A guardrail comes from {@link RequestContext#guardrail()}, never from the client.</li>
 *   <li>Dropped (reported as warnings): {@code safetySettings}, {@code labels},
 *       generationConfig {@code thinkingBudget} (model-specific on Bedrock),
 *       {@code presencePenalty}, {@code frequencyPenalty}, {@code seed} and other fields Converse
 *       has no form for; thought parts in the history. Refused: {@code cachedContent},
 *       non-function tools, candidateCount other than 1, executableCode parts, inline data
 *       Bedrock takes neither as an image nor as a document, fileData other than s3:// images.</li>
 * </ul>
 */
public final class GeminiGenerateToBedrockConverse extends PairTranslator {

    private static final Set<String> DROPPED = Set.of("safetySettings", "labels");
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "topK", "maxOutputTokens",
            "stopSequences", "candidateCount", "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig");

    private boolean includeThoughts;

    public GeminiGenerateToBedrockConverse() {
        super(Schema.GEMINI_GENERATE, Schema.BEDROCK_CONVERSE);
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
        ArrayNode messages = messages(in);
        out.set("messages", messages);

        ObjectNode gen = GeminiIn.generationConfig(in);
        ArrayNode system = Json.arr();
        for (String t : GeminiIn.systemTexts(in)) {
            system.add(Bedrock.text(t));
        }
        Optional<ObjectNode> json = GeminiIn.jsonOutput(gen);
        if (json.isPresent()) {
            system.add(Bedrock.text(jsonInstruction(json.get())));
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }

        ObjectNode inference = out.putObject("inferenceConfig");
        inference.put("maxTokens", GeminiIn.maxOutputTokens(gen).orElse((long) ctx.defaultMaxTokens()));
        GeminiIn.number(gen, "temperature", inference, "temperature");
        GeminiIn.number(gen, "topP", inference, "topP");
        GeminiIn.stopSequences(gen).ifPresent(s -> inference.set("stopSequences", s));
        if (Json.present(gen, "topK")) {
            GeminiIn.number(gen, "topK", out.putObject("additionalModelRequestFields"), "top_k");
        }
        JsonNode thinkingConfig = gen.path("thinkingConfig");
        includeThoughts = thinkingConfig.path("includeThoughts").asBoolean(false);
        if (Json.present(thinkingConfig, "thinkingBudget")) {
            warn("generationConfig.thinkingConfig.thinkingBudget", "model-specific on bedrock-converse, dropped");
        }
        var fields = gen.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!GENERATION_FIELDS.contains(f) && !gen.get(f).isNull()) {
                warn("generationConfig." + f, "not supported by bedrock-converse, dropped");
            }
        }
        tools(in, out, messages);
        Bedrock.guardrail(ctx, out);

        boolean stream = ctx.clientStream();
        return new TranslatedRequest(out, Bedrock.path(model, stream), stream, model);
    }

    /** The same instruction the Anthropic pair sends: Converse has no JSON mode either. */
    private static String jsonInstruction(ObjectNode schema) {
        return schema.isEmpty()
                ? "Respond only with a single valid JSON object. Do not wrap it in Markdown code fences or add any other text."
                : "Respond only with a single JSON value that conforms to this JSON schema. "
                        + "Do not wrap it in Markdown code fences or add any other text.\n" + Json.write(schema);
    }

    private ArrayNode messages(ObjectNode in) throws TranslationException {
        JsonNode contents = GeminiIn.contents(in);
        GeminiIn.CallIds ids = new GeminiIn.CallIds("call_");
        ArrayNode messages = Json.arr();
        for (int i = 0; i < contents.size(); i++) {
            String at = "contents[" + i + "]";
            JsonNode c = contents.get(i);
            String role = GeminiIn.role(c, at);
            JsonNode parts = GeminiIn.parts(c, at);
            if (role.equals("model")) {
                Bedrock.addMessage(messages, "assistant", model(parts, at, ids));
            } else {
                Bedrock.addMessage(messages, "user", user(parts, at, ids));
            }
        }
        return messages;
    }

    private ArrayNode model(JsonNode parts, String at, GeminiIn.CallIds ids) throws TranslationException {
        ArrayNode blocks = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    if (p.path("thought").asBoolean(false)) {
                        // Gemini thoughts carry no Bedrock reasoning signature, so they cannot be replayed.
                        warn(pat, "thought parts cannot be replayed to bedrock-converse, dropped");
                    } else if (!p.path("text").asText().isEmpty()) { // Converse rejects blank text blocks
                        blocks.add(Bedrock.text(p.path("text").asText()));
                    }
                }
                case "functionCall" -> {
                    JsonNode fc = p.get("functionCall");
                    String name = GeminiIn.functionName(fc, pat + ".functionCall");
                    blocks.add(Bedrock.toolUse(ids.call(fc), name, GeminiIn.args(fc, pat + ".functionCall")));
                }
                default -> throw unsupported(pat, "model turns can carry only text and functionCall parts for bedrock-converse backends");
            }
        }
        return blocks;
    }

    private static ArrayNode user(JsonNode parts, String at, GeminiIn.CallIds ids) throws TranslationException {
        ArrayNode results = Json.arr(); // tool results first, as Claude on Bedrock requires
        ArrayNode blocks = Json.arr();
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String pat = at + ".parts[" + j + "]";
            switch (GeminiIn.kind(p, pat)) {
                case "text" -> {
                    if (!p.path("text").asText().isEmpty() && !p.path("thought").asBoolean(false)) {
                        blocks.add(Bedrock.text(p.path("text").asText()));
                    }
                }
                case "inlineData" -> {
                    JsonNode d = p.get("inlineData");
                    String dat = pat + ".inlineData";
                    String mime = Json.text(d, "mimeType").orElseThrow(() -> invalid(dat + ".mimeType", "is required"));
                    String data = Json.text(d, "data").orElseThrow(() -> invalid(dat + ".data", "is required"));
                    blocks.add(mime.startsWith("image/")
                            ? Bedrock.image(mime, data, dat + ".mimeType")
                            : Bedrock.document(mime, data, Json.text(d, "displayName").orElse(null), dat + ".mimeType"));
                }
                case "fileData" -> {
                    String uri = p.path("fileData").path("fileUri").asText("");
                    if (!uri.startsWith("s3://")) {
                        throw unsupported(pat + ".fileData.fileUri", "bedrock-converse backends take files inline or as s3:// image URIs only; send inlineData");
                    }
                    blocks.add(Bedrock.s3Image(uri, pat + ".fileData.fileUri"));
                }
                case "functionResponse" -> {
                    JsonNode fr = p.get("functionResponse");
                    ObjectNode tr = results.addObject().putObject("toolResult");
                    tr.put("toolUseId", ids.response(fr, pat + ".functionResponse"));
                    tr.putArray("content").add(Bedrock.toolResultContent(GeminiIn.responseText(fr)));
                    if (GeminiIn.isErrorResponse(fr)) {
                        tr.put("status", "error");
                    }
                }
                default -> throw unsupported(pat, "user turns can carry only text, inlineData, fileData and functionResponse parts");
            }
        }
        results.addAll(blocks);
        return results;
    }

    private static void tools(ObjectNode in, ObjectNode out, ArrayNode messages) throws TranslationException {
        List<GeminiIn.Tool> tools = GeminiIn.tools(in);
        Optional<GeminiIn.ToolChoice> choice = GeminiIn.toolChoice(in);
        if (tools.isEmpty()) {
            return; // Converse rejects toolChoice without tools
        }
        List<String> allowed = choice.filter(c -> c.mode().equals("ANY")).map(GeminiIn.ToolChoice::allowed).orElse(List.of());
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (GeminiIn.Tool t : tools) {
            if (allowed.isEmpty() || allowed.contains(t.name())) {
                specs.add(Bedrock.toolSpec(t.name(), t.description(), t.schema()));
            }
        }
        if (specs.isEmpty()) {
            throw invalid("toolConfig.functionCallingConfig.allowedFunctionNames", "names no declared function");
        }
        if (choice.isEmpty()) {
            return;
        }
        switch (choice.get().mode()) {
            case "NONE" -> Bedrock.toolChoiceNone(out, messages);
            case "ANY" -> config.set("toolChoice", specs.size() == 1 && !allowed.isEmpty()
                    ? Bedrock.toolChoice("tool", allowed.get(0))
                    : Bedrock.toolChoice("any", null));
            default -> config.set("toolChoice", Bedrock.toolChoice("auto", null));
        }
    }

    // ---------------------------------------------------------------- response

    static String mapStopReason(String bedrockStopReason) {
        return GeminiOut.finishReason(switch (bedrockStopReason) {
            case "max_tokens", "model_context_window_exceeded" -> Gemini.Finish.LENGTH;
            case "guardrail_intervened", "content_filtered" -> Gemini.Finish.FILTER;
            default -> Gemini.Finish.STOP; // end_turn, tool_use, stop_sequence
        });
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        ArrayNode parts = Json.arr();
        for (JsonNode b : up.path("output").path("message").path("content")) {
            if (b.has("text")) {
                parts.add(GeminiOut.text(b.path("text").asText(""), false));
            } else if (b.has("toolUse")) {
                JsonNode u = b.get("toolUse");
                parts.add(Gemini.functionCall(u.path("name").asText(), u.get("input")));
            } else if (b.has("reasoningContent") && includeThoughts) {
                JsonNode r = b.path("reasoningContent").path("reasoningText");
                if (r.has("text")) {
                    parts.add(GeminiOut.text(r.path("text").asText(""), true));
                }
            }
            // redactedContent, citations and other blocks have no Gemini form.
        }
        String finish = mapStopReason(Json.text(up, "stopReason").orElse("end_turn"));
        Usage usage = Bedrock.parseUsage(up.path("usage"));
        ObjectNode out = GeminiOut.response(parts, finish, usage, requestedModel, ctx.ids().get());
        return new TranslatedResponse(out, usage, Optional.of(requestedModel), Optional.of(finish));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return GeminiOut.error(status, Bedrock.errorMessage(upstream, status));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /**
     * ConverseStream events: messageStart, contentBlockStart (tool use only), contentBlockDelta,
     * contentBlockStop, messageStop (stop reason), then metadata (usage). Text and reasoning
     * deltas pass as they come; a tool call is sent whole at its contentBlockStop, as Gemini never
     * splits one; the last chunk waits for metadata so it can carry usageMetadata.
     */
    private final class Stream extends AbstractStream {
        private final GeminiOut.Chunks chunks = new GeminiOut.Chunks(() -> model, () -> ctx.ids().get());
        private final Map<Integer, GeminiGenerateToOpenAiChat.PendingCall> calls = new TreeMap<>();
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
                GeminiOut.Chunks.fail(out, error(status, d));
                done = true;
                return;
            }
            switch (type) {
                case "contentBlockStart" -> {
                    JsonNode tu = d.path("start").path("toolUse");
                    if (tu.isObject()) {
                        calls.put(d.path("contentBlockIndex").asInt(), new GeminiGenerateToOpenAiChat.PendingCall(tu.path("name").asText()));
                    }
                }
                case "contentBlockDelta" -> {
                    JsonNode delta = d.path("delta");
                    if (delta.has("text")) {
                        String t = delta.path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(chunks.text(t, false));
                        }
                    } else if (delta.has("toolUse")) {
                        var call = calls.get(d.path("contentBlockIndex").asInt());
                        if (call != null) {
                            call.args.append(delta.path("toolUse").path("input").asText(""));
                        }
                    } else if (delta.path("reasoningContent").has("text") && includeThoughts) {
                        String t = delta.path("reasoningContent").path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(chunks.text(t, true));
                        }
                    }
                    // reasoning signature and redactedContent have no Gemini form.
                }
                case "contentBlockStop" -> {
                    var call = calls.remove(d.path("contentBlockIndex").asInt());
                    if (call != null) {
                        out.add(chunks.functionCall(call.name, GeminiOut.arguments(call.args)));
                    }
                }
                case "messageStop" -> finish = mapStopReason(Json.text(d, "stopReason").orElse("end_turn"));
                case "metadata" -> {
                    usage = Bedrock.parseUsage(d.path("usage"));
                    usageSeen = true;
                    if (finish != null) {
                        completed = true;
                        finishStream(out);
                    }
                }
                default -> {
                    // messageStart and future event types need no output.
                }
            }
        }

        @Override
        void finishStream(List<SseEvent> out) {
            // Calls whose contentBlockStop never came are still whole enough to send.
            for (var call : new ArrayList<>(calls.values())) {
                out.add(chunks.functionCall(call.name, GeminiOut.arguments(call.args)));
            }
            calls.clear();
            // Without a metadata event the usage is unknown, and zeros would read as a real count.
            out.add(chunks.finish(finish == null ? "STOP" : finish, usageSeen ? usage : null));
            done = true;
        }

        @Override
        void truncated(List<SseEvent> out) {
            GeminiOut.Chunks.truncated(out);
        }
    }
}

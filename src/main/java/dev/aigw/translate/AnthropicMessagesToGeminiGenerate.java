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
 * Client speaks Anthropic Messages, backend speaks Gemini generateContent /
 * streamGenerateContent?alt=sse.
 *
 * <p>Notes:
 * <ul>
 *   <li>Gemini matches a function response to its call by name, so tool_result blocks are
 *       resolved to names through the tool_use blocks before them. A result with
 *       {@code is_error} is sent as {@code {"error": text}}, others as the JSON object they hold
 *       or {@code {"content": text}}.</li>
 *   <li>Gemini's {@code thoughtSignature} on a function call or text part must come back with it
 *       in the next request. It travels as a {@code thinking} block with empty text whose
 *       {@code signature} is the Gemini signature, placed just before the block it belongs to;
 *       Anthropic clients return thinking blocks unchanged, and such a block is put back on the
 *       part that follows it. Thought summaries become ordinary thinking blocks.</li>
 *   <li>{@code thinking} maps to {@code thinkingConfig} (budget, includeThoughts); URL images and
 *       documents become {@code fileData}. Dropped: {@code cache_control}, {@code metadata},
 *       {@code disable_parallel_tool_use}, {@code redacted_thinking}, citations.</li>
 *   <li>Gemini gives no tool call ids; they are generated as {@code toolu_<id>}.</li>
 * </ul>
 */
public final class AnthropicMessagesToGeminiGenerate extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("metadata");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    public AnthropicMessagesToGeminiGenerate() {
        super(Schema.ANTHROPIC_MESSAGES, Schema.GEMINI_GENERATE);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        out.set("contents", contents(in));
        ArrayNode system = system(in.get("system"));
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        tools(in, out);

        ObjectNode gen = Json.obj();
        if (Json.present(in, "max_tokens")) {
            if (!in.get("max_tokens").canConvertToLong() || in.get("max_tokens").asLong() <= 0) {
                throw invalid("max_tokens", "must be a positive integer");
            }
            gen.put("maxOutputTokens", in.get("max_tokens").asLong());
        }
        Gemini.number(in, "temperature", gen, "temperature");
        Gemini.number(in, "top_p", gen, "topP");
        Gemini.number(in, "top_k", gen, "topK");
        JsonNode stops = in.get("stop_sequences");
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            gen.set("stopSequences", stops);
        }
        JsonNode thinking = in.get("thinking");
        if (thinking != null && thinking.isObject()) {
            switch (thinking.path("type").asText()) {
                case "enabled" -> {
                    ObjectNode tc = gen.putObject("thinkingConfig");
                    tc.put("thinkingBudget", thinking.path("budget_tokens").asLong(1024));
                    tc.put("includeThoughts", true);
                }
                case "disabled" -> gen.putObject("thinkingConfig").put("thinkingBudget", 0);
                default -> throw invalid("thinking.type", "must be enabled or disabled");
            }
        }
        if (!gen.isEmpty()) {
            out.set("generationConfig", gen);
        }
        boolean stream = in.path("stream").asBoolean(false);
        return new TranslatedRequest(out, Gemini.path(model, stream), stream, model);
    }

    private static ArrayNode system(JsonNode system) throws TranslationException {
        ArrayNode parts = Json.arr();
        if (system == null || system.isNull()) {
            return parts;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                parts.addObject().put("text", system.asText());
            }
            return parts;
        }
        if (!system.isArray()) {
            throw invalid("system", "must be a string or an array of text blocks");
        }
        for (int j = 0; j < system.size(); j++) {
            JsonNode b = system.get(j);
            if (!b.path("type").asText().equals("text")) {
                throw invalid("system[" + j + "].type", "must be text");
            }
            parts.addObject().put("text", b.path("text").asText());
        }
        return parts;
    }

    private static ArrayNode contents(ObjectNode in) throws TranslationException {
        JsonNode msgs = RequestFields.messages(in);
        ArrayNode out = Json.arr();
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            if (!role.equals("user") && !role.equals("assistant")) {
                throw invalid(at + ".role", "must be user or assistant, got '" + role + "'");
            }
            ArrayNode parts = parts(m.get("content"), at + ".content", toolNames);
            if (!parts.isEmpty()) {
                ObjectNode c = out.addObject();
                c.put("role", role.equals("user") ? "user" : "model");
                c.set("parts", parts);
            }
        }
        return out;
    }

    private static ArrayNode parts(JsonNode content, String at, Map<String, String> toolNames) throws TranslationException {
        ArrayNode parts = Json.arr();
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                parts.addObject().put("text", content.asText());
            }
            return parts;
        }
        if (content == null || !content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        String pendingSignature = null;
        for (int j = 0; j < content.size(); j++) {
            JsonNode b = content.get(j);
            String bat = at + "[" + j + "]";
            String type = b.path("type").asText();
            int before = parts.size();
            switch (type) {
                case "text" -> {
                    if (!b.path("text").asText().isEmpty()) {
                        parts.addObject().put("text", b.path("text").asText());
                    }
                }
                case "image" -> media(b.path("source"), bat + ".source", parts, true);
                case "document" -> {
                    if (b.path("source").path("type").asText().equals("text")) {
                        parts.addObject().put("text", b.path("source").path("data").asText(""));
                    } else {
                        media(b.path("source"), bat + ".source", parts, false);
                    }
                }
                case "tool_use" -> {
                    String id = Json.text(b, "id").orElseThrow(() -> invalid(bat + ".id", "is required"));
                    String name = Json.text(b, "name").orElseThrow(() -> invalid(bat + ".name", "is required"));
                    toolNames.put(id, name);
                    parts.add(Gemini.functionCall(name, b.get("input")));
                }
                case "tool_result" -> {
                    String id = Json.text(b, "tool_use_id").orElseThrow(() -> invalid(bat + ".tool_use_id", "is required"));
                    String name = toolNames.get(id);
                    if (name == null) {
                        throw invalid(bat + ".tool_use_id", "does not match a tool_use block of an earlier assistant message");
                    }
                    parts.add(Gemini.functionResponse(name, toolResultText(b.get("content"), bat + ".content"),
                            b.path("is_error").asBoolean(false) ? "error" : "content"));
                }
                case "thinking" -> {
                    String text = b.path("thinking").asText("");
                    String sig = Json.text(b, "signature").filter(s -> !s.isEmpty()).orElse(null);
                    if (text.isEmpty()) {
                        pendingSignature = sig; // a Gemini signature riding before its part
                        continue;
                    }
                    ObjectNode p = parts.addObject();
                    p.put("text", text);
                    p.put("thought", true);
                    if (sig != null) {
                        p.put("thoughtSignature", sig);
                    }
                }
                case "redacted_thinking" -> {
                    // Claude's encrypted reasoning means nothing to Gemini.
                }
                default -> throw unsupported(bat + ".type", "content block '" + type + "' is not supported by gemini-generate backends");
            }
            if (pendingSignature != null && parts.size() > before) {
                ((ObjectNode) parts.get(before)).put("thoughtSignature", pendingSignature);
                pendingSignature = null;
            }
        }
        return parts;
    }

    private static void media(JsonNode source, String at, ArrayNode parts, boolean image) throws TranslationException {
        switch (source.path("type").asText()) {
            case "base64" -> Gemini.inline(parts,
                    Json.text(source, "media_type").orElseThrow(() -> invalid(at + ".media_type", "is required")),
                    Json.text(source, "data").orElseThrow(() -> invalid(at + ".data", "is required")));
            case "url" -> {
                String url = Json.text(source, "url").orElseThrow(() -> invalid(at + ".url", "is required"));
                Gemini.fileData(parts, image ? Media.guessImageType(url) : "application/pdf", url);
            }
            default -> throw unsupported(at + ".type", "source must be base64 or url for gemini-generate backends");
        }
    }

    private static String toolResultText(JsonNode content, String at) throws TranslationException {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < content.size(); k++) {
            JsonNode b = content.get(k);
            if (!b.path("type").asText().equals("text")) {
                throw unsupported(at + "[" + k + "].type", "gemini-generate function responses carry text only");
            }
            if (!sb.isEmpty()) {
                sb.append("\n");
            }
            sb.append(b.path("text").asText());
        }
        return sb.toString();
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
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw unsupported(at + ".type", "server tool '" + type + "' is not available on gemini-generate backends");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw invalid(at + ".input_schema", "is required and must be an object");
            }
            decls.add(Gemini.functionDeclaration(Json.text(t, "name").orElseThrow(() -> invalid(at + ".name", "is required")),
                    Json.text(t, "description"), schema));
        }
        JsonNode tc = in.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return;
        }
        if (!tc.isObject()) {
            throw invalid("tool_choice", "must be an object");
        }
        switch (tc.path("type").asText()) {
            case "auto" -> Gemini.functionCallingConfig(out, "AUTO", null);
            case "any" -> Gemini.functionCallingConfig(out, "ANY", null);
            case "none" -> Gemini.functionCallingConfig(out, "NONE", null);
            case "tool" -> Gemini.functionCallingConfig(out, "ANY",
                    Json.text(tc, "name").orElseThrow(() -> invalid("tool_choice.name", "is required")));
            default -> throw invalid("tool_choice.type", "must be auto, any, tool or none");
        }
    }

    // ---------------------------------------------------------------- response

    static String mapFinishReason(String geminiReason, boolean sawToolCall) {
        return switch (Gemini.finish(geminiReason)) {
            case LENGTH -> "max_tokens";
            case FILTER -> "refusal";
            case STOP -> sawToolCall ? "tool_use" : "end_turn";
        };
    }

    private static ObjectNode signatureBlock(String signature) {
        ObjectNode b = Json.obj();
        b.put("type", "thinking");
        b.put("thinking", "");
        b.put("signature", signature);
        return b;
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "modelVersion").orElse(requestedModel);
        ObjectNode out = AnthropicOut.message("msg_" + Json.text(up, "responseId").orElseGet(() -> ctx.ids().get()), model);
        ArrayNode content = out.putArray("content");
        JsonNode cand = up.path("candidates").path(0);
        boolean sawCall = false;
        ObjectNode lastText = null;
        for (JsonNode part : cand.path("content").path("parts")) {
            Optional<String> sig = Json.text(part, "thoughtSignature");
            if (part.path("thought").asBoolean(false)) {
                ObjectNode b = content.addObject();
                b.put("type", "thinking");
                b.put("thinking", part.path("text").asText(""));
                b.put("signature", sig.orElse(""));
                lastText = null;
                continue;
            }
            if (sig.isPresent()) {
                content.add(signatureBlock(sig.get()));
                lastText = null;
            }
            if (part.has("functionCall")) {
                sawCall = true;
                JsonNode fc = part.get("functionCall");
                ObjectNode b = content.addObject();
                b.put("type", "tool_use");
                b.put("id", "toolu_" + Json.text(fc, "id").orElseGet(() -> ctx.ids().get()));
                b.put("name", fc.path("name").asText());
                b.set("input", fc.get("args") instanceof ObjectNode args ? args : Json.obj());
                lastText = null;
            } else if (part.has("text")) {
                // Gemini may split one answer over several parts; Anthropic clients expect one block.
                if (lastText == null) {
                    lastText = content.addObject();
                    lastText.put("type", "text");
                    lastText.put("text", "");
                }
                lastText.put("text", lastText.get("text").asText() + part.path("text").asText(""));
            }
        }
        String stop = cand.isMissingNode() ? "refusal"
                : mapFinishReason(Json.text(cand, "finishReason").orElse("STOP"), sawCall);
        Usage usage = Gemini.parseUsage(up.path("usageMetadata"));
        AnthropicOut.end(out, stop, null, usage);
        return new TranslatedResponse(out, usage, Optional.of(model), Optional.of(stop));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return AnthropicOut.error(status, ErrorBodies.anthropicTypeForStatus(status), ErrorBodies.message(upstream, status));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /** Gemini streams whole response objects with no end marker; the connection close ends it. */
    private final class Stream extends AbstractStream {
        private enum Block { NONE, TEXT, THINKING }

        private boolean started;
        private Block open = Block.NONE;
        private int nextIndex;
        private boolean sawCall;

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
                start(c, out);
                closeBlock(out);
                out.add(AnthropicOut.errorEvent(error(errorStatus.get(), c).body()));
                done = true;
                return;
            }
            Json.text(c, "modelVersion").ifPresent(this::seeModel);
            start(c, out);
            if (c.has("usageMetadata")) {
                usage = Gemini.parseUsage(c.get("usageMetadata")); // cumulative in every chunk
            }
            JsonNode cand = c.path("candidates").path(0);
            for (JsonNode part : cand.path("content").path("parts")) {
                Optional<String> sig = Json.text(part, "thoughtSignature");
                String text = part.path("text").asText("");
                if (part.path("thought").asBoolean(false)) {
                    ensure(Block.THINKING, out);
                    if (!text.isEmpty()) {
                        out.add(AnthropicOut.blockDelta(nextIndex, "thinking_delta", "thinking", text));
                    }
                    sig.ifPresent(s -> out.add(AnthropicOut.blockDelta(nextIndex, "signature_delta", "signature", s)));
                    continue;
                }
                if (sig.isPresent()) {
                    closeBlock(out);
                    ensure(Block.THINKING, out);
                    out.add(AnthropicOut.blockDelta(nextIndex, "signature_delta", "signature", sig.get()));
                    closeBlock(out);
                }
                if (part.has("functionCall")) {
                    closeBlock(out);
                    sawCall = true;
                    JsonNode fc = part.get("functionCall");
                    int index = nextIndex++;
                    out.add(AnthropicOut.blockStart(index, AnthropicOut.toolUseBlock(
                            "toolu_" + Json.text(fc, "id").orElseGet(() -> ctx.ids().get()), fc.path("name").asText())));
                    // Gemini sends each call whole, so the arguments go in one delta.
                    out.add(AnthropicOut.blockDelta(index, "input_json_delta", "partial_json",
                            Json.write(fc.get("args") instanceof ObjectNode a ? a : Json.obj())));
                    out.add(AnthropicOut.blockStop(index));
                } else if (!text.isEmpty()) {
                    ensure(Block.TEXT, out);
                    out.add(AnthropicOut.blockDelta(nextIndex, "text_delta", "text", text));
                }
            }
            Optional<String> reason = Json.text(cand, "finishReason");
            if (reason.isPresent() && finish == null) {
                finish = mapFinishReason(reason.get(), sawCall);
                closeBlock(out);
            } else if (cand.isMissingNode() && c.path("promptFeedback").has("blockReason") && finish == null) {
                finish = "refusal";
                closeBlock(out);
            }
        }

        private void start(ObjectNode c, List<SseEvent> out) {
            if (started) {
                return;
            }
            started = true;
            out.add(AnthropicOut.messageStart("msg_" + Json.text(c, "responseId").orElseGet(() -> ctx.ids().get()), model));
        }

        private void ensure(Block kind, List<SseEvent> out) {
            if (open == kind) {
                return;
            }
            closeBlock(out);
            open = kind;
            out.add(AnthropicOut.blockStart(nextIndex,
                    kind == Block.TEXT ? AnthropicOut.textBlock() : AnthropicOut.thinkingBlock(true)));
        }

        private void closeBlock(List<SseEvent> out) {
            if (open == Block.NONE) {
                return;
            }
            out.add(AnthropicOut.blockStop(nextIndex++));
            open = Block.NONE;
        }

        @Override
        void finishStream(List<SseEvent> out) {
            start(Json.obj(), out);
            closeBlock(out);
            AnthropicOut.messageEnd(out, finish, usage);
        }

        @Override
        void truncated(List<SseEvent> out) {
            start(Json.obj(), out);
            closeBlock(out);
            out.add(AnthropicOut.truncated());
        }
    }
}

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
 * Client speaks Anthropic Messages, backend speaks OpenAI Chat Completions.
 *
 * <p>Lossy spots, by design:
 * <ul>
 *   <li>{@code cache_control} markers, {@code thinking} config and {@code top_k} are dropped:
 *       OpenAI rejects unknown parameters, and reasoning models pick their own budget.</li>
 *   <li>Thinking blocks in the history are dropped; a tool_result's {@code is_error} flag has no
 *       OpenAI equivalent and is dropped too.</li>
 *   <li>A user turn that mixes tool results and other content becomes tool messages first, then
 *       a user message with the rest, which is the order OpenAI requires.</li>
 *   <li>Streaming always asks the backend for usage, because Anthropic clients expect it in
 *       message_delta whatever they asked.</li>
 *   <li>OpenAI reports neither the stop sequence that matched nor cache writes, so
 *       {@code stop_sequence} is null and {@code cache_creation_input_tokens} is 0.</li>
 * </ul>
 */
public final class AnthropicMessagesToOpenAiChat extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("thinking", "top_k");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    static final String PATH = "/v1/chat/completions";

    public AnthropicMessagesToOpenAiChat() {
        super(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        out.put("model", model);

        ArrayNode messages = out.putArray("messages");
        system(in.get("system"), messages);
        JsonNode msgs = RequestFields.messages(in);
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            switch (role) {
                case "user" -> user(m.get("content"), at + ".content", messages);
                case "assistant" -> assistant(m.get("content"), at + ".content", messages);
                default -> throw invalid(at + ".role", "must be user or assistant, got '" + role + "'");
            }
        }

        JsonNode maxTokens = in.get("max_tokens");
        if (maxTokens == null || !maxTokens.canConvertToLong() || maxTokens.asLong() <= 0) {
            throw invalid("max_tokens", "is required and must be a positive integer");
        }
        // max_tokens is deprecated upstream and refused by reasoning models.
        out.put("max_completion_tokens", maxTokens.asLong());

        JsonNode stops = in.get("stop_sequences");
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            out.set("stop", stops);
        }
        for (String f : new String[] {"temperature", "top_p"}) {
            if (Json.present(in, f)) {
                if (!in.get(f).isNumber()) {
                    throw invalid(f, "must be a number");
                }
                out.set(f, in.get(f));
            }
        }
        Json.text(in.path("metadata"), "user_id").filter(u -> !u.isEmpty()).ifPresent(u -> out.put("user", u));

        tools(in, out);

        boolean stream = in.path("stream").asBoolean(false);
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return new TranslatedRequest(out, PATH, stream, model);
    }

    private static void system(JsonNode system, ArrayNode messages) throws TranslationException {
        if (system == null || system.isNull()) {
            return;
        }
        String text;
        if (system.isTextual()) {
            text = system.asText();
        } else if (system.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < system.size(); j++) {
                JsonNode b = system.get(j);
                if (!b.path("type").asText().equals("text")) {
                    throw invalid("system[" + j + "].type", "must be text");
                }
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(b.path("text").asText());
            }
            text = sb.toString();
        } else {
            throw invalid("system", "must be a string or an array of text blocks");
        }
        if (!text.isEmpty()) {
            ObjectNode m = messages.addObject();
            m.put("role", "system");
            m.put("content", text);
        }
    }

    private static void user(JsonNode content, String at, ArrayNode messages) throws TranslationException {
        if (content == null || content.isNull()) {
            throw invalid(at, "is required");
        }
        if (content.isTextual()) {
            ObjectNode m = messages.addObject();
            m.put("role", "user");
            m.set("content", content);
            return;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        ArrayNode parts = Json.arr();
        for (int j = 0; j < content.size(); j++) {
            JsonNode b = content.get(j);
            String bat = at + "[" + j + "]";
            String type = b.path("type").asText();
            switch (type) {
                case "text" -> parts.add(textPart(b.path("text").asText()));
                case "image" -> parts.add(imagePart(b.path("source"), bat + ".source"));
                case "document" -> parts.add(filePart(b, bat));
                case "tool_result" -> {
                    // Tool messages must directly follow the assistant turn that called them.
                    ObjectNode m = messages.addObject();
                    m.put("role", "tool");
                    m.put("tool_call_id", Json.text(b, "tool_use_id")
                            .orElseThrow(() -> invalid(bat + ".tool_use_id", "is required")));
                    m.set("content", toolResultContent(b.get("content"), bat + ".content"));
                }
                default -> throw unsupported(bat + ".type", "content block '" + type + "' is not supported by openai-chat backends");
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            m.set("content", parts.get(0).get("text")); // plain string is accepted by every compatible server
        } else {
            m.set("content", parts);
        }
    }

    private static JsonNode toolResultContent(JsonNode content, String at) throws TranslationException {
        if (content == null || content.isNull()) {
            return Json.F.textNode("");
        }
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < content.size(); k++) {
            JsonNode b = content.get(k);
            if (!b.path("type").asText().equals("text")) {
                throw unsupported(at + "[" + k + "].type", "openai-chat tool messages carry text only");
            }
            if (!sb.isEmpty()) {
                sb.append("\n");
            }
            sb.append(b.path("text").asText());
        }
        return Json.F.textNode(sb.toString());
    }

    private static ObjectNode imagePart(JsonNode source, String at) throws TranslationException {
        String url = switch (source.path("type").asText()) {
            case "base64" -> new Media.DataUrl(
                    Json.text(source, "media_type").orElseThrow(() -> invalid(at + ".media_type", "is required")),
                    Json.text(source, "data").orElseThrow(() -> invalid(at + ".data", "is required"))).encode();
            case "url" -> Json.text(source, "url").orElseThrow(() -> invalid(at + ".url", "is required"));
            default -> throw unsupported(at + ".type", "image source must be base64 or url");
        };
        ObjectNode p = Json.obj();
        p.put("type", "image_url");
        p.putObject("image_url").put("url", url);
        return p;
    }

    private static ObjectNode filePart(JsonNode block, String at) throws TranslationException {
        JsonNode source = block.path("source");
        if (!source.path("type").asText().equals("base64")) {
            throw unsupported(at + ".source.type", "only base64 documents are supported by openai-chat backends");
        }
        String mediaType = Json.text(source, "media_type").orElseThrow(() -> invalid(at + ".source.media_type", "is required"));
        String data = Json.text(source, "data").orElseThrow(() -> invalid(at + ".source.data", "is required"));
        ObjectNode p = Json.obj();
        p.put("type", "file");
        ObjectNode file = p.putObject("file");
        file.put("filename", Json.text(block, "title").orElse("document.pdf"));
        file.put("file_data", new Media.DataUrl(mediaType, data).encode());
        return p;
    }

    private static void assistant(JsonNode content, String at, ArrayNode messages) throws TranslationException {
        ObjectNode m = Json.obj();
        m.put("role", "assistant");
        if (content != null && content.isTextual()) {
            m.set("content", content);
            messages.add(m);
            return;
        }
        if (content == null || !content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.arr();
        for (int j = 0; j < content.size(); j++) {
            JsonNode b = content.get(j);
            String bat = at + "[" + j + "]";
            String type = b.path("type").asText();
            switch (type) {
                case "text" -> text.append(b.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", Json.text(b, "id").orElseThrow(() -> invalid(bat + ".id", "is required")));
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", Json.text(b, "name").orElseThrow(() -> invalid(bat + ".name", "is required")));
                    JsonNode input = b.get("input");
                    fn.put("arguments", input == null || input.isNull() ? "{}" : Json.write(input));
                }
                case "thinking", "redacted_thinking" -> {
                    // OpenAI has no way to replay reasoning; the model re-derives it.
                }
                default -> throw unsupported(at + "[" + j + "].type", "content block '" + type + "' is not supported by openai-chat backends");
            }
        }
        if (text.isEmpty() && calls.isEmpty()) {
            return;
        }
        if (text.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            m.set("tool_calls", calls);
        }
        messages.add(m);
    }

    private static void tools(ObjectNode in, ObjectNode out) throws TranslationException {
        JsonNode tools = RequestFields.tools(in);
        if (tools == null) {
            return;
        }
        ArrayNode outTools = out.putArray("tools");
        for (int k = 0; k < tools.size(); k++) {
            JsonNode t = tools.get(k);
            String at = "tools[" + k + "]";
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw unsupported(at + ".type", "server tool '" + type + "' is not available on openai-chat backends");
            }
            ObjectNode fnTool = outTools.addObject();
            fnTool.put("type", "function");
            ObjectNode fn = fnTool.putObject("function");
            fn.put("name", Json.text(t, "name").orElseThrow(() -> invalid(at + ".name", "is required")));
            Json.text(t, "description").ifPresent(d -> fn.put("description", d));
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw invalid(at + ".input_schema", "is required and must be an object");
            }
            fn.set("parameters", schema);
        }

        JsonNode tc = in.get("tool_choice");
        if (tc != null && tc.isObject()) {
            String type = tc.path("type").asText();
            switch (type) {
                case "auto" -> out.put("tool_choice", "auto");
                case "any" -> out.put("tool_choice", "required");
                case "none" -> out.put("tool_choice", "none");
                case "tool" -> {
                    ObjectNode named = out.putObject("tool_choice");
                    named.put("type", "function");
                    named.putObject("function").put("name",
                            Json.text(tc, "name").orElseThrow(() -> invalid("tool_choice.name", "is required")));
                }
                default -> throw invalid("tool_choice.type", "must be auto, any, tool or none");
            }
            if (tc.path("disable_parallel_tool_use").asBoolean(false) && !type.equals("none")) {
                out.put("parallel_tool_calls", false);
            }
        } else if (tc != null && !tc.isNull()) {
            throw invalid("tool_choice", "must be an object");
        }
    }

    private static ObjectNode textPart(String text) {
        ObjectNode p = Json.obj();
        p.put("type", "text");
        p.put("text", text);
        return p;
    }

    // ---------------------------------------------------------------- response

    static String mapFinishReason(String openAiFinishReason) {
        return switch (openAiFinishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    static Usage parseUsage(JsonNode u) {
        long cached = Json.longOr0(u.path("prompt_tokens_details"), "cached_tokens");
        long reasoning = Json.longOr0(u.path("completion_tokens_details"), "reasoning_tokens");
        return Usage.of(Json.longOr0(u, "prompt_tokens"), Json.longOr0(u, "completion_tokens"), cached, 0, reasoning);
    }

    /** Anthropic tool_use ids must match ^[a-zA-Z0-9_-]+$; some OpenAI-compatible servers omit or decorate them. */
    private String toolId(JsonNode call) {
        String id = Json.text(call, "id").orElse("");
        String clean = id.replaceAll("[^a-zA-Z0-9_-]", "_");
        return clean.isEmpty() ? "toolu_" + ctx.ids().get() : clean;
    }

    private static ObjectNode parseArguments(String args) {
        // A model can emit broken JSON; an empty input beats failing the whole response.
        return args.isBlank() ? Json.obj() : Json.parseObject(args).orElseGet(Json::obj);
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        String model = Json.text(up, "model").orElse(requestedModel);
        ObjectNode out = AnthropicOut.message(Json.text(up, "id").orElseGet(() -> "msg_" + ctx.ids().get()), model);
        ArrayNode content = out.putArray("content");
        JsonNode choice = up.path("choices").path(0);
        JsonNode message = choice.path("message");

        Json.text(message, "reasoning_content").filter(r -> !r.isEmpty()).ifPresent(r -> {
            ObjectNode b = content.addObject();
            b.put("type", "thinking");
            b.put("thinking", r);
            b.put("signature", "");
        });
        Optional<String> refusal = Json.text(message, "refusal").filter(r -> !r.isEmpty());
        Json.text(message, "content").or(() -> refusal).filter(t -> !t.isEmpty()).ifPresent(t -> {
            ObjectNode b = content.addObject();
            b.put("type", "text");
            b.put("text", t);
        });
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode b = content.addObject();
            b.put("type", "tool_use");
            b.put("id", toolId(call));
            b.put("name", call.path("function").path("name").asText());
            b.set("input", parseArguments(call.path("function").path("arguments").asText("")));
        }
        String stop = refusal.isPresent() ? "refusal" : mapFinishReason(Json.text(choice, "finish_reason").orElse("stop"));
        Usage usage = parseUsage(up.path("usage"));
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

    private final class Stream extends AbstractStream {
        private enum Block { NONE, TEXT, THINKING, TOOL }

        private boolean started;
        private Block open = Block.NONE;
        private int nextBlockIndex;
        private int openIndex = -1;
        private final Map<Integer, Integer> blockByToolIndex = new HashMap<>();

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            if (e.isDone()) {
                completed = true;
                finishStream(out);
                return;
            }
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return;
            }
            ObjectNode c = parsed.get();
            if (Json.present(c, "error")) {
                int status = c.path("error").path("code").asInt(500);
                closeBlock(out);
                out.add(AnthropicOut.errorEvent(error(status >= 400 ? status : 500, c).body()));
                done = true;
                return;
            }
            Json.text(c, "model").filter(m -> !m.isEmpty()).ifPresent(this::seeModel);
            if (!started) {
                start(c, out);
            }
            if (c.get("usage") instanceof ObjectNode u) {
                usage = parseUsage(u);
            }
            JsonNode choice = c.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            Json.text(delta, "reasoning_content").filter(t -> !t.isEmpty()).ifPresent(t -> {
                ensure(Block.THINKING, out);
                out.add(AnthropicOut.blockDelta(openIndex, "thinking_delta", "thinking", t));
            });
            Json.text(delta, "content").or(() -> Json.text(delta, "refusal")).filter(t -> !t.isEmpty()).ifPresent(t -> {
                ensure(Block.TEXT, out);
                out.add(AnthropicOut.blockDelta(openIndex, "text_delta", "text", t));
            });
            for (JsonNode call : delta.path("tool_calls")) {
                toolDelta(call, out);
            }
            Json.text(choice, "finish_reason").ifPresent(r -> {
                finish = mapFinishReason(r);
                closeBlock(out);
            });
        }

        private void toolDelta(JsonNode call, List<SseEvent> out) {
            int toolIndex = call.path("index").asInt(blockByToolIndex.size());
            Integer blockIndex = blockByToolIndex.get(toolIndex);
            if (blockIndex == null) {
                closeBlock(out);
                blockIndex = nextBlockIndex++;
                blockByToolIndex.put(toolIndex, blockIndex);
                open = Block.TOOL;
                openIndex = blockIndex;
                out.add(AnthropicOut.blockStart(blockIndex,
                        AnthropicOut.toolUseBlock(toolId(call), call.path("function").path("name").asText())));
            }
            String args = call.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                // OpenAI streams calls one after another; a late fragment still names its own block.
                out.add(AnthropicOut.blockDelta(blockIndex, "input_json_delta", "partial_json", args));
            }
        }

        private void start(ObjectNode c, List<SseEvent> out) {
            started = true;
            // OpenAI reports usage only at the end; message_delta carries the real counts.
            out.add(AnthropicOut.messageStart(Json.text(c, "id").orElseGet(() -> "msg_" + ctx.ids().get()), model));
        }

        private void ensure(Block kind, List<SseEvent> out) {
            if (open == kind) {
                return;
            }
            closeBlock(out);
            open = kind;
            openIndex = nextBlockIndex++;
            out.add(AnthropicOut.blockStart(openIndex,
                    kind == Block.TEXT ? AnthropicOut.textBlock() : AnthropicOut.thinkingBlock(false)));
        }

        private void closeBlock(List<SseEvent> out) {
            if (open == Block.NONE) {
                return;
            }
            out.add(AnthropicOut.blockStop(openIndex));
            open = Block.NONE;
            openIndex = -1;
        }

        @Override
        void finishStream(List<SseEvent> out) {
            if (!started) {
                start(Json.obj(), out);
            }
            closeBlock(out);
            if (finish == null) {
                finish = "end_turn";
            }
            AnthropicOut.messageEnd(out, finish, usage);
            done = true;
        }

        @Override
        void truncated(List<SseEvent> out) {
            if (!started) {
                start(Json.obj(), out);
            }
            closeBlock(out);
            out.add(AnthropicOut.truncated());
        }
    }
}

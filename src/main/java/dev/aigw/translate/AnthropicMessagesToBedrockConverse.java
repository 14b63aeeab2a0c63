package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client speaks Anthropic Messages, backend speaks Amazon Bedrock Converse / ConverseStream
 * (AWS event-stream framing: parse it with {@link EventStreamParser}).
 *
 * <p>Notes:
 * <ul>
 *   <li>{@code cache_control} on a system, message or tool block becomes a Converse
 *       {@code cachePoint} block right after it (Bedrock has one cache TTL, so {@code ttl} is
 *       dropped).</li>
 *   <li>{@code thinking} and {@code top_k} go in {@code additionalModelRequestFields}, which is
 *       where Claude on Bedrock reads them; other model families may reject them.</li>
 *   <li>Thinking blocks round-trip as {@code reasoningContent} with their signature; redacted
 *       thinking as {@code redactedContent}.</li>
 *   <li>Images and documents must be base64 (Bedrock fetches no URLs); text documents are sent
 *       as {@code txt} documents.</li>
 *   <li>{@code tool_choice} none: see {@link Bedrock#toolChoiceNone}. Dropped:
 *       {@code disable_parallel_tool_use}, {@code metadata}, {@code service_tier}, citations.</li>
 *   <li>{@code max_tokens} defaults to {@link RequestContext#defaultMaxTokens()} when missing.</li>
 *   <li>Converse names no model and no message id: the requested model and a generated
 *       {@code msg_} id are reported.</li>
 * </ul>
 */
public final class AnthropicMessagesToBedrockConverse extends PairTranslator {

    private static final java.util.Set<String> DROPPED = java.util.Set.of("metadata", "service_tier");

    @Override
    java.util.Set<String> droppedFields() {
        return DROPPED;
    }

    public AnthropicMessagesToBedrockConverse() {
        super(Schema.ANTHROPIC_MESSAGES, Schema.BEDROCK_CONVERSE);
    }

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        String model = begin(in, ctx);
        ObjectNode out = Json.obj();
        ArrayNode messages = out.putArray("messages");
        JsonNode msgs = RequestFields.messages(in);
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String at = "messages[" + i + "]";
            String role = RequestFields.role(m, at);
            if (!role.equals("user") && !role.equals("assistant")) {
                throw invalid(at + ".role", "must be user or assistant, got '" + role + "'");
            }
            Bedrock.addMessage(messages, role, content(m.get("content"), at + ".content", role.equals("assistant")));
        }
        ArrayNode system = system(in.get("system"));
        if (!system.isEmpty()) {
            out.set("system", system);
        }

        ObjectNode inference = out.putObject("inferenceConfig");
        inference.put("maxTokens", ctx.defaultMaxTokens());
        if (Json.present(in, "max_tokens")) {
            Bedrock.positiveInt(in, "max_tokens", inference, "maxTokens");
        }
        Bedrock.number(in, "temperature", inference, "temperature");
        Bedrock.number(in, "top_p", inference, "topP");
        JsonNode stops = in.get("stop_sequences");
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            inference.set("stopSequences", stops);
        }
        ObjectNode extra = Json.obj();
        Bedrock.number(in, "top_k", extra, "top_k");
        if (in.get("thinking") instanceof ObjectNode t) {
            extra.set("thinking", t);
        }
        if (!extra.isEmpty()) {
            out.set("additionalModelRequestFields", extra);
        }
        tools(in, out, messages);
        Bedrock.guardrail(ctx, out);

        boolean stream = in.path("stream").asBoolean(false);
        return new TranslatedRequest(out, Bedrock.path(model, stream), stream, model);
    }

    private static boolean cached(JsonNode block) {
        return block.path("cache_control").isObject();
    }

    private static ArrayNode system(JsonNode system) throws TranslationException {
        ArrayNode out = Json.arr();
        if (system == null || system.isNull()) {
            return out;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                out.add(Bedrock.text(system.asText()));
            }
            return out;
        }
        if (!system.isArray()) {
            throw invalid("system", "must be a string or an array of text blocks");
        }
        for (int j = 0; j < system.size(); j++) {
            JsonNode b = system.get(j);
            if (!b.path("type").asText().equals("text")) {
                throw invalid("system[" + j + "].type", "must be text");
            }
            out.add(Bedrock.text(b.path("text").asText()));
            if (cached(b)) {
                out.add(Bedrock.cachePoint());
            }
        }
        return out;
    }

    private static ArrayNode content(JsonNode content, String at, boolean assistant) throws TranslationException {
        ArrayNode out = Json.arr();
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.add(Bedrock.text(content.asText()));
            }
            return out;
        }
        if (content == null || !content.isArray()) {
            throw invalid(at, "must be a string or an array of content blocks");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode b = content.get(j);
            String bat = at + "[" + j + "]";
            String type = b.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!b.path("text").asText().isEmpty()) {
                        out.add(Bedrock.text(b.path("text").asText()));
                    }
                }
                case "image" -> out.add(image(b.path("source"), bat + ".source"));
                case "document" -> out.add(document(b, bat));
                case "tool_use" -> out.add(Bedrock.toolUse(
                        Json.text(b, "id").orElseThrow(() -> invalid(bat + ".id", "is required")),
                        Json.text(b, "name").orElseThrow(() -> invalid(bat + ".name", "is required")), b.get("input")));
                case "tool_result" -> out.add(toolResult(b, bat));
                case "thinking" -> {
                    ObjectNode r = out.addObject().putObject("reasoningContent").putObject("reasoningText");
                    r.put("text", b.path("thinking").asText());
                    Json.text(b, "signature").filter(s -> !s.isEmpty()).ifPresent(s -> r.put("signature", s));
                }
                case "redacted_thinking" -> out.addObject().putObject("reasoningContent")
                        .put("redactedContent", Json.text(b, "data").orElseThrow(() -> invalid(bat + ".data", "is required")));
                default -> throw unsupported(bat + ".type", "content block '" + type + "' is not supported by bedrock-converse backends");
            }
            if (cached(b)) {
                out.add(Bedrock.cachePoint());
            }
        }
        return out;
    }

    private static ObjectNode image(JsonNode source, String at) throws TranslationException {
        if (!source.path("type").asText().equals("base64")) {
            throw unsupported(at + ".type", "bedrock-converse backends take base64 images only");
        }
        return Bedrock.image(Json.text(source, "media_type").orElseThrow(() -> invalid(at + ".media_type", "is required")),
                Json.text(source, "data").orElseThrow(() -> invalid(at + ".data", "is required")), at + ".media_type");
    }

    private static ObjectNode document(JsonNode block, String at) throws TranslationException {
        JsonNode source = block.path("source");
        String name = Json.text(block, "title").orElse(null);
        return switch (source.path("type").asText()) {
            case "base64" -> Bedrock.document(
                    Json.text(source, "media_type").orElseThrow(() -> invalid(at + ".source.media_type", "is required")),
                    Json.text(source, "data").orElseThrow(() -> invalid(at + ".source.data", "is required")), name,
                    at + ".source.media_type");
            case "text" -> Bedrock.document("text/plain", Base64.getEncoder().encodeToString(
                    source.path("data").asText("").getBytes(StandardCharsets.UTF_8)), name, at + ".source");
            default -> throw unsupported(at + ".source.type", "bedrock-converse backends take base64 or text documents only");
        };
    }

    private static ObjectNode toolResult(JsonNode b, String at) throws TranslationException {
        ObjectNode block = Json.obj();
        ObjectNode tr = block.putObject("toolResult");
        tr.put("toolUseId", Json.text(b, "tool_use_id").orElseThrow(() -> invalid(at + ".tool_use_id", "is required")));
        ArrayNode content = tr.putArray("content");
        JsonNode c = b.get("content");
        if (c == null || c.isNull() || c.isTextual()) {
            content.add(Bedrock.toolResultContent(c == null || c.isNull() ? "" : c.asText()));
        } else if (c.isArray()) {
            for (int k = 0; k < c.size(); k++) {
                JsonNode p = c.get(k);
                switch (p.path("type").asText()) {
                    case "text" -> content.add(Bedrock.toolResultContent(p.path("text").asText()));
                    case "image" -> content.add(image(p.path("source"), at + ".content[" + k + "].source"));
                    case "document" -> content.add(document(p, at + ".content[" + k + "]"));
                    default -> throw unsupported(at + ".content[" + k + "].type", "tool results carry text, images and documents only");
                }
            }
        } else {
            throw invalid(at + ".content", "must be a string or an array of content blocks");
        }
        if (b.path("is_error").asBoolean(false)) {
            tr.put("status", "error");
        }
        return block;
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
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw unsupported(at + ".type", "server tool '" + type + "' is not available on bedrock-converse backends");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw invalid(at + ".input_schema", "is required and must be an object");
            }
            specs.add(Bedrock.toolSpec(Json.text(t, "name").orElseThrow(() -> invalid(at + ".name", "is required")),
                    Json.text(t, "description"), schema));
            if (cached(t)) {
                specs.add(Bedrock.cachePoint());
            }
        }
        JsonNode tc = in.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return;
        }
        if (!tc.isObject()) {
            throw invalid("tool_choice", "must be an object");
        }
        switch (tc.path("type").asText()) {
            case "auto" -> config.set("toolChoice", Bedrock.toolChoice("auto", null));
            case "any" -> config.set("toolChoice", Bedrock.toolChoice("any", null));
            case "tool" -> config.set("toolChoice", Bedrock.toolChoice("tool",
                    Json.text(tc, "name").orElseThrow(() -> invalid("tool_choice.name", "is required"))));
            case "none" -> Bedrock.toolChoiceNone(out, messages);
            default -> throw invalid("tool_choice.type", "must be auto, any, tool or none");
        }
    }

    // ---------------------------------------------------------------- response

    static String mapStopReason(String bedrockStopReason) {
        return switch (bedrockStopReason) {
            case "tool_use", "max_tokens", "stop_sequence", "model_context_window_exceeded" -> bedrockStopReason;
            case "guardrail_intervened", "content_filtered" -> "refusal";
            default -> "end_turn";
        };
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        ObjectNode out = AnthropicOut.message("msg_" + ctx.ids().get(), requestedModel);
        ArrayNode content = out.putArray("content");
        for (JsonNode b : up.path("output").path("message").path("content")) {
            if (b.has("text")) {
                ObjectNode t = content.addObject();
                t.put("type", "text");
                t.put("text", b.path("text").asText(""));
            } else if (b.has("toolUse")) {
                JsonNode u = b.get("toolUse");
                ObjectNode t = content.addObject();
                t.put("type", "tool_use");
                t.put("id", Json.text(u, "toolUseId").orElseGet(() -> "toolu_" + ctx.ids().get()));
                t.put("name", u.path("name").asText());
                t.set("input", u.get("input") instanceof ObjectNode input ? input : Json.obj());
            } else if (b.path("reasoningContent").has("redactedContent")) {
                ObjectNode t = content.addObject();
                t.put("type", "redacted_thinking");
                t.put("data", b.path("reasoningContent").path("redactedContent").asText());
            } else if (b.has("reasoningContent")) {
                JsonNode r = b.path("reasoningContent").path("reasoningText");
                ObjectNode t = content.addObject();
                t.put("type", "thinking");
                t.put("thinking", r.path("text").asText(""));
                t.put("signature", r.path("signature").asText(""));
            }
        }
        String stop = mapStopReason(Json.text(up, "stopReason").orElse("end_turn"));
        Usage usage = Bedrock.parseUsage(up.path("usage"));
        AnthropicOut.end(out, stop, Json.text(up.path("additionalModelResponseFields"), "stop_sequence").orElse(null), usage);
        return new TranslatedResponse(out, usage, Optional.of(requestedModel), Optional.of(stop));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        return AnthropicOut.error(status, Bedrock.anthropicErrorType(status), Bedrock.errorMessage(upstream, status));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamTranslator stream() {
        return new Stream();
    }

    /** Bedrock numbers blocks as Anthropic does, but starts only tool-use blocks explicitly. */
    private final class Stream extends AbstractStream {
        private boolean started;
        private final Map<Integer, Integer> indexByBlock = new HashMap<>();
        private final Map<Integer, Boolean> openByIndex = new HashMap<>();

        Stream() {
            super(requestedModel);
        }

        @Override
        void translate(SseEvent e, List<SseEvent> out) {
            String type = e.event().orElse("");
            ObjectNode d = Json.parseObject(e.data()).orElseGet(Json::obj);
            if (type.startsWith("exception:") || type.startsWith("error:")) {
                int status = Bedrock.statusForException(type.substring(type.indexOf(':') + 1));
                start(out);
                closeAll(out);
                out.add(AnthropicOut.errorEvent(error(status, d).body()));
                done = true;
                return;
            }
            int block = d.path("contentBlockIndex").asInt(-1);
            switch (type) {
                case "messageStart" -> start(out);
                case "contentBlockStart" -> {
                    JsonNode tu = d.path("start").path("toolUse");
                    if (tu.isObject()) {
                        open(block, AnthropicOut.toolUseBlock(Json.text(tu, "toolUseId").orElseGet(() -> "toolu_" + ctx.ids().get()),
                                tu.path("name").asText()), out);
                    }
                }
                case "contentBlockDelta" -> delta(block, d.path("delta"), out);
                case "contentBlockStop" -> {
                    Integer index = indexByBlock.get(block);
                    if (index != null && openByIndex.getOrDefault(index, false)) {
                        close(index, out);
                    }
                }
                case "messageStop" -> {
                    if (finish == null) {
                        finish = mapStopReason(Json.text(d, "stopReason").orElse("end_turn"));
                    }
                }
                case "metadata" -> {
                    usage = Bedrock.parseUsage(d.path("usage"));
                    if (finish != null) {
                        completed = true;
                        finishStream(out);
                    }
                }
                default -> {
                }
            }
        }

        private void delta(int block, JsonNode delta, List<SseEvent> out) {
            if (delta.has("text")) {
                if (!indexByBlock.containsKey(block)) {
                    open(block, AnthropicOut.textBlock(), out);
                }
                out.add(blockDelta(block, "text_delta", "text", delta.path("text").asText("")));
            } else if (delta.has("toolUse")) {
                String partial = delta.path("toolUse").path("input").asText("");
                if (indexByBlock.containsKey(block) && !partial.isEmpty()) {
                    out.add(blockDelta(block, "input_json_delta", "partial_json", partial));
                }
            } else if (delta.has("reasoningContent")) {
                JsonNode r = delta.get("reasoningContent");
                if (r.has("redactedContent")) {
                    if (!indexByBlock.containsKey(block)) {
                        ObjectNode cb = Json.obj();
                        cb.put("type", "redacted_thinking");
                        cb.put("data", r.path("redactedContent").asText());
                        open(block, cb, out);
                    }
                    return;
                }
                if (!indexByBlock.containsKey(block)) {
                    open(block, AnthropicOut.thinkingBlock(true), out);
                }
                if (r.has("text")) {
                    out.add(blockDelta(block, "thinking_delta", "thinking", r.path("text").asText("")));
                } else if (r.has("signature")) {
                    out.add(blockDelta(block, "signature_delta", "signature", r.path("signature").asText("")));
                }
            }
        }

        private void start(List<SseEvent> out) {
            if (started) {
                return;
            }
            started = true;
            // Converse reports usage only in the closing metadata event; message_delta carries it.
            out.add(AnthropicOut.messageStart("msg_" + ctx.ids().get(), model));
        }

        private void open(int block, ObjectNode contentBlock, List<SseEvent> out) {
            start(out);
            int index = indexByBlock.size();
            indexByBlock.put(block, index);
            openByIndex.put(index, true);
            out.add(AnthropicOut.blockStart(index, contentBlock));
        }

        private void close(int index, List<SseEvent> out) {
            openByIndex.put(index, false);
            out.add(AnthropicOut.blockStop(index));
        }

        private void closeAll(List<SseEvent> out) {
            for (int i = 0; i < indexByBlock.size(); i++) {
                if (openByIndex.getOrDefault(i, false)) {
                    close(i, out);
                }
            }
        }

        private SseEvent blockDelta(int block, String type, String field, String value) {
            return AnthropicOut.blockDelta(indexByBlock.get(block), type, field, value);
        }

        @Override
        void finishStream(List<SseEvent> out) {
            start(out);
            closeAll(out);
            AnthropicOut.messageEnd(out, finish, usage);
            done = true;
        }

        @Override
        void truncated(List<SseEvent> out) {
            start(out);
            closeAll(out);
            out.add(AnthropicOut.truncated());
        }
    }
}

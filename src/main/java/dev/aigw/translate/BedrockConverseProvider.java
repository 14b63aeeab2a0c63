package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.CacheHint;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.Extension;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.MediaSource;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Reasoning;
import dev.aigw.translate.canonical.Role;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.StreamEvent;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The provider side of Amazon Bedrock Converse / ConverseStream (AWS event-stream framing: parse it
 * with {@link EventStreamParser}).
 *
 * <p>The model goes in the path, percent-encoded; signing is the proxy's job. Turns of the same
 * role merge (Converse wants alternation); system messages anywhere fold into {@code system}.
 * Cache hints become {@code cachePoint} blocks right after their element (one TTL on Bedrock).
 * Thinking round-trips as {@code reasoningContent} with its signature, so Claude on Bedrock sees
 * what Anthropic's API would. Thinking, top_k and Anthropic-only fields
 * ({@code context_management}, {@code output_config} rest) go in
 * {@code additionalModelRequestFields}, where Claude on Bedrock reads them; other model families may
 * reject them. Images and documents must be base64 or s3:// (Bedrock fetches no URLs). A history
 * with tool calls but no tools declares the tools it used, as Converse requires toolConfig then.
 * A JSON output format becomes a system instruction (best effort). The guardrail comes from
 * {@link RequestContext#guardrail()}, never the client. Converse names no model and no message id.
 */
final class BedrockConverseProvider implements ProviderCodec {
    static final BedrockConverseProvider INSTANCE = new BedrockConverseProvider();
    private static final Schema S = Schema.BEDROCK_CONVERSE;
    /** Anthropic fields Claude on Bedrock takes in additionalModelRequestFields. */
    private static final Set<String> ANTHROPIC_ADDITIONAL = Set.of("context_management", "output_config.task_budget");

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest encodeRequest(ChatRequest r, RequestContext ctx, Warnings w) throws TranslationException {
        String model = r.model().orElseThrow();
        ObjectNode out = Json.obj();
        ArrayNode system = Json.arr();
        for (Part.Text t : r.system()) {
            if (!t.text().isEmpty()) {
                system.add(Bedrock.text(t.text()));
            }
            cachePoint(system, t.cache());
        }
        ArrayNode messages = out.putArray("messages");
        for (Message m : r.messages()) {
            if (m.role() == Role.SYSTEM) {
                // Mid-conversation system text joins the system prompt, in order.
                for (Part p : m.parts()) {
                    if (p instanceof Part.Text t && !t.text().isEmpty()) {
                        system.add(Bedrock.text(t.text()));
                        cachePoint(system, t.cache());
                    }
                }
                continue;
            }
            Bedrock.addMessage(messages, m.role() == Role.ASSISTANT ? "assistant" : "user", blocks(m.parts(), w));
        }
        Canon.outputInstruction(r).ifPresent(i -> system.add(Bedrock.text(i)));
        if (!system.isEmpty()) {
            out.set("system", system);
        }

        Sampling s = r.sampling();
        Canon.singleChoice(s, S, w);
        ObjectNode inference = out.putObject("inferenceConfig");
        inference.put("maxTokens", s.maxTokens().orElse((long) ctx.defaultMaxTokens()));
        s.temperature().ifPresent(v -> Canon.put(inference, "temperature", v));
        s.topP().ifPresent(v -> Canon.put(inference, "topP", v));
        if (!s.stop().isEmpty()) {
            ArrayNode stops = inference.putArray("stopSequences");
            s.stop().forEach(stops::add);
        }
        ObjectNode extra = Json.obj();
        s.topK().ifPresent(v -> extra.put("top_k", v));
        r.reasoning().ifPresent(re -> thinking(re, extra, w));
        for (Extension e : r.extensions()) {
            if (e.format().equals(Schema.ANTHROPIC_MESSAGES.id()) && ANTHROPIC_ADDITIONAL.contains(e.field())) {
                String[] path = e.field().split("\\.");
                ObjectNode at = extra;
                for (int i = 0; i < path.length - 1; i++) {
                    at = at.get(path[i]) instanceof ObjectNode o ? o : at.putObject(path[i]);
                }
                at.set(path[path.length - 1], e.value());
            }
        }
        if (!extra.isEmpty()) {
            out.set("additionalModelRequestFields", extra);
        }
        Canon.dropSampling(s, S, w, "seed", "presencePenalty", "frequencyPenalty");
        for (String f : new String[] {"user", "parallelToolCalls"}) {
            boolean set = f.equals("user") ? r.user().isPresent() : r.parallelToolCalls().isPresent();
            if (set) {
                w.add(w.name(f), "not supported by " + S.id() + ", dropped");
            }
        }
        for (Extension e : r.extensions()) {
            if (!(e.format().equals(Schema.ANTHROPIC_MESSAGES.id()) && ANTHROPIC_ADDITIONAL.contains(e.field()))) {
                w.add(e.field(), "not supported by " + S.id() + ", dropped");
            }
        }
        tools(r, out, messages, w);
        Bedrock.guardrail(ctx, out);
        boolean stream = r.stream().stream();
        return new TranslatedRequest(out, Bedrock.path(model, stream), stream, model);
    }

    /** Claude on Bedrock reads Anthropic's thinking object from the additional fields. */
    private static void thinking(Reasoning re, ObjectNode extra, Warnings w) {
        if (re.mode() == Reasoning.Mode.DEFAULT || re.mode() == Reasoning.Mode.DISABLED && re.effort().isPresent()) {
            return;
        }
        if (re.budgetTokens().isEmpty() && re.mode() == Reasoning.Mode.ENABLED) {
            // An effort alone: Claude on Bedrock takes Anthropic's output_config.effort; other families ignore it.
            re.effort().ifPresentOrElse(e -> extra.putObject("output_config").put("effort", e.id()),
                    () -> w.add(w.name("reasoning"), "not supported by " + S.id() + ", dropped"));
            return;
        }
        ObjectNode t = extra.putObject("thinking");
        switch (re.mode()) {
            case DISABLED -> t.put("type", "disabled");
            case ADAPTIVE -> t.put("type", "adaptive");
            case DEFAULT -> throw new IllegalStateException("handled above");
            case ENABLED -> {
                t.put("type", "enabled");
                t.put("budget_tokens", Math.max(1024, re.budgetTokens().get()));
            }
        }
        re.effort().filter(e -> re.mode() != Reasoning.Mode.DISABLED)
                .ifPresent(e -> extra.putObject("output_config").put("effort", e.id()));
    }

    private static void cachePoint(ArrayNode out, Optional<CacheHint> cache) {
        if (cache.isPresent()) {
            out.add(Bedrock.cachePoint());
        }
    }

    private static ArrayNode blocks(List<Part> parts, Warnings w) throws TranslationException {
        ArrayNode out = Json.arr();
        for (Part p : parts) {
            block(p, out, w);
            cachePoint(out, p.cache());
        }
        return out;
    }

    private static void block(Part p, ArrayNode out, Warnings w) throws TranslationException {
        switch (p) {
            case Part.Text t -> {
                if (!t.text().isEmpty()) { // Converse rejects blank text blocks
                    out.add(Bedrock.text(t.text()));
                }
            }
            case Part.Media m -> out.add(media(m, w));
            case Part.ToolCall c -> out.add(Bedrock.toolUse(c.id(), c.name(), c.arguments()));
            case Part.ToolResult tr -> {
                ObjectNode block = Json.obj();
                ObjectNode res = block.putObject("toolResult");
                res.put("toolUseId", tr.callId());
                ArrayNode content = res.putArray("content");
                for (Part c : tr.content()) {
                    switch (c) {
                        case Part.Text t -> content.add(Bedrock.toolResultContent(t.text()));
                        case Part.Media m -> content.add(media(m, w));
                        default -> throw unsupported(w.at(c, w.at(tr, "tool result")),
                                "tool results carry text, images and documents only");
                    }
                }
                if (tr.isError()) {
                    res.put("status", "error");
                }
                out.add(block);
            }
            case Part.Thinking t -> {
                if (!t.text().isEmpty()) {
                    ObjectNode rt = out.addObject().putObject("reasoningContent").putObject("reasoningText");
                    rt.put("text", t.text());
                    t.signature().ifPresent(sig -> rt.put("signature", sig));
                }
            }
            case Part.RedactedThinking rt -> out.addObject().putObject("reasoningContent").put("redactedContent", rt.data());
            case Part.Opaque o -> throw unsupported(w.at(o, "messages"),
                    "content block '" + o.type() + "' is not supported by bedrock-converse backends");
        }
    }

    private static ObjectNode media(Part.Media m, Warnings w) throws TranslationException {
        String at = w.at(m, "messages");
        if (m.kind() == Part.Media.Kind.AUDIO) {
            throw unsupported(at, "audio input is not supported by bedrock-converse backends");
        }
        boolean image = m.kind() == Part.Media.Kind.IMAGE;
        return switch (m.source()) {
            case MediaSource.Base64 b -> image ? Bedrock.image(b.mediaType(), b.data(), at)
                    : Bedrock.document(b.mediaType(), b.data(), m.title().orElse(null), at);
            case MediaSource.Url u when image && u.url().startsWith("s3://") -> Bedrock.s3Image(u.url(), at);
            case MediaSource.Url u -> throw unsupported(at, "bedrock-converse backends take " + (image ? "images" : "documents")
                    + " as base64 data or s3:// URIs only");
            case MediaSource.FileId f -> throw unsupported(at,
                    "uploaded file ids cannot be resolved for bedrock-converse backends; send file_data");
        };
    }

    private static void tools(ChatRequest r, ObjectNode out, ArrayNode messages, Warnings w) throws TranslationException {
        List<Tool.Function> functions = Canon.functions(r, S, w);
        boolean history = Canon.hasToolHistory(r.messages());
        if (functions.isEmpty()) {
            if (history) {
                // Converse refuses toolUse/toolResult blocks without toolConfig: declare the tools the history used.
                Set<String> names = new LinkedHashSet<>(Canon.toolNames(r.messages()).values());
                ArrayNode specs = out.putObject("toolConfig").putArray("tools");
                for (String name : names) {
                    specs.add(Bedrock.toolSpec(name, Optional.empty(), null));
                }
                if (names.isEmpty()) {
                    out.remove("toolConfig"); // results without calls: nothing to declare
                }
            }
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (Tool.Function f : functions) {
            specs.add(Bedrock.toolSpec(f.name(), f.description(), f.parameters().isEmpty() ? null : f.parameters()));
            cachePoint(specs, f.cache());
        }
        if (r.toolChoice().isPresent()) {
            switch (r.toolChoice().get()) {
                case ToolChoice.Auto a -> config.set("toolChoice", Bedrock.toolChoice("auto", null));
                case ToolChoice.Required q -> config.set("toolChoice", Bedrock.toolChoice("any", null));
                case ToolChoice.Named n -> config.set("toolChoice", Bedrock.toolChoice("tool", n.name()));
                case ToolChoice.None n -> Bedrock.toolChoiceNone(out, messages);
            }
        }
    }

    // ---------------------------------------------------------------- response

    static FinishReason finish(String stopReason, boolean sawCall) {
        return switch (stopReason) {
            case "max_tokens" -> FinishReason.MAX_TOKENS;
            case "model_context_window_exceeded" -> FinishReason.CONTEXT_WINDOW;
            case "tool_use" -> FinishReason.TOOL_USE;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> sawCall ? FinishReason.TOOL_USE : FinishReason.END_TURN;
        };
    }

    @Override
    public ChatResponse decodeResponse(ObjectNode up, Exchange x) {
        List<Part> content = new ArrayList<>();
        boolean sawCall = false;
        for (JsonNode b : up.path("output").path("message").path("content")) {
            if (b.has("text")) {
                content.add(new Part.Text(b.path("text").asText("")));
            } else if (b.has("toolUse")) {
                sawCall = true;
                JsonNode u = b.get("toolUse");
                content.add(new Part.ToolCall(Json.text(u, "toolUseId").orElse(""), u.path("name").asText(),
                        u.get("input") instanceof ObjectNode input ? input : Json.obj()));
            } else if (b.path("reasoningContent").has("redactedContent")) {
                content.add(new Part.RedactedThinking(b.path("reasoningContent").path("redactedContent").asText()));
            } else if (b.has("reasoningContent")) {
                JsonNode rt = b.path("reasoningContent").path("reasoningText");
                content.add(new Part.Thinking(rt.path("text").asText(""), Json.text(rt, "signature")));
            }
        }
        return new ChatResponse(Optional.empty(), Optional.empty(), content,
                finish(Json.text(up, "stopReason").orElse("end_turn"), sawCall),
                Json.text(up.path("additionalModelResponseFields"), "stop_sequence"), Bedrock.parseUsage(up.path("usage")));
    }

    // ---------------------------------------------------------------- error

    @Override
    public ChatError decodeError(int status, ObjectNode body) {
        return new ChatError(status, Optional.empty(), Bedrock.errorMessage(body, status), Optional.empty());
    }

    // ---------------------------------------------------------------- stream

    /**
     * ConverseStream events: messageStart, contentBlockStart (tool use only), contentBlockDelta,
     * contentBlockStop, messageStop (stop reason), then metadata (usage). Text and reasoning
     * blocks get no start event: the client encoders open them on their first delta.
     */
    @Override
    public StreamDecoder decodeStream(Exchange x) {
        boolean[] state = new boolean[2]; // finished, saw a tool call
        return (e, out) -> {
            String type = e.event().orElse("");
            ObjectNode d = Json.parseObject(e.data()).orElseGet(Json::obj);
            if (EventStreamParser.isFailure(type)) {
                int status = Bedrock.statusForException(type.substring(type.indexOf(':') + 1));
                out.add(new StreamEvent.Error(decodeError(status, d)));
                return;
            }
            int block = d.path("contentBlockIndex").asInt(-1);
            switch (type) {
                case "messageStart" -> out.add(new StreamEvent.Start(Optional.empty(), Optional.empty(), Usage.ZERO));
                case "contentBlockStart" -> {
                    JsonNode tu = d.path("start").path("toolUse");
                    if (tu.isObject()) {
                        state[1] = true;
                        out.add(StreamEvent.BlockStart.tool(block, Json.text(tu, "toolUseId"), tu.path("name").asText()));
                    }
                }
                case "contentBlockDelta" -> {
                    JsonNode delta = d.path("delta");
                    if (delta.has("text")) {
                        out.add(new StreamEvent.TextDelta(block, delta.path("text").asText("")));
                    } else if (delta.has("toolUse")) {
                        out.add(new StreamEvent.ToolArgumentsDelta(block, delta.path("toolUse").path("input").asText("")));
                    } else if (delta.has("reasoningContent")) {
                        JsonNode rc = delta.get("reasoningContent");
                        if (rc.has("redactedContent")) {
                            out.add(new StreamEvent.BlockStart(block, StreamEvent.BlockKind.REDACTED_THINKING, Optional.empty(),
                                    Optional.empty(), Optional.of(rc.path("redactedContent").asText())));
                        } else if (rc.has("text")) {
                            out.add(new StreamEvent.ThinkingDelta(block, rc.path("text").asText("")));
                        } else if (rc.has("signature")) {
                            out.add(new StreamEvent.SignatureDelta(block, rc.path("signature").asText("")));
                        }
                    }
                }
                case "contentBlockStop" -> out.add(new StreamEvent.BlockStop(block));
                case "messageStop" -> {
                    if (!state[0]) {
                        state[0] = true;
                        out.add(new StreamEvent.Finish(finish(Json.text(d, "stopReason").orElse("end_turn"), state[1]),
                                Json.text(d.path("additionalModelResponseFields"), "stop_sequence")));
                    }
                }
                case "metadata" -> {
                    out.add(new StreamEvent.UsageUpdate(Bedrock.parseUsage(d.path("usage"))));
                    if (state[0]) {
                        out.add(new StreamEvent.End());
                    }
                }
                default -> {
                }
            }
        };
    }

    @Override
    public Schema schema() {
        return S;
    }
}

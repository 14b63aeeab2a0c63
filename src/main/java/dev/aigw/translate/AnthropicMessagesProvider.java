package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Reasoning;
import dev.aigw.translate.canonical.Role;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The provider side of Anthropic Messages.
 *
 * <p>System messages anywhere in the conversation are hoisted, in order, into the one top-level
 * {@code system}. A JSON output format becomes an extra system instruction carrying the schema:
 * best effort, not enforced ({@code output_config.format} constrains decoding only on recent
 * models and not on every Bedrock or Vertex deployment). A reasoning effort becomes a thinking
 * budget ({@link Reasoning.Effort#budget()}); with thinking on, temperature, top_k and a top_p
 * below 0.95 are dropped with a warning, as Anthropic refuses them. temperature above 1 is
 * refused rather than clamped. Seed and penalties are dropped with a warning; n other than 1 is refused.
 */
final class AnthropicMessagesProvider implements ProviderCodec {
    static final AnthropicMessagesProvider INSTANCE = new AnthropicMessagesProvider();
    static final String PATH = "/v1/messages";
    private static final Schema S = Schema.ANTHROPIC_MESSAGES;

    @Override
    public Schema schema() {
        return S;
    }
    private static final List<String> IMAGE_TYPES = List.of("image/jpeg", "image/png", "image/gif", "image/webp");

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest encodeRequest(ChatRequest r, RequestContext ctx, Warnings w) throws TranslationException {
        String model = r.model().orElseThrow();
        ObjectNode out = Json.obj();
        out.put("model", model);
        List<Part.Text> system = new ArrayList<>(r.system()); // blocks are made at the end, where more than one
        out.set("messages", messages(r.messages(), system, w));

        Sampling s = r.sampling();
        Canon.singleChoice(s, S, w);
        long maxTokens = s.maxTokens().orElse((long) ctx.defaultMaxTokens());
        ObjectNode thinking = thinking(r, maxTokens, w);
        if (thinking != null && thinking.has("budget_tokens") && s.maxTokens().isEmpty()) {
            // The default must leave room for the answer after the thinking budget.
            maxTokens = thinking.get("budget_tokens").asLong() + ctx.defaultMaxTokens();
        }
        out.put("max_tokens", maxTokens);

        Canon.outputInstruction(r).ifPresent(i -> system.add(new Part.Text(i)));
        if (system.size() == 1 && system.get(0).cache().isEmpty()) {
            out.put("system", system.get(0).text());
        } else if (!system.isEmpty()) {
            ArrayNode blocks = out.putArray("system");
            for (Part.Text t : system) {
                blocks.add(AnthropicOut.textBlock(t.text(), t.cache()));
            }
        }

        if (!s.stop().isEmpty()) {
            ArrayNode stops = out.putArray("stop_sequences");
            s.stop().forEach(stops::add);
        }
        if (s.temperature().filter(t -> t > 1.0).isPresent()) {
            throw invalid(w.name("temperature"), "anthropic-messages backends accept 0 to 1, got "
                    + Json.F.numberNode(s.temperature().get()).asText().replaceAll("\\.0$", ""));
        }
        s.temperature().ifPresent(v -> Canon.put(out, "temperature", v));
        s.topP().ifPresent(v -> Canon.put(out, "top_p", v));
        s.topK().ifPresent(v -> out.put("top_k", v));
        if (thinking != null) {
            out.set("thinking", thinking);
            if (!thinking.path("type").asText().equals("disabled")) {
                // Extended thinking refuses sampling changes: temperature, top_k, and top_p below 0.95.
                for (String[] f : new String[][] {{"temperature", "temperature"}, {"top_k", "topK"}, {"top_p", "topP"}}) {
                    if (out.has(f[0]) && !(f[0].equals("top_p") && out.get(f[0]).asDouble() >= 0.95)) {
                        out.remove(f[0]);
                        w.add(w.name(f[1]), "not allowed with extended thinking on anthropic-messages, dropped");
                    }
                }
            }
        }
        Canon.dropSampling(s, S, w, "seed", "presencePenalty", "frequencyPenalty");
        r.user().ifPresent(u -> out.putObject("metadata").put("user_id", u));
        tools(r, out, w);
        Canon.dropExtensions(r, S, w);
        if (r.stream().stream()) {
            out.put("stream", true);
        }
        return new TranslatedRequest(out, PATH, r.stream().stream(), model);
    }

    private static ArrayNode messages(List<Message> messages, List<Part.Text> system, Warnings w) throws TranslationException {
        ArrayNode out = Json.arr();
        ArrayNode toolTurn = null; // the user turn that collects tool results
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            ArrayNode lastToolTurn = toolTurn;
            if (m.role() != Role.TOOL) {
                toolTurn = null;
            }
            switch (m.role()) {
                case SYSTEM -> {
                    for (String t : Canon.texts(m.parts())) {
                        system.add(new Part.Text(t));
                    }
                }
                case TOOL -> {
                    // Parallel tool results must reach Anthropic as one user turn.
                    if (toolTurn == null) {
                        ObjectNode msg = out.addObject();
                        msg.put("role", "user");
                        toolTurn = msg.putArray("content");
                    }
                    toolTurn.addAll(blocks(m.parts(), w));
                }
                case USER -> {
                    if (lastToolTurn != null) {
                        // Text after tool results belongs in the same user turn, after the results.
                        lastToolTurn.addAll(blocks(m.parts(), w));
                    } else {
                        addMessage(out, "user", m.parts(), w);
                    }
                }
                // Anthropic rejects empty assistant turns: addMessage adds none.
                case ASSISTANT -> addMessage(out, "assistant", m.parts(), w);
            }
        }
        return out;
    }

    /** A single uncached text goes as a plain string, as most clients write it; a turn without blocks not at all. */
    private static void addMessage(ArrayNode out, String role, List<Part> parts, Warnings w) throws TranslationException {
        if (parts.size() == 1 && parts.get(0) instanceof Part.Text t && !t.text().isEmpty() && t.cache().isEmpty()) {
            out.addObject().put("role", role).put("content", t.text()); // no block made only to be undone
            return;
        }
        ArrayNode blocks = blocks(parts, w);
        if (blocks.isEmpty()) {
            return;
        }
        ObjectNode msg = out.addObject();
        msg.put("role", role);
        if (blocks.size() == 1 && blocks.get(0).path("type").asText().equals("text") && !blocks.get(0).has("cache_control")) {
            msg.set("content", blocks.get(0).get("text"));
        } else {
            msg.set("content", blocks);
        }
    }

    private static ArrayNode blocks(List<Part> parts, Warnings w) throws TranslationException {
        ArrayNode out = Json.arr();
        for (Part p : parts) {
            switch (p) {
                case Part.Text t -> {
                    if (!t.text().isEmpty()) { // Anthropic rejects empty text blocks
                        out.add(AnthropicOut.textBlock(t.text(), t.cache()));
                    }
                }
                case Part.Media m -> out.add(AnthropicOut.media(m, w));
                case Part.ToolCall c -> {
                    ObjectNode b = out.addObject();
                    b.put("type", "tool_use");
                    b.put("id", c.id());
                    b.put("name", c.name());
                    b.set("input", c.arguments());
                    AnthropicOut.cache(b, c.cache());
                }
                case Part.ToolResult tr -> {
                    ObjectNode b = out.addObject();
                    b.put("type", "tool_result");
                    b.put("tool_use_id", tr.callId());
                    if (tr.content().size() == 1 && tr.content().get(0) instanceof Part.Text t && t.cache().isEmpty()) {
                        b.put("content", t.text());
                    } else {
                        b.set("content", blocks(tr.content(), w));
                    }
                    if (tr.isError()) {
                        b.put("is_error", true);
                    }
                    AnthropicOut.cache(b, tr.cache());
                }
                case Part.Thinking t -> {
                    // Only a signed thinking block can be replayed; an unsigned one is the model's old notes.
                    if (t.signature().filter(sig -> !sig.isEmpty()).isPresent() && !t.text().isEmpty()) {
                        ObjectNode b = out.addObject();
                        b.put("type", "thinking");
                        b.put("thinking", t.text());
                        b.put("signature", t.signature().get());
                    }
                }
                case Part.RedactedThinking rt -> {
                    ObjectNode b = out.addObject();
                    b.put("type", "redacted_thinking");
                    b.put("data", rt.data());
                }
                case Part.Opaque o -> {
                    if (o.format().equals(S.id())) {
                        out.add(o.raw());
                    } else {
                        throw unsupported(w.at(o, "messages"), "part '" + o.type() + "' is not supported by anthropic-messages backends");
                    }
                }
            }
        }
        return out;
    }

    /** The thinking object: Anthropic's own modes, a budget, or an effort's budget. */
    private static ObjectNode thinking(ChatRequest r, long maxTokens, Warnings w) throws TranslationException {
        if (r.reasoning().isEmpty()) {
            return null;
        }
        Reasoning reasoning = r.reasoning().get();
        ObjectNode t = Json.obj();
        switch (reasoning.mode()) {
            case DISABLED -> {
                if (reasoning.effort().isPresent()) {
                    return null; // reasoning_effort none: simply no thinking
                }
                t.put("type", "disabled");
            }
            case DEFAULT -> {
                return null;
            }
            case ADAPTIVE -> t.put("type", "adaptive");
            case ENABLED -> {
                long budget = Math.max(1024, reasoning.effectiveBudget().orElse(1024L));
                if (r.sampling().maxTokens().isPresent() && maxTokens <= budget) {
                    throw invalid(w.name("maxTokens"), "must exceed the thinking budget of " + budget
                            + " tokens (" + w.name("reasoning") + ") for anthropic-messages backends");
                }
                t.put("type", "enabled");
                t.put("budget_tokens", budget);
            }
        }
        return t;
    }

    private static void tools(ChatRequest r, ObjectNode out, Warnings w) throws TranslationException {
        if (r.tools().isEmpty()) {
            return; // Anthropic rejects tool_choice without tools, so drop it too
        }
        ArrayNode tools = out.putArray("tools");
        for (int k = 0; k < r.tools().size(); k++) {
            switch (r.tools().get(k)) {
                case Tool.Function f -> {
                    ObjectNode o = tools.addObject();
                    o.put("name", f.name());
                    f.description().ifPresent(d -> o.put("description", d));
                    // Anthropic requires an object schema even for tools without parameters.
                    o.set("input_schema", f.parameters().isEmpty() ? Canon.emptyObjectSchema() : f.parameters());
                    if (f.deferLoading()) {
                        o.put("defer_loading", true);
                    }
                    AnthropicOut.cache(o, f.cache());
                }
                case Tool.Builtin b when b.format().equals(S.id()) -> tools.add(b.raw());
                case Tool.Builtin b -> throw unsupported(w.at(b, "tools[" + k + "].type"),
                        "server tool '" + b.type() + "' is not available on anthropic-messages backends");
            }
        }
        ObjectNode choice = r.toolChoice().map(c -> {
            ObjectNode o = Json.obj();
            switch (c) {
                case ToolChoice.Auto a -> o.put("type", "auto");
                case ToolChoice.None n -> o.put("type", "none");
                case ToolChoice.Required q -> o.put("type", "any");
                case ToolChoice.Named n -> {
                    o.put("type", "tool");
                    o.put("name", n.name());
                }
            }
            return o;
        }).orElse(null);
        if (r.parallelToolCalls().filter(p -> !p).isPresent()) {
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

    // ---------------------------------------------------------------- response

    static FinishReason finish(String stopReason) {
        return switch (stopReason) {
            case "max_tokens" -> FinishReason.MAX_TOKENS;
            case "model_context_window_exceeded" -> FinishReason.CONTEXT_WINDOW;
            case "tool_use" -> FinishReason.TOOL_USE;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "refusal" -> FinishReason.REFUSAL;
            case "pause_turn" -> FinishReason.PAUSE;
            default -> FinishReason.END_TURN;
        };
    }

    static Usage usage(JsonNode u) {
        long uncached = Json.longOr0(u, "input_tokens");
        long read = Json.longOr0(u, "cache_read_input_tokens");
        long write = Json.longOr0(u, "cache_creation_input_tokens");
        return Usage.of(uncached + read + write, Json.longOr0(u, "output_tokens"), read, write, 0);
    }

    /** Read as its bytes are ({@link AnthropicIn}): one reading for the tree and for the proxy's bytes. */
    @Override
    public ChatResponse decodeResponse(ObjectNode up, Exchange x) {
        return Json.read(up, AnthropicIn::response);
    }

    @Override
    public Optional<ChatResponse> decodeResponse(byte[] body, Exchange x) {
        return Json.read(body, AnthropicIn::response);
    }

    // ---------------------------------------------------------------- error

    @Override
    public ChatError decodeError(int status, ObjectNode body) {
        String type = body == null ? "" : body.path("error").path("type").asText("");
        return new ChatError(status, Optional.of(type.isEmpty() ? ErrorBodies.anthropicTypeForStatus(status) : type),
                ErrorBodies.message(body, status), Optional.empty());
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decodeStream(Exchange x) {
        return new AnthropicMessagesStreamDecoder();
    }

}

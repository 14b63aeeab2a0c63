package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.Extension;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.MediaSource;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.OutputFormat;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Reasoning;
import dev.aigw.translate.canonical.Role;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.StreamEvent;
import dev.aigw.translate.canonical.StreamOptions;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The client side of Gemini generateContent / streamGenerateContent?alt=sse.
 *
 * <p>The model comes from the Backend ({@link RequestContext#model()}), streaming from
 * {@link RequestContext#clientStream()}: Gemini puts both in the URL. Gemini has no tool call ids:
 * each functionCall of the history gets {@code call_<n>} (or the id it carries), and each
 * functionResponse answers the oldest unanswered call of that name. {@code responseSchema}
 * (OpenAPI style, upper-case types) and {@code responseJsonSchema} become JSON Schema with
 * lower-case types. Thought parts and thought signatures of the history are dropped with a warning
 * (they mean nothing to another provider); {@code safetySettings}, {@code labels} and unknown
 * generationConfig fields are extensions. Refused: {@code cachedContent}, candidateCount other than 1.
 */
final class GeminiGenerateClient implements ClientCodec {
    static final GeminiGenerateClient INSTANCE = new GeminiGenerateClient();
    private static final String F = "gemini-generate";
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "topK", "maxOutputTokens",
            "stopSequences", "candidateCount", "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig",
            "seed", "presencePenalty", "frequencyPenalty");

    /** Gemini's names of the canonical request fields, for warnings and refusals. */
    private static final Map<String, String> NAMES = Map.ofEntries(Map.entry("temperature", "generationConfig.temperature"),
            Map.entry("topP", "generationConfig.topP"), Map.entry("topK", "generationConfig.topK"),
            Map.entry("seed", "generationConfig.seed"), Map.entry("presencePenalty", "generationConfig.presencePenalty"),
            Map.entry("frequencyPenalty", "generationConfig.frequencyPenalty"),
            Map.entry("maxTokens", "generationConfig.maxOutputTokens"), Map.entry("stop", "generationConfig.stopSequences"),
            Map.entry("candidates", "generationConfig.candidateCount"), Map.entry("reasoning", "generationConfig.thinkingConfig"),
            Map.entry("output", "generationConfig.responseSchema"));

    @Override
    public Schema schema() {
        return Schema.GEMINI_GENERATE;
    }

    // ---------------------------------------------------------------- request

    @Override
    public ChatRequest decodeRequest(ObjectNode in, RequestContext ctx, Warnings w) throws TranslationException {
        GeminiIn.requirePinnedModel(ctx);
        GeminiIn.refuseUnsupported(in);
        List<Part.Text> system = new ArrayList<>();
        for (String t : GeminiIn.systemTexts(in)) {
            system.add(new Part.Text(t));
        }
        List<Message> messages = messages(in, w);

        ObjectNode gen = GeminiIn.generationConfig(in);
        w.names(NAMES);
        List<String> stop = new ArrayList<>();
        GeminiIn.stopSequences(gen).ifPresent(a -> a.forEach(n -> stop.add(n.asText())));
        Sampling sampling = new Sampling(Canon.number(gen, "temperature", "generationConfig.temperature"),
                Canon.number(gen, "topP", "generationConfig.topP"),
                Canon.number(gen, "topK", "generationConfig.topK").map(Double::intValue), GeminiIn.maxOutputTokens(gen), stop,
                Canon.number(gen, "seed", "generationConfig.seed").map(Double::longValue),
                Canon.number(gen, "presencePenalty", "generationConfig.presencePenalty"),
                Canon.number(gen, "frequencyPenalty", "generationConfig.frequencyPenalty"), Optional.empty());

        List<Extension> ext = new ArrayList<>();
        for (String f : new String[] {"safetySettings", "labels"}) {
            if (Json.present(in, f)) {
                ext.add(new Extension(F, f, in.get(f)));
            }
        }
        var fields = gen.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!GENERATION_FIELDS.contains(f) && !gen.get(f).isNull()) {
                ext.add(new Extension(F, "generationConfig." + f, gen.get(f)));
            }
        }
        Optional<OutputFormat> output = GeminiIn.jsonOutput(gen).map(s -> s.isEmpty()
                ? new OutputFormat.JsonObject() : new OutputFormat.JsonSchema(Optional.empty(), s, false));

        // allowedFunctionNames narrows the tools: only those are sent.
        Optional<GeminiIn.ToolChoice> choice = GeminiIn.toolChoice(in);
        List<String> allowed = choice.filter(c -> c.mode().equals("ANY")).map(GeminiIn.ToolChoice::allowed).orElse(List.of());
        List<Tool> tools = new ArrayList<>();
        JsonNode rawTools = in.path("tools");
        for (int k = 0; k < rawTools.size(); k++) {
            var it = rawTools.get(k).fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (!f.equals("functionDeclarations")) {
                    Tool.Builtin b = new Tool.Builtin(F, f, f, (ObjectNode) rawTools.get(k));
                    w.origin(b, "tools[" + k + "]." + f);
                    tools.add(b);
                }
            }
        }
        List<GeminiIn.Tool> declared = GeminiIn.tools(in);
        for (GeminiIn.Tool t : declared) {
            if (allowed.isEmpty() || allowed.contains(t.name())) {
                tools.add(new Tool.Function(t.name(), t.description(), t.schema()));
            }
        }
        if (!declared.isEmpty() && tools.isEmpty()) {
            throw invalid("toolConfig.functionCallingConfig.allowedFunctionNames", "names no declared function");
        }
        Optional<ToolChoice> toolChoice = choice.map(c -> switch (c.mode()) {
            case "NONE" -> ToolChoice.NONE;
            case "ANY" -> allowed.size() == 1 ? new ToolChoice.Named(allowed.get(0)) : ToolChoice.REQUIRED;
            default -> ToolChoice.AUTO;
        });
        boolean stream = ctx.clientStream();
        return new ChatRequest(Optional.empty(), system, messages, tools, toolChoice, Optional.empty(), sampling,
                reasoning(gen), output, new StreamOptions(stream, stream), Optional.empty(), ext);
    }

    private static Optional<Reasoning> reasoning(ObjectNode gen) {
        JsonNode tc = gen.path("thinkingConfig");
        if (!tc.isObject()) {
            return Optional.empty();
        }
        Optional<Boolean> include = tc.has("includeThoughts") ? Optional.of(tc.get("includeThoughts").asBoolean()) : Optional.empty();
        Optional<Reasoning.Effort> level = Json.text(tc, "thinkingLevel").flatMap(Reasoning.Effort::fromId);
        if (!tc.has("thinkingBudget")) {
            return Optional.of(new Reasoning(level.isPresent() ? Reasoning.Mode.ENABLED : Reasoning.Mode.DEFAULT, level,
                    Optional.empty(), include));
        }
        long budget = tc.path("thinkingBudget").asLong(0);
        if (budget < 0) {
            return Optional.of(new Reasoning(Reasoning.Mode.ADAPTIVE, level, Optional.empty(), include));
        }
        if (budget == 0) {
            return Optional.of(new Reasoning(Reasoning.Mode.DISABLED, Optional.empty(), Optional.empty(), include));
        }
        return Optional.of(new Reasoning(Reasoning.Mode.ENABLED, level, Optional.of(budget), include));
    }

    private static List<Message> messages(ObjectNode in, Warnings w) throws TranslationException {
        JsonNode contents = GeminiIn.contents(in);
        GeminiIn.CallIds ids = new GeminiIn.CallIds("call_");
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            String at = "contents[" + i + "]";
            JsonNode c = contents.get(i);
            boolean model = GeminiIn.role(c, at).equals("model");
            JsonNode parts = GeminiIn.parts(c, at);
            List<Part> ps = new ArrayList<>();
            for (int j = 0; j < parts.size(); j++) {
                JsonNode p = parts.get(j);
                String pat = at + ".parts[" + j + "]";
                if (p.has("thoughtSignature")) {
                    w.add(pat + ".thoughtSignature", "Gemini thought signatures mean nothing to other providers, dropped");
                }
                Part part = switch (GeminiIn.kind(p, pat)) {
                    case "text" -> {
                        if (p.path("thought").asBoolean(false)) {
                            w.add(pat + ".thought", "thought parts cannot be replayed to other providers, dropped");
                            yield null;
                        }
                        yield p.path("text").asText().isEmpty() ? null : new Part.Text(p.path("text").asText());
                    }
                    case "inlineData" -> {
                        JsonNode d = p.get("inlineData");
                        String mime = Json.text(d, "mimeType").orElseThrow(() -> invalid(pat + ".inlineData.mimeType", "is required"));
                        String b64 = Json.text(d, "data").orElseThrow(() -> invalid(pat + ".inlineData.data", "is required"));
                        yield new Part.Media(kind(mime), new MediaSource.Base64(mime, b64), Optional.empty(), Optional.empty());
                    }
                    case "fileData" -> {
                        JsonNode fd = p.get("fileData");
                        String uri = Json.text(fd, "fileUri").orElseThrow(() -> invalid(pat + ".fileData.fileUri", "is required"));
                        Optional<String> mime = Json.text(fd, "mimeType");
                        yield new Part.Media(kind(mime.orElse(Media.guessImageType(uri))), new MediaSource.Url(uri, mime),
                                Optional.empty(), Optional.empty());
                    }
                    case "functionCall" -> {
                        JsonNode fc = p.get("functionCall");
                        String name = GeminiIn.functionName(fc, pat + ".functionCall");
                        yield new Part.ToolCall(ids.call(fc), name, GeminiIn.args(fc, pat + ".functionCall"));
                    }
                    case "functionResponse" -> {
                        JsonNode fr = p.get("functionResponse");
                        String id = ids.response(fr, pat + ".functionResponse");
                        yield new Part.ToolResult(id, Json.text(fr, "name"), List.of(new Part.Text(GeminiIn.responseText(fr))),
                                GeminiIn.isErrorResponse(fr), Optional.empty());
                    }
                    default -> new Part.Opaque(F, GeminiIn.kind(p, pat), p);
                };
                if (part != null) {
                    if (!(part instanceof Part.Text)) { // text is never refused or dropped: no path to keep
                        w.origin(part, pat);
                    }
                    ps.add(part);
                }
            }
            out.add(new Message(model ? Role.ASSISTANT : Role.USER, ps));
        }
        return out;
    }

    private static Part.Media.Kind kind(String mime) {
        return mime.startsWith("image/") ? Part.Media.Kind.IMAGE
                : mime.startsWith("audio/") ? Part.Media.Kind.AUDIO : Part.Media.Kind.DOCUMENT;
    }

    // ---------------------------------------------------------------- response

    @Override
    public String finishReason(FinishReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_WINDOW -> "MAX_TOKENS";
            case CONTENT_FILTER, REFUSAL -> "SAFETY";
            default -> "STOP";
        };
    }

    /** A text part, or a thought part when the client asked for thoughts; nothing for empty text. */
    private static Optional<ObjectNode> shown(String text, boolean thought, boolean thoughts) {
        return text.isEmpty() || thought && !thoughts ? Optional.empty() : Optional.of(GeminiOut.text(text, thought));
    }

    private static boolean includeThoughts(Exchange x) {
        return x.request().reasoning().flatMap(Reasoning::includeThoughts).orElse(false);
    }

    @Override
    public ObjectNode encodeResponse(ChatResponse r, Exchange x) {
        ArrayNode parts = Json.arr();
        boolean thoughts = includeThoughts(x);
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> shown(t.text(), false, thoughts).ifPresent(parts::add);
                case Part.Thinking t -> shown(t.text(), true, thoughts).ifPresent(parts::add);
                case Part.ToolCall c -> parts.add(Gemini.functionCall(c.name(), c.arguments()));
                default -> {
                }
            }
        }
        return GeminiOut.response(parts, finishReason(r.finish()), r.usage(), r.model().orElse(x.requestedModel()),
                r.id().orElseGet(() -> x.ctx().ids().get()));
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError encodeError(ChatError e) {
        // Anthropic's 529 overloaded is not an HTTP status Google clients retry on; 503 is.
        return GeminiOut.error(e.status() == 529 ? 503 : e.status(), e.message());
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamEncoder encodeStream(Exchange x) {
        return new Stream(x);
    }

    /**
     * Gemini chunks: text and thoughts as they come; a tool call is held until its block closes, as
     * Gemini sends each call whole; the finish reason waits for the end so that the last chunk
     * carries it with the usage.
     */
    private final class Stream implements StreamEncoder {
        private final boolean thoughts;
        private String model;
        private final GeminiOut.Chunks chunks;
        private final Map<Integer, PendingCall> calls = new TreeMap<>();
        private final Map<Integer, Boolean> sent = new HashMap<>();
        private String finish;
        private Usage usage = Usage.ZERO;

        Stream(Exchange x) {
            this.thoughts = includeThoughts(x);
            this.model = x.requestedModel();
            this.chunks = new GeminiOut.Chunks(() -> model, () -> x.ctx().ids().get());
        }

        @Override
        public void encode(StreamEvent e, List<SseEvent> out) {
            switch (e) {
                case StreamEvent.Start s -> {
                    // Gemini repeats responseId and modelVersion in every chunk.
                    chunks.id = s.id().orElse(chunks.id);
                    model = s.model().orElse(model);
                }
                case StreamEvent.BlockStart b when b.kind() == StreamEvent.BlockKind.TOOL_CALL ->
                        calls.put(b.index(), new PendingCall(b.toolName().orElse("")));
                case StreamEvent.TextDelta t -> shown(t.text(), false, thoughts).ifPresent(p -> out.add(chunks.chunk(p)));
                case StreamEvent.ThinkingDelta t -> shown(t.text(), true, thoughts).ifPresent(p -> out.add(chunks.chunk(p)));
                case StreamEvent.ToolArgumentsDelta a -> {
                    PendingCall c = calls.get(a.index());
                    if (c != null) {
                        c.args.append(a.json());
                    }
                }
                case StreamEvent.BlockStop b -> flush(b.index(), out);
                case StreamEvent.UsageUpdate u -> usage = u.usage();
                case StreamEvent.Finish f -> {
                    flushAll(out);
                    if (finish == null) {
                        finish = finishReason(f.reason());
                    }
                }
                case StreamEvent.End end -> {
                    flushAll(out);
                    out.add(chunks.finish(finish == null ? "STOP" : finish, usage));
                }
                case StreamEvent.Error err -> {
                    flushAll(out);
                    GeminiOut.Chunks.fail(out, encodeError(err.error()));
                }
                default -> {
                }
            }
        }

        private void flush(int index, List<SseEvent> out) {
            PendingCall c = calls.get(index);
            if (c != null && sent.putIfAbsent(index, true) == null) {
                out.add(chunks.functionCall(c.name, Canon.arguments(c.args)));
            }
        }

        private void flushAll(List<SseEvent> out) {
            for (int index : calls.keySet()) {
                flush(index, out);
            }
        }

        @Override
        public void truncated(List<SseEvent> out) {
            GeminiOut.Chunks.truncated(out);
        }
    }

    /** A streamed tool call whose arguments are still arriving. */
    private static final class PendingCall {
        final String name;
        final StringBuilder args = new StringBuilder();

        PendingCall(String name) {
            this.name = name;
        }
    }
}

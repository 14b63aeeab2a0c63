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
import dev.aigw.translate.canonical.MediaSource;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.OutputFormat;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Role;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.StreamEvent;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The provider side of Gemini generateContent / streamGenerateContent?alt=sse.
 *
 * <p>The model goes in the path ({@code /v1beta/models/M:generateContent}); Vertex AI's longer
 * prefix comes from the backend's configuration. System messages anywhere are folded into
 * {@code systemInstruction}, in order. Schemas go out as {@code parametersJsonSchema} and
 * {@code responseJsonSchema}, which take JSON Schema as clients write it. Gemini answers a call
 * by name, so tool results are resolved to names through the calls before them; Gemini returns no
 * call ids. A thought signature travels as a thinking part with empty text just before the part
 * it belongs to, and is put back on that part. Adaptive thinking is a dynamic budget (-1). Cache
 * hints, user ids and parallel-call limits are dropped: Gemini caches implicitly.
 */
final class GeminiGenerateProvider implements ProviderCodec {
    static final GeminiGenerateProvider INSTANCE = new GeminiGenerateProvider();
    private static final Schema S = Schema.GEMINI_GENERATE;

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest encodeRequest(ChatRequest r, RequestContext ctx, Warnings w) throws TranslationException {
        String model = r.model().orElseThrow();
        ObjectNode out = Json.obj();
        ArrayNode system = Json.arr();
        for (String t : Canon.texts(r.system())) {
            system.addObject().put("text", t);
        }
        out.set("contents", contents(r.messages(), system, w));
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        tools(r, out, w);

        Sampling s = r.sampling();
        ObjectNode gen = Json.obj();
        s.temperature().ifPresent(v -> Canon.put(gen, "temperature", v));
        s.topP().ifPresent(v -> Canon.put(gen, "topP", v));
        s.topK().ifPresent(v -> gen.put("topK", v));
        s.seed().ifPresent(v -> gen.put("seed", v));
        s.presencePenalty().ifPresent(v -> Canon.put(gen, "presencePenalty", v));
        s.frequencyPenalty().ifPresent(v -> Canon.put(gen, "frequencyPenalty", v));
        s.maxTokens().ifPresent(v -> gen.put("maxOutputTokens", v));
        if (!s.stop().isEmpty()) {
            ArrayNode stops = gen.putArray("stopSequences");
            s.stop().forEach(stops::add);
        }
        Canon.singleChoice(s, S, w);
        r.output().ifPresent(o -> {
            switch (o) {
                case OutputFormat.Text t -> {
                }
                case OutputFormat.JsonObject j -> gen.put("responseMimeType", "application/json");
                case OutputFormat.JsonSchema js -> {
                    gen.put("responseMimeType", "application/json");
                    gen.set("responseJsonSchema", js.schema());
                }
            }
        });
        r.reasoning().ifPresent(re -> {
            ObjectNode tc = gen.putObject("thinkingConfig");
            switch (re.mode()) {
                case DISABLED -> tc.put("thinkingBudget", 0);
                case ADAPTIVE -> tc.put("thinkingBudget", -1); // the model decides, as Anthropic's adaptive thinking
                case ENABLED -> tc.put("thinkingBudget", re.effectiveBudget().orElse(1024L));
                case DEFAULT -> {
                }
            }
            re.includeThoughts().ifPresent(i -> tc.put("includeThoughts", i));
        });
        if (!gen.isEmpty()) {
            out.set("generationConfig", gen);
        }
        if (r.user().isPresent()) {
            w.add(w.name("user"), "not supported by " + S.id() + ", dropped");
        }
        if (r.parallelToolCalls().isPresent()) {
            w.add(w.name("parallelToolCalls"), "not supported by " + S.id() + ", dropped");
        }
        Canon.dropExtensions(r, S, w);
        boolean stream = r.stream().stream();
        return new TranslatedRequest(out, Gemini.path(model, stream), stream, model);
    }

    private static ArrayNode contents(List<Message> messages, ArrayNode system, Warnings w) throws TranslationException {
        Map<String, String> toolNames = Canon.toolNames(messages);
        ArrayNode out = Json.arr();
        ArrayNode toolTurn = null; // consecutive tool messages answer in one user turn
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                // Mid-conversation system text joins the system instruction, in order.
                for (String t : Canon.texts(m.parts())) {
                    system.addObject().put("text", t);
                }
                continue;
            }
            ArrayNode parts = parts(m.parts(), toolNames, w);
            if (m.role() == Role.TOOL && toolTurn != null) {
                toolTurn.addAll(parts);
                continue;
            }
            toolTurn = null;
            if (parts.isEmpty()) {
                continue;
            }
            ObjectNode c = out.addObject();
            c.put("role", m.role() == Role.ASSISTANT ? "model" : "user");
            c.set("parts", parts);
            if (m.role() == Role.TOOL) {
                toolTurn = parts;
            }
        }
        return out;
    }

    private static ArrayNode parts(List<Part> parts, Map<String, String> toolNames, Warnings w) throws TranslationException {
        ArrayNode out = Json.arr();
        String signature = null; // a thought signature waiting for the part it belongs to
        for (Part p : parts) {
            int before = out.size();
            switch (p) {
                case Part.Text t -> {
                    if (!t.text().isEmpty()) {
                        out.addObject().put("text", t.text());
                    }
                }
                case Part.Media m -> media(m, out, w);
                case Part.ToolCall c -> out.add(Gemini.functionCall(c.name(), c.arguments()));
                case Part.ToolResult tr -> {
                    String name = tr.name().orElse(toolNames.get(tr.callId()));
                    if (name == null) {
                        throw invalid(w.at(tr, "tool result"), "does not match a tool call of an earlier assistant message");
                    }
                    StringBuilder text = new StringBuilder();
                    for (Part c : tr.content()) {
                        if (c instanceof Part.Text t) {
                            text.append(text.isEmpty() ? "" : "\n").append(t.text());
                        } else {
                            w.add(w.at(c, w.at(tr, "tool result")), "gemini-generate function responses carry text only, dropped");
                        }
                    }
                    out.add(Gemini.functionResponse(name, text.toString(), tr.isError() ? "error" : "content"));
                }
                case Part.Thinking t -> {
                    String sig = t.signature().filter(x -> !x.isEmpty()).orElse(null);
                    if (t.text().isEmpty()) {
                        signature = sig;
                        continue;
                    }
                    ObjectNode o = out.addObject();
                    o.put("text", t.text());
                    o.put("thought", true);
                    if (sig != null) {
                        o.put("thoughtSignature", sig);
                    }
                }
                case Part.RedactedThinking rt -> {
                    // Claude's encrypted reasoning means nothing to Gemini.
                }
                case Part.Opaque o -> {
                    if (!o.format().equals(S.id())) {
                        throw unsupported(w.at(o, "messages"), "content block '" + o.type() + "' is not supported by gemini-generate backends");
                    }
                    out.add(o.raw());
                }
            }
            if (signature != null && out.size() > before) {
                ((ObjectNode) out.get(before)).put("thoughtSignature", signature);
                signature = null;
            }
        }
        return out;
    }

    private static void media(Part.Media m, ArrayNode out, Warnings w) throws TranslationException {
        switch (m.source()) {
            case MediaSource.Base64 b -> Gemini.inline(out, b.mediaType(), b.data());
            case MediaSource.Url u -> Gemini.fileData(out, u.mediaType().orElse(m.kind() == Part.Media.Kind.IMAGE
                    ? Media.guessImageType(u.url()) : "application/pdf"), u.url());
            case MediaSource.FileId f -> throw unsupported(w.at(m, "messages"),
                    "uploaded file ids cannot be resolved for gemini-generate backends; send file_data");
        }
    }

    private static void tools(ChatRequest r, ObjectNode out, Warnings w) throws TranslationException {
        List<Tool.Function> functions = Canon.functions(r, S, w);
        if (functions.isEmpty()) {
            return;
        }
        ArrayNode decls = Gemini.functionDeclarations(out);
        for (Tool.Function f : functions) {
            decls.add(Gemini.functionDeclaration(f.name(), f.description(), f.parameters().isEmpty() ? null : f.parameters()));
        }
        r.toolChoice().ifPresent(c -> {
            switch (c) {
                case ToolChoice.Auto a -> Gemini.functionCallingConfig(out, "AUTO", null);
                case ToolChoice.None n -> Gemini.functionCallingConfig(out, "NONE", null);
                case ToolChoice.Required q -> Gemini.functionCallingConfig(out, "ANY", null);
                case ToolChoice.Named n -> Gemini.functionCallingConfig(out, "ANY", n.name());
            }
        });
    }

    // ---------------------------------------------------------------- response

    static FinishReason finish(String reason, boolean sawCall) {
        return switch (reason) {
            case "MAX_TOKENS" -> FinishReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> FinishReason.CONTENT_FILTER;
            default -> sawCall ? FinishReason.TOOL_USE : FinishReason.END_TURN;
        };
    }

    @Override
    public ChatResponse decodeResponse(ObjectNode up, Exchange x) {
        JsonNode cand = up.path("candidates").path(0);
        List<Part> content = new ArrayList<>();
        boolean sawCall = false;
        for (JsonNode part : cand.path("content").path("parts")) {
            Optional<String> sig = Json.text(part, "thoughtSignature");
            if (part.path("thought").asBoolean(false)) {
                content.add(new Part.Thinking(part.path("text").asText(""), sig));
                continue;
            }
            sig.ifPresent(s -> content.add(new Part.Thinking("", Optional.of(s))));
            if (part.has("functionCall")) {
                sawCall = true;
                JsonNode fc = part.get("functionCall");
                content.add(new Part.ToolCall(Json.text(fc, "id").orElse(""), fc.path("name").asText(),
                        fc.get("args") instanceof ObjectNode a ? a : Json.obj()));
            } else if (part.has("text")) {
                content.add(new Part.Text(part.path("text").asText("")));
            } else {
                content.add(new Part.Opaque(S.id(), part.fieldNames().hasNext() ? part.fieldNames().next() : "part", part));
            }
        }
        // No candidate at all means the prompt itself was blocked.
        FinishReason finish = cand.isMissingNode() ? FinishReason.CONTENT_FILTER
                : finish(Json.text(cand, "finishReason").orElse("STOP"), sawCall);
        return new ChatResponse(Json.text(up, "responseId"), Json.text(up, "modelVersion"), content, finish, Optional.empty(),
                Gemini.parseUsage(up.path("usageMetadata")));
    }

    // ---------------------------------------------------------------- error

    @Override
    public ChatError decodeError(int status, ObjectNode body) {
        return new ChatError(status, Gemini.errorCode(body), ErrorBodies.message(body, status), Optional.empty());
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decodeStream(Exchange x) {
        return new Decoder();
    }

    /** Gemini streams whole response objects with no end marker; the connection close ends it. */
    private final class Decoder implements StreamDecoder {
        private boolean started;
        private boolean finished;
        private boolean sawCall;
        private final Blocks blocks = new Blocks();

        @Override
        public void decode(SseEvent e, List<StreamEvent> out) {
            Optional<ObjectNode> parsed = Json.parseObject(e.data());
            if (parsed.isEmpty()) {
                return;
            }
            ObjectNode c = parsed.get();
            Optional<Integer> errorStatus = Gemini.streamErrorStatus(c);
            if (errorStatus.isPresent()) {
                start(c, out);
                blocks.close(out);
                out.add(new StreamEvent.Error(decodeError(errorStatus.get(), c)));
                return;
            }
            start(c, out);
            if (c.has("usageMetadata")) {
                out.add(new StreamEvent.UsageUpdate(Gemini.parseUsage(c.get("usageMetadata")))); // cumulative in every chunk
            }
            JsonNode cand = c.path("candidates").path(0);
            for (JsonNode part : cand.path("content").path("parts")) {
                Optional<String> sig = Json.text(part, "thoughtSignature");
                String text = part.path("text").asText("");
                if (part.path("thought").asBoolean(false)) {
                    int i = blocks.ensure(StreamEvent.BlockKind.THINKING, out);
                    if (!text.isEmpty()) {
                        out.add(new StreamEvent.ThinkingDelta(i, text));
                    }
                    sig.ifPresent(s -> out.add(new StreamEvent.SignatureDelta(i, s)));
                    continue;
                }
                if (sig.isPresent()) {
                    blocks.close(out);
                    out.add(new StreamEvent.SignatureDelta(blocks.ensure(StreamEvent.BlockKind.THINKING, out), sig.get()));
                    blocks.close(out);
                }
                if (part.has("functionCall")) {
                    sawCall = true;
                    JsonNode fc = part.get("functionCall");
                    int i = blocks.openTool(Json.text(fc, "id"), fc.path("name").asText(), out);
                    // Gemini sends each call whole, so the arguments go in one delta.
                    out.add(new StreamEvent.ToolArgumentsDelta(i, Json.write(fc.get("args") instanceof ObjectNode a ? a : Json.obj())));
                    blocks.close(out);
                } else if (!text.isEmpty()) {
                    out.add(new StreamEvent.TextDelta(blocks.ensure(StreamEvent.BlockKind.TEXT, out), text));
                }
            }
            Optional<String> reason = Json.text(cand, "finishReason");
            if (reason.isPresent() && !finished) {
                finished = true;
                blocks.close(out);
                out.add(new StreamEvent.Finish(finish(reason.get(), sawCall), Optional.empty()));
            } else if (cand.isMissingNode() && c.path("promptFeedback").has("blockReason") && !finished) {
                finished = true;
                blocks.close(out);
                out.add(new StreamEvent.Finish(FinishReason.CONTENT_FILTER, Optional.empty()));
            }
        }

        private void start(ObjectNode c, List<StreamEvent> out) {
            if (!started) {
                started = true;
                out.add(new StreamEvent.Start(Json.text(c, "responseId"), Json.text(c, "modelVersion"), Usage.ZERO));
            }
        }

    }

    @Override
    public Schema schema() {
        return S;
    }
}

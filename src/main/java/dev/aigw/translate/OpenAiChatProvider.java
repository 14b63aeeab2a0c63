package dev.aigw.translate;

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
import dev.aigw.translate.canonical.Reasoning;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The provider side of OpenAI Chat Completions.
 *
 * <p>System messages stay where they are; the leading system prompt is one system message.
 * Tool results inside a user turn (Anthropic, Gemini) become tool messages first, then a user
 * message with the rest, the order OpenAI requires; tool messages carry text only, so an image in a
 * tool result is dropped with a warning. Cache hints, thinking in the history and top_k are
 * dropped (OpenAI rejects unknown parameters). A thinking budget without an effort is dropped with a
 * warning: reasoning models pick their own, and other models refuse {@code reasoning_effort}.
 * Streams always ask for usage, which the gateway meters whatever the client asked.
 */
final class OpenAiChatProvider implements ProviderCodec {
    static final OpenAiChatProvider INSTANCE = new OpenAiChatProvider();
    static final String PATH = "/v1/chat/completions";
    private static final Schema S = Schema.OPENAI_CHAT;

    // ---------------------------------------------------------------- request

    @Override
    public TranslatedRequest encodeRequest(ChatRequest r, RequestContext ctx, Warnings w) throws TranslationException {
        String model = r.model().orElseThrow();
        ObjectNode out = Json.obj();
        out.put("model", model);
        ArrayNode messages = out.putArray("messages");
        if (!r.system().isEmpty()) {
            ObjectNode m = messages.addObject();
            m.put("role", "system");
            m.put("content", String.join("\n\n", Canon.texts(r.system())));
        }
        for (Message m : r.messages()) {
            message(m, messages, w);
        }
        Sampling s = r.sampling();
        // max_tokens is deprecated upstream and refused by reasoning models.
        s.maxTokens().ifPresent(v -> out.put("max_completion_tokens", v));
        if (!s.stop().isEmpty()) {
            ArrayNode stop = out.putArray("stop");
            s.stop().forEach(stop::add);
        }
        s.temperature().ifPresent(v -> Canon.put(out, "temperature", v));
        s.topP().ifPresent(v -> Canon.put(out, "top_p", v));
        s.seed().ifPresent(v -> out.put("seed", v));
        s.presencePenalty().ifPresent(v -> Canon.put(out, "presence_penalty", v));
        s.frequencyPenalty().ifPresent(v -> Canon.put(out, "frequency_penalty", v));
        s.candidates().ifPresent(v -> out.put("n", v));
        Canon.dropSampling(s, S, w, "topK");
        r.user().ifPresent(u -> out.put("user", u));
        r.reasoning().ifPresent(re -> {
            if (re.effort().isPresent()) {
                out.put("reasoning_effort", re.effort().get() == Reasoning.Effort.MAX ? "high" : re.effort().get().id());
            } else if (re.mode() != Reasoning.Mode.DISABLED && re.mode() != Reasoning.Mode.DEFAULT) {
                w.add(w.name("reasoning"), "not supported by " + S.id() + ", dropped");
            }
        });
        r.output().ifPresent(o -> {
            switch (o) {
                case OutputFormat.Text t -> {
                }
                case OutputFormat.JsonObject j -> out.putObject("response_format").put("type", "json_object");
                case OutputFormat.JsonSchema js -> {
                    ObjectNode rf = out.putObject("response_format");
                    rf.put("type", "json_schema");
                    ObjectNode j = rf.putObject("json_schema");
                    j.put("name", js.name().orElse("response"));
                    j.set("schema", js.schema());
                    if (js.strict()) {
                        j.put("strict", true);
                    }
                }
            }
        });
        tools(r, out, w);
        Canon.dropExtensions(r, S, w);
        if (r.stream().stream()) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return new TranslatedRequest(out, PATH, r.stream().stream(), model);
    }

    private static void message(Message m, ArrayNode messages, Warnings w) throws TranslationException {
        switch (m.role()) {
            case SYSTEM -> {
                List<String> texts = Canon.texts(m.parts());
                if (!texts.isEmpty()) {
                    ObjectNode o = messages.addObject();
                    o.put("role", "system");
                    o.put("content", String.join("\n\n", texts));
                }
            }
            case USER, TOOL -> {
                ArrayNode parts = Json.arr();
                for (Part p : m.parts()) {
                    switch (p) {
                        case Part.ToolResult tr -> {
                            // Tool messages must directly follow the assistant turn that called them.
                            ObjectNode o = messages.addObject();
                            o.put("role", "tool");
                            o.put("tool_call_id", tr.callId());
                            o.put("content", toolResultText(tr, w));
                        }
                        case Part.Text t -> parts.add(textPart(t.text()));
                        case Part.Media md -> parts.add(media(md, w));
                        case Part.Opaque o -> throw unsupported(w.at(o, "messages"),
                                "content block '" + o.type() + "' is not supported by openai-chat backends");
                        default -> {
                            // thinking and tool calls have no place in a user turn.
                        }
                    }
                }
                if (parts.isEmpty()) {
                    return;
                }
                ObjectNode o = messages.addObject();
                o.put("role", "user");
                m.name().ifPresent(n -> o.put("name", n));
                if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
                    o.set("content", parts.get(0).get("text")); // plain string is accepted by every compatible server
                } else {
                    o.set("content", parts);
                }
            }
            case ASSISTANT -> {
                StringBuilder text = new StringBuilder();
                ArrayNode calls = Json.arr();
                for (Part p : m.parts()) {
                    switch (p) {
                        case Part.Text t -> text.append(t.text());
                        case Part.ToolCall c -> {
                            ObjectNode call = calls.addObject();
                            call.put("id", c.id());
                            call.put("type", "function");
                            ObjectNode fn = call.putObject("function");
                            fn.put("name", c.name());
                            fn.put("arguments", Json.write(c.arguments()));
                        }
                        case Part.Opaque o -> throw unsupported(w.at(o, "messages"),
                                "content block '" + o.type() + "' is not supported by openai-chat backends");
                        default -> {
                            // OpenAI has no way to replay reasoning; the model re-derives it.
                        }
                    }
                }
                if (text.isEmpty() && calls.isEmpty()) {
                    return;
                }
                ObjectNode o = messages.addObject();
                o.put("role", "assistant");
                if (text.isEmpty()) {
                    o.putNull("content");
                } else {
                    o.put("content", text.toString());
                }
                if (!calls.isEmpty()) {
                    o.set("tool_calls", calls);
                }
            }
        }
    }

    /** Tool messages carry text only: the text is kept, anything else dropped with a warning. */
    private static String toolResultText(Part.ToolResult tr, Warnings w) {
        StringBuilder sb = new StringBuilder();
        for (Part p : tr.content()) {
            if (p instanceof Part.Text t) {
                if (!sb.isEmpty()) {
                    sb.append("\n");
                }
                sb.append(t.text());
            } else {
                w.add(w.at(p, w.at(tr, "tool result")), "openai-chat tool messages carry text only, dropped");
            }
        }
        return sb.toString();
    }

    private static ObjectNode textPart(String text) {
        ObjectNode p = Json.obj();
        p.put("type", "text");
        p.put("text", text);
        return p;
    }

    private static ObjectNode media(Part.Media m, Warnings w) throws TranslationException {
        String at = w.at(m, "messages");
        ObjectNode p = Json.obj();
        switch (m.kind()) {
            case IMAGE -> {
                String url = switch (m.source()) {
                    case MediaSource.Base64 b -> new Media.DataUrl(b.mediaType(), b.data()).encode();
                    case MediaSource.Url u -> u.url();
                    case MediaSource.FileId f -> throw unsupported(at, "file ids cannot be resolved for openai-chat backends");
                };
                p.put("type", "image_url");
                p.putObject("image_url").put("url", url);
            }
            case DOCUMENT -> {
                ObjectNode file = Json.obj();
                switch (m.source()) {
                    case MediaSource.Base64 b -> file.put("file_data", new Media.DataUrl(b.mediaType(), b.data()).encode());
                    case MediaSource.FileId f -> file.put("file_id", f.id());
                    case MediaSource.Url u -> throw unsupported(at, "only base64 documents are supported by openai-chat backends");
                }
                p.put("type", "file");
                file.put("filename", m.title().orElse("document.pdf"));
                p.set("file", file);
            }
            case AUDIO -> {
                if (!(m.source() instanceof MediaSource.Base64 b)) {
                    throw unsupported(at, "openai-chat backends take inline audio only");
                }
                p.put("type", "input_audio");
                ObjectNode a = p.putObject("input_audio");
                a.put("data", b.data());
                a.put("format", b.mediaType().replace("audio/", "").replace("mpeg", "mp3"));
            }
        }
        return p;
    }

    private static void tools(ChatRequest r, ObjectNode out, Warnings w) throws TranslationException {
        List<Tool.Function> functions = Canon.functions(r, S, w);
        if (functions.isEmpty()) {
            return;
        }
        ArrayNode tools = out.putArray("tools");
        for (Tool.Function f : functions) {
            ObjectNode t = tools.addObject();
            t.put("type", "function");
            ObjectNode fn = t.putObject("function");
            fn.put("name", f.name());
            f.description().ifPresent(d -> fn.put("description", d));
            fn.set("parameters", f.parameters().isEmpty() ? Canon.emptyObjectSchema() : f.parameters());
            if (f.strict()) {
                fn.put("strict", true);
            }
        }
        r.toolChoice().ifPresent(c -> {
            switch (c) {
                case ToolChoice.Auto a -> out.put("tool_choice", "auto");
                case ToolChoice.None n -> out.put("tool_choice", "none");
                case ToolChoice.Required q -> out.put("tool_choice", "required");
                case ToolChoice.Named n -> {
                    ObjectNode named = out.putObject("tool_choice");
                    named.put("type", "function");
                    named.putObject("function").put("name", n.name());
                }
            }
        });
        boolean none = r.toolChoice().filter(c -> c instanceof ToolChoice.None).isPresent();
        if (r.parallelToolCalls().filter(p -> !p).isPresent() && !none) {
            out.put("parallel_tool_calls", false);
        }
    }

    // ---------------------------------------------------------------- response

    static FinishReason finish(String reason) {
        return switch (reason) {
            case "length" -> FinishReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> FinishReason.TOOL_USE;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.END_TURN;
        };
    }

    static Usage usage(JsonNode u) {
        long cached = Json.longOr0(u.path("prompt_tokens_details"), "cached_tokens");
        long reasoning = Json.longOr0(u.path("completion_tokens_details"), "reasoning_tokens");
        return Usage.of(Json.longOr0(u, "prompt_tokens"), Json.longOr0(u, "completion_tokens"), cached, 0, reasoning);
    }

    @Override
    public ChatResponse decodeResponse(ObjectNode up, Exchange x) {
        JsonNode choice = up.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<Part> content = new ArrayList<>();
        Json.text(message, "reasoning_content").filter(t -> !t.isEmpty())
                .ifPresent(t -> content.add(new Part.Thinking(t, Optional.empty())));
        Optional<String> refusal = Json.text(message, "refusal").filter(t -> !t.isEmpty());
        Json.text(message, "content").or(() -> refusal).filter(t -> !t.isEmpty()).ifPresent(t -> content.add(new Part.Text(t)));
        for (JsonNode call : message.path("tool_calls")) {
            content.add(new Part.ToolCall(Json.text(call, "id").orElse(""), call.path("function").path("name").asText(),
                    Canon.arguments(call.path("function").path("arguments").asText(""))));
        }
        FinishReason finish = refusal.isPresent() ? FinishReason.REFUSAL : finish(Json.text(choice, "finish_reason").orElse("stop"));
        return new ChatResponse(Json.text(up, "id"), Json.text(up, "model"), content, finish, Optional.empty(),
                usage(up.path("usage")));
    }

    // ---------------------------------------------------------------- error

    @Override
    public ChatError decodeError(int status, ObjectNode body) {
        JsonNode err = body == null ? null : body.path("error");
        Optional<String> code = err == null ? Optional.empty() : Json.text(err, "code").or(() -> Json.text(err, "type"));
        return new ChatError(status, code, ErrorBodies.message(body, status),
                err == null ? Optional.empty() : Json.text(err, "param"));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decodeStream(Exchange x) {
        return new OpenAiChatStreamDecoder();
    }

    @Override
    public Schema schema() {
        return S;
    }
}

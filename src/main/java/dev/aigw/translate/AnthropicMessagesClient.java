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
import dev.aigw.translate.canonical.StreamOptions;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client side of Anthropic Messages.
 *
 * <p>Reading: {@code role: "system"} turns in the middle of {@code messages} (current Claude Code
 * sends them) are {@link Role#SYSTEM} messages where they stand. {@code output_config.effort} and
 * {@code output_config.format} map to reasoning effort and the output format;
 * {@code context_management}, {@code container}, {@code mcp_servers}, {@code service_tier} are
 * extensions. Blocks only Anthropic has (server tool use and results, search results) are opaque
 * parts. Writing: thinking always carries a signature field, tool ids are made to match
 * Anthropic's {@code ^[a-zA-Z0-9_-]+$}.
 */
final class AnthropicMessagesClient implements ClientCodec {
    static final AnthropicMessagesClient INSTANCE = new AnthropicMessagesClient();
    private static final String F = "anthropic-messages";
    private static final List<String> EXTENSIONS = List.of("context_management", "container", "mcp_servers", "service_tier");

    /** Anthropic's names of the canonical request fields, for warnings and refusals. */
    private static final Map<String, String> NAMES = Map.of("topP", "top_p", "topK", "top_k", "maxTokens", "max_tokens",
            "stop", "stop_sequences", "reasoning", "thinking", "output", "output_config.format",
            "parallelToolCalls", "tool_choice.disable_parallel_tool_use");

    @Override
    public Schema schema() {
        return Schema.ANTHROPIC_MESSAGES;
    }

    // ---------------------------------------------------------------- request

    @Override
    public ChatRequest decodeRequest(ObjectNode in, RequestContext ctx, Warnings w) throws TranslationException {
        List<Part.Text> system = system(in.get("system"));
        List<Message> messages = RequestFields.eachMessage(in, (m, at) -> {
            String role = RequestFields.role(m, at);
            Role r = switch (role) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "system" -> Role.SYSTEM;
                default -> throw invalid(at + ".role", "must be user, assistant or system, got '" + role + "'");
            };
            return new Message(r, parts(m.get("content"), at + ".content", w));
        });
        Optional<Long> maxTokens = Canon.positive(in, "max_tokens", "max_tokens");
        if (maxTokens.isEmpty()) {
            throw invalid("max_tokens", "is required and must be a positive integer");
        }
        w.names(NAMES);
        List<String> stop = new ArrayList<>();
        for (JsonNode s : in.path("stop_sequences")) {
            stop.add(s.asText());
        }
        Sampling sampling = new Sampling(Canon.number(in, "temperature", "temperature"), Canon.number(in, "top_p", "top_p"),
                Canon.number(in, "top_k", "top_k").map(Double::intValue), maxTokens, stop, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());

        List<Tool> tools = tools(in, w);
        Optional<ToolChoice> choice = Optional.empty();
        Optional<Boolean> parallel = Optional.empty();
        JsonNode tc = in.get("tool_choice");
        if (tc != null && tc.isObject()) {
            String type = tc.path("type").asText();
            choice = Optional.of(switch (type) {
                case "auto" -> ToolChoice.AUTO;
                case "any" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                case "tool" -> new ToolChoice.Named(Json.text(tc, "name").orElseThrow(() -> invalid("tool_choice.name", "is required")));
                default -> throw invalid("tool_choice.type", "must be auto, any, tool or none");
            });
            if (tc.path("disable_parallel_tool_use").asBoolean(false)) {
                parallel = Optional.of(false);
            }
        } else if (tc != null && !tc.isNull()) {
            throw invalid("tool_choice", "must be an object");
        }

        List<Extension> ext = new ArrayList<>();
        for (String f : EXTENSIONS) {
            if (Json.present(in, f)) {
                ext.add(new Extension(F, f, in.get(f)));
            }
        }
        Optional<OutputFormat> output = Optional.empty();
        Optional<Reasoning.Effort> effort = Optional.empty();
        if (in.get("output_config") instanceof ObjectNode oc) {
            var it = oc.fields();
            while (it.hasNext()) {
                var e = it.next();
                switch (e.getKey()) {
                    case "effort" -> effort = Optional.of(Reasoning.Effort.fromId(e.getValue().asText())
                            .orElseThrow(() -> invalid("output_config.effort", "must be low, medium, high or max")));
                    case "format" -> output = Optional.of(format(e.getValue()));
                    default -> ext.add(new Extension(F, "output_config." + e.getKey(), e.getValue()));
                }
            }
        }
        Optional<Reasoning> reasoning = reasoning(in, effort);
        Optional<String> user = Json.text(in.path("metadata"), "user_id").filter(u -> !u.isEmpty());
        boolean stream = in.path("stream").asBoolean(false);
        return new ChatRequest(Json.text(in, "model"), system, messages, tools, choice, parallel, sampling, reasoning,
                output, new StreamOptions(stream, stream), user, ext);
    }

    private static OutputFormat format(JsonNode f) throws TranslationException {
        String type = f.path("type").asText();
        if (!type.equals("json_schema")) {
            throw invalid("output_config.format.type", "must be json_schema");
        }
        if (!(f.get("schema") instanceof ObjectNode schema)) {
            throw invalid("output_config.format.schema", "is required and must be an object");
        }
        return new OutputFormat.JsonSchema(Optional.empty(), schema, true);
    }

    private static Optional<Reasoning> reasoning(ObjectNode in, Optional<Reasoning.Effort> effort) throws TranslationException {
        JsonNode t = in.get("thinking");
        if (t == null || t.isNull()) {
            return effort.map(e -> new Reasoning(Reasoning.Mode.ENABLED, Optional.of(e), Optional.empty(), Optional.of(true)));
        }
        if (!t.isObject()) {
            throw invalid("thinking", "must be an object");
        }
        return Optional.of(switch (t.path("type").asText()) {
            case "enabled" -> new Reasoning(Reasoning.Mode.ENABLED, effort,
                    Optional.of(t.path("budget_tokens").asLong(1024)), Optional.of(true));
            case "adaptive" -> new Reasoning(Reasoning.Mode.ADAPTIVE, effort, Optional.empty(), Optional.of(true));
            case "disabled" -> new Reasoning(Reasoning.Mode.DISABLED, Optional.empty(), Optional.empty(), Optional.empty());
            default -> throw invalid("thinking.type", "must be enabled, adaptive or disabled");
        });
    }

    private static List<Part.Text> system(JsonNode system) throws TranslationException {
        List<Part.Text> out = new ArrayList<>();
        if (system == null || system.isNull()) {
            return out;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                out.add(new Part.Text(system.asText()));
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
            out.add(new Part.Text(b.path("text").asText(), Canon.cacheControl(b)));
        }
        return out;
    }

    private static List<Part> parts(JsonNode content, String at, Warnings w) throws TranslationException {
        if (content == null || content.isNull()) {
            throw invalid(at, "is required");
        }
        return RequestFields.content(content, at, "content blocks", (b, bat) -> {
            Part p = block(b, bat, w);
            if (!(p instanceof Part.Text)) { // text is never refused or dropped: no path to keep
                w.origin(p, bat + ".type");
            }
            return p;
        });
    }

    private static Part block(JsonNode b, String bat, Warnings w) throws TranslationException {
        String type = b.path("type").asText();
        return switch (type) {
            case "text" -> new Part.Text(b.path("text").asText(), Canon.cacheControl(b));
            case "image", "document" -> media(b, bat, w);
            case "tool_use" -> new Part.ToolCall(Json.text(b, "id").orElseThrow(() -> invalid(bat + ".id", "is required")),
                    Json.text(b, "name").orElseThrow(() -> invalid(bat + ".name", "is required")),
                    b.get("input") instanceof ObjectNode o ? o : Json.obj(), Canon.cacheControl(b));
            case "tool_result" -> {
                String id = Json.text(b, "tool_use_id").orElseThrow(() -> invalid(bat + ".tool_use_id", "is required"));
                JsonNode c = b.get("content");
                List<Part> content = new ArrayList<>();
                if (c == null || c.isNull()) {
                    content.add(new Part.Text(""));
                } else if (c.isTextual()) {
                    content.add(new Part.Text(c.asText()));
                } else if (c.isArray()) {
                    for (int k = 0; k < c.size(); k++) {
                        Part p = block(c.get(k), bat + ".content[" + k + "]", w);
                        w.origin(p, bat + ".content[" + k + "].type");
                        content.add(p);
                    }
                } else {
                    throw invalid(bat + ".content", "must be a string or an array of content blocks");
                }
                Part.ToolResult r = new Part.ToolResult(id, Optional.empty(), content, b.path("is_error").asBoolean(false),
                        Canon.cacheControl(b));
                w.origin(r, bat + ".tool_use_id");
                yield r;
            }
            case "thinking" -> new Part.Thinking(b.path("thinking").asText(""), Json.text(b, "signature").filter(s -> !s.isEmpty()));
            case "redacted_thinking" -> new Part.RedactedThinking(Json.text(b, "data")
                    .orElseThrow(() -> invalid(bat + ".data", "is required")));
            default -> new Part.Opaque(F, type, b);
        };
    }

    private static Part.Media media(JsonNode b, String bat, Warnings w) throws TranslationException {
        boolean image = b.path("type").asText().equals("image");
        JsonNode source = b.path("source");
        String sat = bat + ".source";
        MediaSource src = switch (source.path("type").asText()) {
            case "base64" -> new MediaSource.Base64(
                    Json.text(source, "media_type").orElseThrow(() -> invalid(sat + ".media_type", "is required")),
                    Json.text(source, "data").orElseThrow(() -> invalid(sat + ".data", "is required")));
            case "url" -> new MediaSource.Url(Json.text(source, "url").orElseThrow(() -> invalid(sat + ".url", "is required")),
                    Optional.empty());
            case "file" -> new MediaSource.FileId(Json.text(source, "file_id").orElseThrow(() -> invalid(sat + ".file_id", "is required")));
            // A plain-text document is text/plain bytes, which every provider's document form takes.
            case "text" -> new MediaSource.Base64("text/plain", Base64.getEncoder().encodeToString(
                    source.path("data").asText("").getBytes(StandardCharsets.UTF_8)));
            default -> throw TranslationException.unsupported(sat + ".type", "source must be base64, url, file or text");
        };
        Part.Media m = new Part.Media(image ? Part.Media.Kind.IMAGE : Part.Media.Kind.DOCUMENT, src, Json.text(b, "title"),
                Canon.cacheControl(b));
        w.origin(m, sat + ".type");
        return m;
    }

    private static List<Tool> tools(ObjectNode in, Warnings w) throws TranslationException {
        return RequestFields.eachTool(in, (t, at) -> {
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                Tool b = new Tool.Builtin(F, type, t.path("name").asText(type), (ObjectNode) t);
                w.origin(b, at + ".type");
                return b;
            }
            if (!(t.get("input_schema") instanceof ObjectNode schema)) {
                throw invalid(at + ".input_schema", "is required and must be an object");
            }
            Tool f = new Tool.Function(Json.text(t, "name").orElseThrow(() -> invalid(at + ".name", "is required")),
                    Json.text(t, "description"), schema, t.path("strict").asBoolean(false),
                    t.path("defer_loading").asBoolean(false), Canon.cacheControl(t));
            w.origin(f, at);
            return f;
        });
    }

    // ---------------------------------------------------------------- response

    @Override
    public String finishReason(FinishReason r) {
        return switch (r) {
            case STOP_SEQUENCE -> "stop_sequence";
            case MAX_TOKENS -> "max_tokens";
            case CONTEXT_WINDOW -> "model_context_window_exceeded";
            case TOOL_USE -> "tool_use";
            case CONTENT_FILTER, REFUSAL -> "refusal";
            case PAUSE -> "pause_turn";
            default -> "end_turn";
        };
    }

    /** Anthropic tool_use ids must match ^[a-zA-Z0-9_-]+$; some OpenAI-compatible servers omit or decorate them. */
    static String toolId(String id, Exchange x) {
        String clean = id.replaceAll("[^a-zA-Z0-9_-]", "_");
        return clean.isEmpty() ? "toolu_" + x.ctx().ids().get() : clean;
    }

    @Override
    public ObjectNode encodeResponse(ChatResponse r, Exchange x) {
        ObjectNode out = AnthropicOut.message(r.id().orElseGet(() -> "msg_" + x.ctx().ids().get()),
                r.model().orElse(x.requestedModel()));
        ArrayNode content = out.putArray("content");
        ObjectNode lastText = null;
        for (Part p : r.content()) {
            ObjectNode b = null;
            switch (p) {
                case Part.Text t -> {
                    // A provider may split one answer over several parts; Anthropic clients expect one block.
                    if (lastText != null) {
                        lastText.put("text", lastText.get("text").asText() + t.text());
                        continue;
                    }
                    if (t.text().isEmpty()) {
                        continue;
                    }
                    b = content.addObject();
                    b.put("type", "text");
                    b.put("text", t.text());
                    lastText = b;
                    continue;
                }
                case Part.Thinking t -> {
                    b = content.addObject();
                    b.put("type", "thinking");
                    b.put("thinking", t.text());
                    b.put("signature", t.signature().orElse(""));
                }
                case Part.RedactedThinking t -> {
                    b = content.addObject();
                    b.put("type", "redacted_thinking");
                    b.put("data", t.data());
                }
                case Part.ToolCall c -> {
                    b = content.addObject();
                    b.put("type", "tool_use");
                    b.put("id", toolId(c.id(), x));
                    b.put("name", c.name());
                    b.set("input", c.arguments());
                }
                case Part.Opaque o when o.format().equals(F) -> content.add(o.raw());
                default -> {
                }
            }
            lastText = null;
        }
        AnthropicOut.end(out, finishReason(r.finish()), r.stopSequence().orElse(null), r.usage());
        return out;
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError encodeError(ChatError e) {
        return AnthropicOut.error(e.status(), ErrorBodies.anthropicTypeForStatus(e.status()), e.message());
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamEncoder encodeStream(Exchange x) {
        return new AnthropicMessagesStreamEncoder(x);
    }

}

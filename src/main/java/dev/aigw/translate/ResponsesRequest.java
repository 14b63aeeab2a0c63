package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.CacheHint;
import dev.aigw.translate.canonical.ChatRequest;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Responses API request into the canonical model, for a provider that does not serve
 * the Responses API. The long class is one walk over one request format; it is split from the
 * response side ({@link ResponsesClient}) and stays below 400 lines.
 *
 * <p>{@code custom} (freeform) tools become functions taking one string argument {@code input};
 * their names are remembered so the answer calls them as custom tools again. Reasoning items the
 * gateway wrote itself (their {@code encrypted_content} starts with {@link #SIGNATURE_PREFIX}) go
 * back to the provider as its own signed thinking; OpenAI's own encrypted reasoning cannot be
 * read elsewhere and is dropped with a warning.
 */
final class ResponsesRequest {
    /** Marks encrypted_content that carries another provider's thinking signature. */
    static final String SIGNATURE_PREFIX = "aigw.sig.";
    static final String REDACTED_PREFIX = "aigw.redacted.";
    static final String CUSTOM_INPUT = "input";
    private static final Set<String> DROPPED = Set.of("store", "include", "prompt_cache_key", "metadata",
            "client_metadata", "service_tier", "truncation", "safety_identifier", "top_logprobs", "prompt",
            "prompt_cache_retention", "stream_options");
    private static final Set<String> REFUSED = Set.of("previous_response_id", "conversation");

    private final Set<String> customTools = new LinkedHashSet<>();
    private final Warnings warnings;

    ResponsesRequest(Warnings warnings) {
        this.warnings = warnings;
    }

    /**
     * Fields that need no warning: {@code store: false} is what a translated provider does anyway,
     * and reasoning items always carry the provider's signature as {@code encrypted_content}.
     */
    private static boolean honoured(String field, JsonNode v) {
        if (field.equals("store")) return !v.asBoolean(false);
        if (field.equals("include")) {
            for (JsonNode i : v) if (!i.asText().equals("reasoning.encrypted_content")) return false;
            return true;
        }
        return false;
    }

    /** Names of the custom (freeform) tools of the request. */
    Set<String> customTools() {
        return customTools;
    }

    ChatRequest decode(ObjectNode in) throws TranslationException {
        for (String f : REFUSED) {
            if (Json.present(in, f)) {
                throw unsupported(f, "this route translates the Responses API for a provider that keeps no "
                        + "conversation state; send the whole conversation in input instead");
            }
        }
        if (in.path("background").asBoolean(false)) {
            throw unsupported("background", "background responses need a stored response, which this route cannot keep");
        }
        in.fieldNames().forEachRemaining(f -> {
            if (DROPPED.contains(f) && !in.get(f).isNull() && !honoured(f, in.get(f))) {
                warnings.add(f, "not meaningful for this provider; dropped");
            }
        });
        if (in.path("text").has("verbosity")) warnings.add("text.verbosity", "no equivalent for this provider; dropped");
        List<Part.Text> system = new ArrayList<>();
        Json.text(in, "instructions").filter(s -> !s.isEmpty()).ifPresent(s -> system.add(new Part.Text(s)));
        List<Tool> tools = new ArrayList<>();
        tools(in.get("tools"), "tools", tools);
        List<Message> messages = new ArrayList<>();
        JsonNode input = in.get("input");
        if (input == null || input.isNull()) {
            throw invalid("input", "is required: a string or an array of input items");
        } else if (input.isTextual()) {
            messages.add(new Message(Role.USER, List.of(new Part.Text(input.asText()))));
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) item(input.get(i), "input[" + i + "]", messages, system, tools);
        } else {
            throw invalid("input", "must be a string or an array of input items");
        }
        Optional<ToolChoice> choice = toolChoice(in.get("tool_choice"));
        Optional<Boolean> parallel = in.path("parallel_tool_calls").isBoolean()
                ? Optional.of(in.get("parallel_tool_calls").asBoolean()) : Optional.empty();
        Sampling sampling = new Sampling(number(in, "temperature", "temperature"), number(in, "top_p", "top_p"),
                Optional.empty(), positive(in, "max_output_tokens", "max_output_tokens"), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        boolean stream = in.path("stream").asBoolean(false);
        return new ChatRequest(Json.text(in, "model"), system, messages, tools, choice, parallel, sampling,
                reasoning(in.get("reasoning")), format(in.path("text").get("format")), new StreamOptions(stream, true),
                Json.text(in, "user"), List.of());
    }

    private void item(JsonNode it, String at, List<Message> messages, List<Part.Text> system, List<Tool> tools)
            throws TranslationException {
        if (!it.isObject()) throw invalid(at, "must be an input item object");
        String type = Json.text(it, "type").orElse(it.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                String role = Json.text(it, "role").orElse("user");
                List<Part> parts = content(it.get("content"), at + ".content", role);
                switch (role) {
                    case "user" -> add(messages, Role.USER, parts);
                    case "assistant" -> add(messages, Role.ASSISTANT, parts);
                    case "system", "developer" -> {
                        List<Part.Text> texts = new ArrayList<>();
                        for (Part p : parts) if (p instanceof Part.Text t) texts.add(t);
                        // Before the first turn it is the system prompt; later it stays where it was.
                        if (messages.isEmpty()) system.addAll(texts);
                        else messages.add(new Message(Role.SYSTEM, List.copyOf(texts)));
                    }
                    default -> throw invalid(at + ".role", "must be user, assistant, system or developer, got '" + role + "'");
                }
            }
            case "function_call", "custom_tool_call" -> {
                String callId = Json.text(it, "call_id").orElseThrow(() -> invalid(at + ".call_id", "is required"));
                String name = Json.text(it, "name").orElseThrow(() -> invalid(at + ".name", "is required"));
                ObjectNode args;
                if (type.equals("custom_tool_call")) {
                    args = Json.obj().put(CUSTOM_INPUT, Json.text(it, "input").orElse(""));
                } else {
                    String raw = Json.text(it, "arguments").orElse("{}");
                    args = Json.parseObject(raw.isBlank() ? "{}" : raw)
                            .orElseThrow(() -> invalid(at + ".arguments", "must be a JSON object in a string"));
                }
                add(messages, Role.ASSISTANT, List.of(new Part.ToolCall(callId, name, args)));
            }
            case "function_call_output", "custom_tool_call_output" -> {
                String callId = Json.text(it, "call_id").orElseThrow(() -> invalid(at + ".call_id", "is required"));
                JsonNode out = it.get("output");
                List<Part> content = out != null && out.isArray() ? content(out, at + ".output", "user")
                        : List.of(new Part.Text(out == null || out.isNull() ? "" : out.isTextual() ? out.asText() : Json.write(out)));
                add(messages, Role.TOOL, List.of(new Part.ToolResult(callId, Optional.empty(), content, false, Optional.empty())));
            }
            case "reasoning" -> {
                Optional<String> enc = Json.text(it, "encrypted_content");
                StringBuilder summary = new StringBuilder();
                for (JsonNode s : it.path("summary")) summary.append(s.path("text").asText(""));
                if (enc.isPresent() && enc.get().startsWith(REDACTED_PREFIX)) {
                    add(messages, Role.ASSISTANT, List.of(new Part.RedactedThinking(enc.get().substring(REDACTED_PREFIX.length()))));
                } else if (enc.isPresent() && enc.get().startsWith(SIGNATURE_PREFIX)) {
                    add(messages, Role.ASSISTANT, List.of(new Part.Thinking(summary.toString(),
                            Optional.of(enc.get().substring(SIGNATURE_PREFIX.length())))));
                } else if (enc.isPresent()) {
                    warnings.add(at + ".encrypted_content", "OpenAI's encrypted reasoning can be read only by OpenAI; dropped");
                } else if (!summary.isEmpty()) {
                    add(messages, Role.ASSISTANT, List.of(new Part.Thinking(summary.toString(), Optional.empty())));
                }
            }
            case "additional_tools" -> {
                // Codex's default model delivers (more) tools as an input item.
                JsonNode list = it.has("tools") ? it.get("tools") : it.get("additional_tools");
                tools(list, at + ".tools", tools);
            }
            case "item_reference" -> throw unsupported(at, "item_reference needs stored items, which this route cannot keep; "
                    + "send the item itself");
            default -> throw unsupported(at + ".type", "input items of type '" + type + "' cannot be translated for this provider");
        }
    }

    /** Appends parts to the last message when it has the same role (a function_call after assistant text). */
    private static void add(List<Message> messages, Role role, List<Part> parts) {
        if (!messages.isEmpty() && messages.getLast().role() == role && role != Role.SYSTEM && role != Role.USER) {
            List<Part> merged = new ArrayList<>(messages.getLast().parts());
            merged.addAll(parts);
            messages.set(messages.size() - 1, new Message(role, merged));
        } else {
            messages.add(new Message(role, parts));
        }
    }

    private List<Part> content(JsonNode c, String at, String role) throws TranslationException {
        List<Part> out = new ArrayList<>();
        if (c == null || c.isNull()) return out;
        if (c.isTextual()) {
            out.add(new Part.Text(c.asText()));
            return out;
        }
        if (!c.isArray()) throw invalid(at, "must be a string or an array of content parts");
        for (int j = 0; j < c.size(); j++) {
            JsonNode p = c.get(j);
            String pat = at + "[" + j + "]";
            String type = p.path("type").asText();
            switch (type) {
                case "input_text", "output_text", "text" -> out.add(new Part.Text(p.path("text").asText("")));
                case "refusal" -> out.add(new Part.Text(p.path("refusal").asText("")));
                case "input_image" -> out.add(new Part.Media(Part.Media.Kind.IMAGE, source(p, "image_url", pat), Optional.empty(),
                        Optional.<CacheHint>empty()));
                case "input_file" -> out.add(new Part.Media(Part.Media.Kind.DOCUMENT, fileSource(p, pat),
                        Json.text(p, "filename"), Optional.empty()));
                case "input_audio" -> {
                    JsonNode a = p.path("input_audio");
                    out.add(new Part.Media(Part.Media.Kind.AUDIO, new MediaSource.Base64("audio/" + a.path("format").asText("wav"),
                            a.path("data").asText("")), Optional.empty(), Optional.empty()));
                }
                default -> throw unsupported(pat + ".type", "content parts of type '" + type + "' cannot be translated");
            }
        }
        return out;
    }

    private static MediaSource source(JsonNode p, String field, String at) throws TranslationException {
        Optional<String> url = Json.text(p, field);
        if (url.isPresent()) return dataUrlOr(url.get(), Optional.empty());
        Optional<String> file = Json.text(p, "file_id");
        if (file.isPresent()) return new MediaSource.FileId(file.get());
        throw invalid(at + "." + field, "an input_image needs image_url or file_id");
    }

    private static MediaSource fileSource(JsonNode p, String at) throws TranslationException {
        Optional<String> data = Json.text(p, "file_data");
        if (data.isPresent()) {
            MediaSource s = dataUrlOr(data.get(), Optional.empty());
            // Bare base64 without a data URL: the filename says what it is; PDFs are what providers read.
            return s instanceof MediaSource.Url ? new MediaSource.Base64("application/pdf", data.get()) : s;
        }
        Optional<String> url = Json.text(p, "file_url");
        if (url.isPresent()) return new MediaSource.Url(url.get(), Optional.empty());
        Optional<String> file = Json.text(p, "file_id");
        if (file.isPresent()) return new MediaSource.FileId(file.get());
        throw invalid(at, "an input_file needs file_data, file_url or file_id");
    }

    /** {@code data:<type>;base64,<data>} as inline bytes, anything else as a URL. */
    static MediaSource dataUrlOr(String url, Optional<String> type) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semi = url.indexOf(';');
            if (comma > 0 && semi > 0 && semi < comma && url.substring(semi, comma).contains("base64")) {
                return new MediaSource.Base64(url.substring(5, semi), url.substring(comma + 1));
            }
        }
        return new MediaSource.Url(url, type);
    }

    private void tools(JsonNode list, String at, List<Tool> out) throws TranslationException {
        if (list == null || list.isNull()) return;
        if (!list.isArray()) throw invalid(at, "must be an array of tools");
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String tat = at + "[" + i + "]";
            String type = t.path("type").asText();
            switch (type) {
                case "function" -> {
                    // Chat-style {type, function: {...}} is accepted too: some clients send it here.
                    JsonNode fn = t.has("function") ? t.get("function") : t;
                    String name = Json.text(fn, "name").orElseThrow(() -> invalid(tat + ".name", "is required"));
                    ObjectNode params = fn.get("parameters") instanceof ObjectNode o ? o.deepCopy()
                            : Json.obj().put("type", "object");
                    out.add(new Tool.Function(name, Json.text(fn, "description"), params,
                            fn.path("strict").asBoolean(false), false, Optional.empty()));
                }
                case "custom" -> {
                    String name = Json.text(t, "name").orElseThrow(() -> invalid(tat + ".name", "is required"));
                    customTools.add(name);
                    ObjectNode params = Json.obj().put("type", "object");
                    ObjectNode input = params.putObject("properties").putObject(CUSTOM_INPUT).put("type", "string");
                    JsonNode fmt = t.path("format");
                    String desc = "The tool's whole input, as free text";
                    if ("grammar".equals(fmt.path("type").asText())) {
                        desc += " in this " + fmt.path("syntax").asText("grammar") + " grammar:\n" + fmt.path("definition").asText("");
                    }
                    input.put("description", desc);
                    params.putArray("required").add(CUSTOM_INPUT);
                    out.add(new Tool.Function(name, Json.text(t, "description"), params));
                }
                default -> warnings.add(tat, "the built-in tool '" + type + "' exists only on OpenAI; dropped");
            }
        }
    }

    private Optional<ToolChoice> toolChoice(JsonNode c) throws TranslationException {
        if (c == null || c.isNull()) return Optional.empty();
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "auto" -> Optional.of(ToolChoice.AUTO);
                case "none" -> Optional.of(ToolChoice.NONE);
                case "required" -> Optional.of(ToolChoice.REQUIRED);
                default -> throw invalid("tool_choice", "must be auto, none, required or a tool, got '" + c.asText() + "'");
            };
        }
        String type = c.path("type").asText();
        return switch (type) {
            case "function", "custom" -> Optional.of(new ToolChoice.Named(Json.text(c, "name")
                    .orElseThrow(() -> invalid("tool_choice.name", "is required"))));
            case "allowed_tools" -> {
                warnings.add("tool_choice.allowed_tools", "the tool subset is not enforced for this provider; all tools offered");
                yield Optional.of("required".equals(c.path("mode").asText()) ? ToolChoice.REQUIRED : ToolChoice.AUTO);
            }
            default -> {
                warnings.add("tool_choice", "built-in tool '" + type + "' exists only on OpenAI; left to the model");
                yield Optional.of(ToolChoice.AUTO);
            }
        };
    }

    private Optional<Reasoning> reasoning(JsonNode r) throws TranslationException {
        if (r == null || r.isNull() || !r.isObject()) return Optional.empty();
        Optional<String> effort = Json.text(r, "effort");
        boolean summary = Json.text(r, "summary").filter(s -> !s.equals("none")).isPresent();
        if (effort.isEmpty()) {
            return summary ? Optional.of(new Reasoning(Reasoning.Mode.ADAPTIVE, Optional.empty(), Optional.empty(),
                    Optional.of(true))) : Optional.empty();
        }
        Reasoning.Effort e = Reasoning.Effort.fromId(effort.get())
                .orElseThrow(() -> invalid("reasoning.effort", "must be none, minimal, low, medium or high"));
        Reasoning base = Reasoning.effort(e);
        return Optional.of(new Reasoning(base.mode(), base.effort(), base.budgetTokens(), Optional.of(summary)));
    }

    private static Optional<Double> number(JsonNode in, String field, String at) throws TranslationException {
        if (!Json.present(in, field)) return Optional.empty();
        if (!in.get(field).isNumber()) throw invalid(at, "must be a number");
        return Optional.of(in.get(field).asDouble());
    }

    private static Optional<Long> positive(JsonNode in, String field, String at) throws TranslationException {
        if (!Json.present(in, field)) return Optional.empty();
        JsonNode v = in.get(field);
        if (!v.canConvertToLong() || v.asLong() <= 0) throw invalid(at, "must be a positive integer");
        return Optional.of(v.asLong());
    }

    private static Optional<OutputFormat> format(JsonNode f) throws TranslationException {
        if (f == null || f.isNull()) return Optional.empty();
        return switch (f.path("type").asText()) {
            case "text" -> Optional.of(new OutputFormat.Text());
            case "json_object" -> Optional.of(new OutputFormat.JsonObject());
            case "json_schema" -> {
                if (!(f.get("schema") instanceof ObjectNode schema)) {
                    throw invalid("text.format.schema", "is required and must be an object");
                }
                yield Optional.of(new OutputFormat.JsonSchema(Json.text(f, "name"), schema, f.path("strict").asBoolean(false)));
            }
            default -> throw invalid("text.format.type", "must be text, json_object or json_schema");
        };
    }
}

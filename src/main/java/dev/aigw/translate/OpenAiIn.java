package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.OutputFormat;
import dev.aigw.translate.canonical.Reasoning;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/** Reading helpers of {@link OpenAiChatClient}: content texts, tools, tool choice, stop, reasoning, response format. */
final class OpenAiIn {

    private OpenAiIn() {
    }

    /**
     * Non-empty texts of a system, developer, tool or assistant content: a string or an array of
     * text parts, and of refusal parts where the backend can take them as text.
     */
    static List<String> texts(JsonNode content, String at, boolean refusals) throws TranslationException {
        List<String> out = new ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.add(content.asText());
            }
            return out;
        }
        if (!content.isArray()) {
            throw invalid(at, "must be a string or an array of content parts");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode p = content.get(j);
            String type = p.path("type").asText();
            if (!type.equals("text") && !(refusals && type.equals("refusal"))) {
                throw unsupported(at + "[" + j + "].type", "only text parts are allowed here, got '" + type + "'");
            }
            String t = p.path(type).asText();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    static List<Tool> tools(ObjectNode in, Warnings w) throws TranslationException {
        return RequestFields.eachTool(in, (t, at) -> {
            String type = t.path("type").asText("function");
            if (!type.equals("function")) {
                throw unsupported(at + ".type", "only function tools are supported, got '" + type + "'");
            }
            JsonNode fn = t.path("function");
            String name = Json.text(fn, "name").orElseThrow(() -> invalid(at + ".function.name", "is required"));
            ObjectNode params = fn.get("parameters") instanceof ObjectNode p ? p : Json.obj();
            Tool.Function f = new Tool.Function(name, Json.text(fn, "description"), params,
                    fn.path("strict").asBoolean(false), false, Optional.empty());
            w.origin(f, at);
            return f;
        });
    }

    static Optional<ToolChoice> toolChoice(ObjectNode in) throws TranslationException {
        JsonNode tc = in.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return Optional.empty();
        }
        if (tc.isTextual()) {
            return Optional.of(switch (tc.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw invalid("tool_choice", "must be auto, none, required or a named function");
            });
        }
        if (tc.isObject()) {
            return Optional.of(new ToolChoice.Named(Json.text(tc.path("function"), "name")
                    .orElseThrow(() -> invalid("tool_choice.function.name", "is required"))));
        }
        throw invalid("tool_choice", "must be a string or an object");
    }

    static List<String> stop(ObjectNode in) throws TranslationException {
        JsonNode stop = in.get("stop");
        List<String> out = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return out;
        }
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw invalid("stop", "must be a string or an array of strings");
                }
                out.add(s.asText());
            }
        } else {
            throw invalid("stop", "must be a string or an array of strings");
        }
        return out;
    }

    /** reasoning_effort, or the {@code thinking} object some Anthropic-minded clients send. */
    static Optional<Reasoning> reasoning(ObjectNode in) throws TranslationException {
        if (in.get("thinking") instanceof ObjectNode t) {
            return Optional.of(switch (t.path("type").asText()) {
                case "enabled" -> Reasoning.budget(t.path("budget_tokens").asLong(1024));
                case "adaptive" -> new Reasoning(Reasoning.Mode.ADAPTIVE, Optional.empty(), Optional.empty(), Optional.empty());
                case "disabled" -> new Reasoning(Reasoning.Mode.DISABLED, Optional.empty(), Optional.empty(), Optional.empty());
                default -> throw invalid("thinking.type", "must be enabled, adaptive or disabled");
            });
        }
        Optional<String> effort = Json.text(in, "reasoning_effort");
        if (effort.isEmpty()) {
            return Optional.empty();
        }
        Reasoning.Effort e = Reasoning.Effort.fromId(effort.get()).filter(x -> x != Reasoning.Effort.MAX)
                .orElseThrow(() -> invalid("reasoning_effort", "must be one of none, minimal, low, medium, high"));
        return Optional.of(Reasoning.effort(e));
    }

    static Optional<OutputFormat> responseFormat(ObjectNode in) throws TranslationException {
        JsonNode rf = in.get("response_format");
        if (rf == null || rf.isNull()) {
            return Optional.empty();
        }
        return Optional.of(switch (rf.path("type").asText()) {
            case "text" -> new OutputFormat.Text();
            case "json_object" -> new OutputFormat.JsonObject();
            case "json_schema" -> {
                JsonNode js = rf.path("json_schema");
                if (!(js.get("schema") instanceof ObjectNode schema)) {
                    throw invalid("response_format.json_schema.schema", "is required and must be an object");
                }
                yield new OutputFormat.JsonSchema(Json.text(js, "name"), schema, js.path("strict").asBoolean(false));
            }
            default -> throw invalid("response_format.type", "must be text, json_object or json_schema");
        });
    }
}

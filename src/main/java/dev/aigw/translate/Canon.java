package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.CacheHint;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.Extension;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.Tool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small readings and writings of the canonical model that several codecs share. */
final class Canon {
    private Canon() {
    }

    static final String JSON_OBJECT_INSTRUCTION = "Respond only with a single valid JSON object. "
            + "Do not wrap it in Markdown code fences or add any other text.";

    /** The system instruction that stands in for a JSON output mode where the provider has none. */
    static Optional<String> outputInstruction(ChatRequest r) {
        return r.output().flatMap(o -> switch (o) {
            case dev.aigw.translate.canonical.OutputFormat.Text t -> Optional.empty();
            case dev.aigw.translate.canonical.OutputFormat.JsonObject j -> Optional.of(JSON_OBJECT_INSTRUCTION);
            case dev.aigw.translate.canonical.OutputFormat.JsonSchema s -> Optional.of(
                    "Respond only with a single JSON value that conforms to this JSON schema. "
                            + "Do not wrap it in Markdown code fences or add any other text.\n" + Json.write(s.schema()));
        });
    }

    /** Optional numeric field; present but not a number is the client's error. */
    static Optional<Double> number(JsonNode in, String field, String at) throws TranslationException {
        if (!Json.present(in, field)) {
            return Optional.empty();
        }
        if (!in.get(field).isNumber()) {
            throw invalid(at, "must be a number");
        }
        return Optional.of(in.get(field).asDouble());
    }

    static Optional<Long> positive(JsonNode in, String field, String at) throws TranslationException {
        if (!Json.present(in, field)) {
            return Optional.empty();
        }
        JsonNode v = in.get(field);
        if (!v.canConvertToLong() || v.asLong() <= 0) {
            throw invalid(at, "must be a positive integer");
        }
        return Optional.of(v.asLong());
    }

    /** Writes a number as the client most likely wrote it: integral values without a fraction. */
    static void put(ObjectNode out, String field, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.put(field, (long) v);
        } else {
            out.put(field, v);
        }
    }

    /** Arguments a model streamed or wrote; broken JSON becomes an empty object rather than a failed answer. */
    static ObjectNode arguments(CharSequence json) {
        String s = json.toString();
        return s.isBlank() ? Json.obj() : Json.parseObject(s).orElseGet(Json::obj);
    }

    static Optional<CacheHint> cacheControl(JsonNode block) {
        JsonNode c = block.get("cache_control");
        if (!(c instanceof ObjectNode o)) {
            return Optional.empty();
        }
        return Optional.of(new CacheHint(o.path("type").asText("ephemeral"), Json.text(o, "ttl")));
    }

    /** Texts of parts, non-text parts skipped. */
    static List<String> texts(List<? extends Part> parts) {
        List<String> out = new ArrayList<>();
        for (Part p : parts) {
            if (p instanceof Part.Text t && !t.text().isEmpty()) {
                out.add(t.text());
            }
        }
        return out;
    }

    /** Tool names by call id, from every assistant turn: Gemini answers calls by name. */
    static Map<String, String> toolNames(List<Message> messages) {
        Map<String, String> names = new HashMap<>();
        for (Message m : messages) {
            for (Part p : m.parts()) {
                if (p instanceof Part.ToolCall c) {
                    names.put(c.id(), c.name());
                }
            }
        }
        return names;
    }

    static boolean hasToolHistory(List<Message> messages) {
        for (Message m : messages) {
            for (Part p : m.parts()) {
                if (p instanceof Part.ToolCall || p instanceof Part.ToolResult) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The function tools a provider without tool search should see: deferred ones are dropped
     * with a warning, and builtin tools of another format are refused.
     */
    static List<Tool.Function> functions(ChatRequest r, Schema backend, Warnings w) throws TranslationException {
        List<Tool.Function> out = new ArrayList<>();
        for (int k = 0; k < r.tools().size(); k++) {
            Tool t = r.tools().get(k);
            switch (t) {
                case Tool.Function f when f.deferLoading() -> w.add(w.at(f, "tools[" + k + "]") + ".defer_loading",
                        "tool search is not supported by " + backend.id() + ", tool '" + f.name() + "' dropped");
                case Tool.Function f -> out.add(f);
                case Tool.Builtin b -> throw unsupported(w.at(b, "tools[" + k + "].type"),
                        "server tool '" + b.type() + "' is not available on " + backend.id() + " backends");
            }
        }
        return out;
    }

    /** Warns for sampling fields a provider has no form for. */
    static void dropSampling(Sampling s, Schema backend, Warnings w, String... fields) {
        for (String f : fields) {
            boolean set = switch (f) {
                case "topK" -> s.topK().isPresent();
                case "seed" -> s.seed().isPresent();
                case "presencePenalty" -> s.presencePenalty().isPresent();
                case "frequencyPenalty" -> s.frequencyPenalty().isPresent();
                default -> throw new IllegalArgumentException(f);
            };
            if (set) {
                w.add(w.name(f), "not supported by " + backend.id() + ", dropped");
            }
        }
    }

    static void singleChoice(Sampling s, Schema backend, Warnings w) throws TranslationException {
        if (s.candidates().filter(n -> n != 1).isPresent()) {
            throw unsupported(w.name("candidates"), backend.id() + " backends return a single choice; n must be 1");
        }
    }

    /** Warns for every extension the provider does not map; {@code mapped} names those it does. */
    static void dropExtensions(ChatRequest r, Schema backend, Warnings w, String... mapped) {
        List<String> keep = List.of(mapped);
        for (Extension e : r.extensions()) {
            if (!keep.contains(e.field())) {
                w.add(e.field(), "not supported by " + backend.id() + ", dropped");
            }
        }
    }

    /** The schema a tool without parameters gets where the provider insists on one. */
    static ObjectNode emptyObjectSchema() {
        ObjectNode s = Json.obj();
        s.put("type", "object");
        s.putObject("properties");
        return s;
    }
}

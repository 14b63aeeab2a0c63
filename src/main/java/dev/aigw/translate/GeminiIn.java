package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reading helpers of {@link GeminiGenerateClient}: contents, parts, tools, generationConfig. */
final class GeminiIn {

    private GeminiIn() {
    }

    /** Gemini bodies carry no model: it is in the client's URL, so the Backend must name one. */
    static void requirePinnedModel(RequestContext ctx) throws TranslationException {
        if (ctx.model().filter(m -> !m.isBlank()).isEmpty()) {
            throw invalid("model", "the Backend must pin a model for Gemini-format clients");
        }
    }

    /** Fields no other schema can honour; the second group changes what the prompt means, so it is refused. */
    static void refuseUnsupported(ObjectNode in) throws TranslationException {
        if (Json.present(in, "cachedContent")) {
            throw unsupported("cachedContent", "cached contents live on Gemini and cannot be sent to another provider");
        }
    }

    static JsonNode contents(ObjectNode in) throws TranslationException {
        return RequestFields.nonEmptyArray(in, "contents");
    }

    /** user or model; a missing role is user (single-turn requests omit it), function/tool results are user turns. */
    static String role(JsonNode content, String at) throws TranslationException {
        String role = Json.text(content, "role").orElse("user");
        return switch (role) {
            case "user", "function", "tool" -> "user";
            case "model" -> "model";
            default -> throw invalid(at + ".role", "must be user or model, got '" + role + "'");
        };
    }

    static JsonNode parts(JsonNode content, String at) throws TranslationException {
        JsonNode parts = content.get("parts");
        if (parts == null || !parts.isArray()) {
            throw invalid(at + ".parts", "must be an array");
        }
        return parts;
    }

    /** The kind of a part, by the one data field it sets. */
    static String kind(JsonNode part, String at) throws TranslationException {
        for (String k : new String[] {"text", "inlineData", "fileData", "functionCall", "functionResponse",
                "executableCode", "codeExecutionResult"}) {
            if (part.has(k)) {
                return k;
            }
        }
        throw invalid(at, "part has no data field (text, inlineData, fileData, functionCall, functionResponse)");
    }

    /** Texts of systemInstruction, a Content whose role is ignored (a bare string is accepted too). */
    static List<String> systemTexts(ObjectNode in) throws TranslationException {
        List<String> out = new ArrayList<>();
        JsonNode si = in.get("systemInstruction");
        if (si == null || si.isNull()) {
            return out;
        }
        if (si.isTextual()) {
            if (!si.asText().isEmpty()) {
                out.add(si.asText());
            }
            return out;
        }
        JsonNode parts = parts(si, "systemInstruction");
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            if (!p.has("text")) {
                throw unsupported("systemInstruction.parts[" + j + "]", "only text parts are supported in systemInstruction");
            }
            if (!p.path("text").asText().isEmpty()) {
                out.add(p.path("text").asText());
            }
        }
        return out;
    }

    /**
     * Tool call ids for a conversation that has none: each functionCall gets its own id (or the one
     * it carries), and each functionResponse takes the oldest unanswered call of the same name.
     */
    static final class CallIds {
        private final String prefix;
        private int n;
        private final Map<String, ArrayDeque<String>> pending = new HashMap<>();

        CallIds(String prefix) {
            this.prefix = prefix;
        }

        String call(JsonNode functionCall) {
            String id = Json.text(functionCall, "id").filter(s -> !s.isEmpty()).orElseGet(() -> prefix + (++n));
            pending.computeIfAbsent(functionCall.path("name").asText(), k -> new ArrayDeque<>()).add(id);
            return id;
        }

        String response(JsonNode functionResponse, String at) throws TranslationException {
            String name = Json.text(functionResponse, "name").orElseThrow(() -> invalid(at + ".name", "is required"));
            ArrayDeque<String> q = pending.get(name);
            Optional<String> id = Json.text(functionResponse, "id").filter(s -> !s.isEmpty());
            if (q != null && id.isPresent() && q.remove(id.get())) {
                return id.get();
            }
            if (q == null || q.isEmpty()) {
                throw invalid(at + ".name", "'" + name + "' does not answer a functionCall of an earlier model turn");
            }
            return q.poll();
        }
    }

    static String functionName(JsonNode fc, String at) throws TranslationException {
        return Json.text(fc, "name").filter(s -> !s.isEmpty()).orElseThrow(() -> invalid(at + ".name", "is required"));
    }

    static ObjectNode args(JsonNode fc, String at) throws TranslationException {
        JsonNode args = fc.get("args");
        if (args == null || args.isNull()) {
            return Json.obj();
        }
        if (!(args instanceof ObjectNode o)) {
            throw invalid(at + ".args", "must be an object");
        }
        return o;
    }

    /**
     * A function response as text: Gemini wants an object, so clients wrap plain results in one
     * field ({@code {"result": "..."}}, {@code {"content": "..."}}); such a wrapper is unwrapped,
     * anything else is sent as its JSON.
     */
    static String responseText(JsonNode fr) {
        JsonNode r = fr.get("response");
        if (r == null || r.isNull()) {
            return "";
        }
        if (r.isObject() && r.size() == 1 && r.elements().next().isTextual()) {
            return r.elements().next().asText();
        }
        return r.isTextual() ? r.asText() : Json.write(r);
    }

    /** Gemini's convention for a failed call: the response object holds only {@code error}. */
    static boolean isErrorResponse(JsonNode fr) {
        JsonNode r = fr.path("response");
        return r.isObject() && r.size() == 1 && r.has("error");
    }

    record Tool(String name, Optional<String> description, ObjectNode schema) {
    }

    /** Function declarations of every tools entry; other tool kinds (search, code execution) are refused. */
    static List<Tool> tools(ObjectNode in) throws TranslationException {
        List<Tool> out = new ArrayList<>();
        JsonNode tools = in.get("tools");
        if (tools == null || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "must be an array");
        }
        for (int k = 0; k < tools.size(); k++) {
            JsonNode t = tools.get(k);
            String at = "tools[" + k + "]";
            var fields = t.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!f.equals("functionDeclarations")) {
                    throw unsupported(at + "." + f, "only functionDeclarations tools can be sent to other providers");
                }
            }
            JsonNode decls = t.path("functionDeclarations");
            for (int j = 0; j < decls.size(); j++) {
                JsonNode d = decls.get(j);
                String dat = at + ".functionDeclarations[" + j + "]";
                String name = Json.text(d, "name").orElseThrow(() -> invalid(dat + ".name", "is required"));
                ObjectNode schema;
                if (d.get("parametersJsonSchema") instanceof ObjectNode js) {
                    schema = js;
                } else if (d.get("parameters") instanceof ObjectNode p) {
                    schema = jsonSchema(p);
                } else {
                    schema = Json.obj();
                    schema.put("type", "object");
                    schema.putObject("properties");
                }
                out.add(new Tool(name, Json.text(d, "description"), schema));
            }
        }
        return out;
    }

    /**
     * Gemini's Schema (an OpenAPI 3.0 subset) as JSON Schema: type names lower-cased,
     * {@code nullable} folded into the type, {@code propertyOrdering} dropped.
     */
    static ObjectNode jsonSchema(ObjectNode s) {
        ObjectNode out = Json.obj();
        boolean nullable = s.path("nullable").asBoolean(false);
        var it = s.fields();
        while (it.hasNext()) {
            var e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "nullable", "propertyOrdering" -> {
                }
                case "type" -> {
                    // Idempotent: JSON Schema's own type lists pass with their names lower-cased.
                    ArrayNode types = Json.arr();
                    for (JsonNode t : v.isArray() ? v : Json.arr().add(v)) {
                        types.add(t.asText().toLowerCase(Locale.ROOT));
                    }
                    if (nullable) {
                        types.add("null");
                    }
                    if (types.size() == 1) {
                        out.set("type", types.get(0));
                    } else {
                        out.set("type", types);
                    }
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    var pit = v.fields();
                    while (pit.hasNext()) {
                        var p = pit.next();
                        props.set(p.getKey(), p.getValue() instanceof ObjectNode po ? jsonSchema(po) : p.getValue());
                    }
                }
                case "items" -> out.set("items", v instanceof ObjectNode io ? jsonSchema(io) : v);
                case "anyOf" -> {
                    ArrayNode any = out.putArray("anyOf");
                    for (JsonNode a : v) {
                        any.add(a instanceof ObjectNode ao ? jsonSchema(ao) : a);
                    }
                }
                default -> out.set(k, v);
            }
        }
        return out;
    }

    /** functionCallingConfig: mode AUTO, ANY or NONE and, for ANY, the functions allowed. */
    record ToolChoice(String mode, List<String> allowed) {
    }

    static Optional<ToolChoice> toolChoice(ObjectNode in) throws TranslationException {
        JsonNode cfg = in.path("toolConfig").path("functionCallingConfig");
        if (!cfg.isObject()) {
            return Optional.empty();
        }
        String mode = Json.text(cfg, "mode").orElse("AUTO");
        if (!List.of("AUTO", "ANY", "NONE", "MODE_UNSPECIFIED", "VALIDATED").contains(mode)) {
            throw invalid("toolConfig.functionCallingConfig.mode", "must be AUTO, ANY or NONE");
        }
        List<String> allowed = new ArrayList<>();
        for (JsonNode n : cfg.path("allowedFunctionNames")) {
            allowed.add(n.asText());
        }
        // VALIDATED constrains calls to the schemas but lets the model answer in text: AUTO is the nearest.
        return Optional.of(new ToolChoice(mode.equals("ANY") ? "ANY" : mode.equals("NONE") ? "NONE" : "AUTO", allowed));
    }

    static ObjectNode generationConfig(ObjectNode in) throws TranslationException {
        JsonNode gen = in.get("generationConfig");
        if (gen == null || gen.isNull()) {
            return Json.obj();
        }
        if (!(gen instanceof ObjectNode g)) {
            throw invalid("generationConfig", "must be an object");
        }
        if (Json.present(g, "candidateCount") && g.get("candidateCount").asInt(1) != 1) {
            throw unsupported("generationConfig.candidateCount", "only 1 candidate is supported when translating");
        }
        return g;
    }

    static Optional<Long> maxOutputTokens(ObjectNode gen) throws TranslationException {
        JsonNode m = gen.get("maxOutputTokens");
        if (m == null || m.isNull()) {
            return Optional.empty();
        }
        if (!m.canConvertToLong() || m.asLong() <= 0) {
            throw invalid("generationConfig.maxOutputTokens", "must be a positive integer");
        }
        return Optional.of(m.asLong());
    }

    static Optional<ArrayNode> stopSequences(ObjectNode gen) throws TranslationException {
        JsonNode s = gen.get("stopSequences");
        if (s == null || s.isNull()) {
            return Optional.empty();
        }
        if (!s.isArray()) {
            throw invalid("generationConfig.stopSequences", "must be an array of strings");
        }
        ArrayNode out = Json.arr();
        for (JsonNode n : s) {
            if (!n.isTextual()) {
                throw invalid("generationConfig.stopSequences", "must be an array of strings");
            }
            out.add(n.asText());
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /** JSON output: empty for text, else the schema asked for (an empty object when only the MIME type was). */
    static Optional<ObjectNode> jsonOutput(ObjectNode gen) throws TranslationException {
        String mime = Json.text(gen, "responseMimeType").orElse("text/plain");
        if (mime.equals("text/plain")) {
            if (Json.present(gen, "responseSchema") || Json.present(gen, "responseJsonSchema")) {
                throw invalid("generationConfig.responseMimeType", "must be application/json when a response schema is set");
            }
            return Optional.empty();
        }
        if (!mime.equals("application/json")) {
            throw unsupported("generationConfig.responseMimeType", "only text/plain and application/json can be translated");
        }
        if (gen.get("responseJsonSchema") instanceof ObjectNode js) {
            return Optional.of(jsonSchema(js)); // clients copy Gemini's upper-case type names here too
        }
        if (gen.get("responseSchema") instanceof ObjectNode s) {
            return Optional.of(jsonSchema(s));
        }
        return Optional.of(Json.obj());
    }
}

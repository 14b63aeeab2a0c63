package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Optional;

/** Gemini generateContent building blocks shared by the Gemini codecs and {@link Identity}. */
final class Gemini {
    private Gemini() {
    }

    /** Gemini API form; Vertex AI needs a project/location prefix the backend config supplies. */
    static String path(String model, boolean stream) {
        return "/v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    static void inline(ArrayNode parts, String mimeType, String base64) {
        ObjectNode id = parts.addObject().putObject("inlineData");
        id.put("mimeType", mimeType);
        id.put("data", base64);
    }

    static void fileData(ArrayNode parts, String mimeType, String uri) {
        ObjectNode fd = parts.addObject().putObject("fileData");
        fd.put("mimeType", mimeType);
        fd.put("fileUri", uri);
    }

    static ObjectNode functionCall(String name, JsonNode args) {
        ObjectNode part = Json.obj();
        ObjectNode fc = part.putObject("functionCall");
        fc.put("name", name);
        fc.set("args", args == null || args.isNull() ? Json.obj() : args);
        return part;
    }

    /** Gemini wants a JSON object; a JSON object result is kept as is so the model sees its fields. */
    static ObjectNode functionResponse(String name, String text, String wrapKey) {
        ObjectNode part = Json.obj();
        ObjectNode fr = part.putObject("functionResponse");
        fr.put("name", name);
        fr.set("response", Json.parseObject(text).orElseGet(() -> {
            ObjectNode o = Json.obj();
            o.put(wrapKey, text);
            return o;
        }));
        return part;
    }

    /** {@code parametersJsonSchema} takes JSON Schema as clients write it, unlike the OpenAPI-subset {@code parameters}. */
    static ObjectNode functionDeclaration(String name, Optional<String> description, JsonNode schema) {
        ObjectNode d = Json.obj();
        d.put("name", name);
        description.ifPresent(v -> d.put("description", v));
        if (schema instanceof ObjectNode p) {
            d.set("parametersJsonSchema", p);
        }
        return d;
    }

    static ArrayNode functionDeclarations(ObjectNode out) {
        return out.putArray("tools").addObject().putArray("functionDeclarations");
    }

    /** mode AUTO, NONE or ANY, the last optionally restricted to one function. */
    static void functionCallingConfig(ObjectNode out, String mode, String allowedFunction) {
        ObjectNode cfg = out.putObject("toolConfig").putObject("functionCallingConfig");
        cfg.put("mode", mode);
        if (allowedFunction != null) {
            cfg.putArray("allowedFunctionNames").add(allowedFunction);
        }
    }

    /** Gemini counts thoughts apart from candidates; output here includes reasoning. */
    static Usage parseUsage(JsonNode u) {
        long prompt = Json.longOr0(u, "promptTokenCount") + Json.longOr0(u, "toolUsePromptTokenCount");
        long thoughts = Json.longOr0(u, "thoughtsTokenCount");
        long output = Json.longOr0(u, "candidatesTokenCount") + thoughts;
        return Usage.of(prompt, output, Json.longOr0(u, "cachedContentTokenCount"), 0, thoughts);
    }

    /** Status of an error object a stream chunk carries instead of candidates, if any. */
    static Optional<Integer> streamErrorStatus(ObjectNode chunk) {
        return chunk.has("error") ? Optional.of(chunk.path("error").path("code").asInt(500)) : Optional.empty();
    }

    /** Gemini's error status name ({@code RESOURCE_EXHAUSTED}), lower-cased, or empty. */
    static Optional<String> errorCode(ObjectNode upstream) {
        String code = upstream == null ? "" : upstream.path("error").path("status").asText("");
        return code.isEmpty() ? Optional.empty() : Optional.of(code.toLowerCase(Locale.ROOT));
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes Gemini GenerateContentResponse bodies, stream chunks and errors for
 * {@link GeminiGenerateClient}, so every provider answers Gemini clients in the same shape.
 */
final class GeminiOut {

    private GeminiOut() {
    }

    /**
     * usageMetadata: Gemini counts thoughts apart from candidates, so reasoning is taken out of
     * the output; cachedContentTokenCount and thoughtsTokenCount only when non-zero, as Gemini does.
     */
    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.obj();
        o.put("promptTokenCount", u.input());
        o.put("candidatesTokenCount", Math.max(0, u.output() - u.reasoning()));
        o.put("totalTokenCount", u.total());
        if (u.cacheRead() > 0) {
            o.put("cachedContentTokenCount", u.cacheRead());
        }
        if (u.reasoning() > 0) {
            o.put("thoughtsTokenCount", u.reasoning());
        }
        return o;
    }

    static ObjectNode text(String text, boolean thought) {
        ObjectNode p = Json.obj();
        p.put("text", text);
        if (thought) {
            p.put("thought", true);
        }
        return p;
    }

    /** A whole response (or one chunk of a stream): one candidate, index 0. */
    static ObjectNode response(ArrayNode parts, String finishReason, Usage usage, String model, String responseId) {
        ObjectNode out = Json.obj();
        ObjectNode cand = out.putArray("candidates").addObject();
        ObjectNode content = cand.putObject("content");
        content.put("role", "model");
        content.set("parts", parts);
        if (finishReason != null) {
            cand.put("finishReason", finishReason);
        }
        cand.put("index", 0);
        if (usage != null) {
            out.set("usageMetadata", usage(usage));
        }
        out.put("modelVersion", model);
        out.put("responseId", responseId);
        return out;
    }

    static TranslatedError error(int status, String message) {
        return new TranslatedError(status, ErrorBodies.gemini(status, message, ErrorBodies.geminiStatusForCode(status)));
    }

    static TranslatedError invalidRequest(TranslationException e) {
        return error(e.status(), e.getMessage());
    }

    /**
     * The chunks of one stream: every chunk repeats responseId and modelVersion, as Gemini's do.
     * Gemini has no end marker; the last chunk carries the finish reason and usage.
     */
    static final class Chunks {
        private final java.util.function.Supplier<String> model;
        private final java.util.function.Supplier<String> newId;
        String id;

        Chunks(java.util.function.Supplier<String> model, java.util.function.Supplier<String> newId) {
            this.model = model;
            this.newId = newId;
        }

        private SseEvent chunk(ArrayNode parts, String finishReason, Usage usage) {
            if (id == null) {
                id = newId.get();
            }
            return SseEvent.data(Json.write(response(parts, finishReason, usage, model.get(), id)));
        }

        /** A chunk of one part. */
        SseEvent chunk(ObjectNode part) {
            ArrayNode parts = Json.arr();
            parts.add(part);
            return chunk(parts, null, null);
        }


        /** One whole call: Gemini never splits a function call across chunks. */
        SseEvent functionCall(String name, JsonNode args) {
            ArrayNode parts = Json.arr();
            parts.add(Gemini.functionCall(name, args));
            return chunk(parts, null, null);
        }

        /** The last chunk: an empty text part, the finish reason and the final usage. */
        SseEvent finish(String finishReason, Usage usage) {
            ArrayNode parts = Json.arr();
            parts.add(GeminiOut.text("", false));
            return chunk(parts, finishReason, usage);
        }

        /** An error chunk ends the stream, as Gemini reports errors after the 200. */
        static void fail(List<SseEvent> out, TranslatedError err) {
            out.add(SseEvent.data(Json.write(err.body())));
        }

        static void truncated(List<SseEvent> out) {
            fail(out, error(500, "upstream stream ended before the response was complete"));
        }
    }
}

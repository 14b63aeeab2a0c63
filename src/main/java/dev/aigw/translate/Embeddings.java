package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * OpenAI's embeddings request and response to and from the providers' embedding APIs: Gemini
 * {@code batchEmbedContents} ({@code outputDimensionality}, {@code taskType}), Vertex AI
 * {@code predict} on text-embedding models, and Bedrock {@code InvokeModel} for Titan Text
 * Embeddings v2 and Cohere Embed. OpenAI and Azure take the request as it is ({@link Identity}).
 *
 * <p>Mapped: {@code input} (a string or strings; token arrays only OpenAI reads),
 * {@code dimensions}, {@code encoding_format} ({@code float}, or {@code base64}: little-endian
 * float32, as OpenAI encodes it), and the extension {@code task_type} (Gemini and Vertex task
 * types such as {@code RETRIEVAL_QUERY}; Cohere's {@code input_type}). {@code user} has no
 * equivalent and is dropped with a warning. Usage is what the provider reports (Vertex and
 * Titan count tokens; Gemini and Cohere do not, and the gateway's metering estimates them).
 */
public final class Embeddings implements Translator {
    /** The embedding dialects that are not OpenAI's. */
    public enum Target { GEMINI, VERTEX, TITAN, COHERE }

    private final Target target;
    private final Schema backend;
    private final List<String> warnings = new ArrayList<>();
    private boolean base64;
    private String model;

    public Embeddings(Target target) {
        this.target = Objects.requireNonNull(target, "target");
        this.backend = switch (target) {
            case GEMINI, VERTEX -> Schema.GEMINI_GENERATE;
            case TITAN, COHERE -> Schema.BEDROCK_CONVERSE;
        };
    }

    /** Which dialect a Bedrock model id speaks: Cohere's ({@code cohere.embed-…}) or Titan's. */
    public static Target bedrockTarget(String modelId) {
        return modelId.contains("cohere.") ? Target.COHERE : Target.TITAN;
    }

    @Override
    public Schema client() {
        return Schema.OPENAI_EMBEDDINGS;
    }

    @Override
    public Schema backend() {
        return backend;
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public TranslatedRequest request(ObjectNode in, RequestContext ctx) throws TranslationException {
        model = ctx.model().orElseGet(() -> Json.text(in, "model").orElse(null));
        if (model == null) throw TranslationException.invalid("model", "the request names no model and the Backend pins none");
        List<String> texts = texts(in.get("input"));
        String format = Json.text(in, "encoding_format").orElse("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw TranslationException.invalid("encoding_format", format + " is not float or base64");
        }
        base64 = format.equals("base64");
        JsonNode dims = in.get("dimensions");
        if (dims != null && !dims.isNull() && (!dims.canConvertToInt() || dims.asInt() < 1)) {
            throw TranslationException.invalid("dimensions", "must be a positive integer");
        }
        Optional<Integer> dimensions = dims == null || dims.isNull() ? Optional.empty() : Optional.of(dims.asInt());
        Optional<String> task = Json.text(in, "task_type");
        if (in.has("user")) warnings.add("user: no equivalent in the " + target.name().toLowerCase() + " embeddings API; dropped");
        ObjectNode out = Json.obj();
        switch (target) {
            case GEMINI -> {
                ArrayNode reqs = out.putArray("requests");
                String name = model.startsWith("models/") ? model : "models/" + model;
                for (String t : texts) {
                    ObjectNode r = reqs.addObject().put("model", name);
                    r.putObject("content").putArray("parts").addObject().put("text", t);
                    task.ifPresent(v -> r.put("taskType", v));
                    dimensions.ifPresent(d -> r.put("outputDimensionality", d));
                }
            }
            case VERTEX -> {
                ArrayNode inst = out.putArray("instances");
                for (String t : texts) {
                    ObjectNode i = inst.addObject().put("content", t);
                    task.ifPresent(v -> i.put("task_type", v));
                }
                dimensions.ifPresent(d -> out.putObject("parameters").put("outputDimensionality", d));
            }
            case TITAN -> {
                if (texts.size() != 1) {
                    throw TranslationException.unsupported("input", "Titan Text Embeddings embed one text per request, "
                            + "this one has " + texts.size() + "; send them one at a time");
                }
                out.put("inputText", texts.getFirst());
                dimensions.ifPresent(d -> out.put("dimensions", d));
                out.put("normalize", true);
                if (task.isPresent()) warnings.add("task_type: Titan has no task types; dropped");
            }
            case COHERE -> {
                ArrayNode arr = out.putArray("texts");
                texts.forEach(arr::add);
                out.put("input_type", task.map(Embeddings::cohereInputType).orElse("search_document"));
                out.putArray("embedding_types").add("float");
                dimensions.ifPresent(d -> out.put("output_dimension", d));
            }
        }
        return new TranslatedRequest(out, null, false, model);
    }

    /** Gemini-style task types to Cohere's input types; Cohere's own names pass as they are. */
    private static String cohereInputType(String task) {
        return switch (task) {
            case "RETRIEVAL_QUERY", "QUESTION_ANSWERING" -> "search_query";
            case "RETRIEVAL_DOCUMENT" -> "search_document";
            case "CLASSIFICATION" -> "classification";
            case "CLUSTERING" -> "clustering";
            default -> task.toLowerCase();
        };
    }

    private static List<String> texts(JsonNode input) throws TranslationException {
        if (input == null || input.isNull()) throw TranslationException.invalid("input", "is required");
        if (input.isTextual()) return List.of(input.asText());
        if (!input.isArray() || input.isEmpty()) {
            throw TranslationException.invalid("input", "must be a string or a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : input) {
            if (n.isNumber() || n.isArray()) {
                throw TranslationException.unsupported("input", "token arrays can only be embedded by OpenAI; send text");
            }
            if (!n.isTextual()) throw TranslationException.invalid("input[" + out.size() + "]", "must be a string");
            out.add(n.asText());
        }
        return out;
    }

    @Override
    public TranslatedResponse response(ObjectNode up) {
        List<JsonNode> vectors = new ArrayList<>();
        long tokens = 0;
        switch (target) {
            case GEMINI -> {
                for (JsonNode e : up.path("embeddings")) vectors.add(e.path("values"));
                if (up.has("embedding")) vectors.add(up.path("embedding").path("values"));
                tokens = Json.longOr0(up.path("usageMetadata"), "promptTokenCount");
            }
            case VERTEX -> {
                for (JsonNode p : up.path("predictions")) {
                    vectors.add(p.path("embeddings").path("values"));
                    tokens += Json.longOr0(p.path("embeddings").path("statistics"), "token_count");
                }
            }
            case TITAN -> {
                vectors.add(up.path("embedding"));
                tokens = Json.longOr0(up, "inputTextTokenCount");
            }
            case COHERE -> {
                JsonNode e = up.path("embeddings");
                for (JsonNode v : e.isObject() ? e.path("float") : e) vectors.add(v);
            }
        }
        ObjectNode out = Json.obj().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode d = data.addObject().put("object", "embedding").put("index", i);
            if (base64) d.put("embedding", base64(vectors.get(i)));
            else d.set("embedding", vectors.get(i).isArray() ? vectors.get(i) : Json.arr());
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new TranslatedResponse(out, new Usage(tokens, 0, tokens, 0, 0, 0), Optional.ofNullable(model), Optional.empty());
    }

    /** OpenAI's base64 form: the float32 values little-endian, base64-encoded. */
    static String base64(JsonNode vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : vector) b.putFloat((float) v.asDouble());
        return Base64.getEncoder().encodeToString(b.array());
    }

    @Override
    public StreamTranslator stream() {
        throw new UnsupportedOperationException("embeddings are never streamed");
    }

    @Override
    public TranslatedError error(int status, ObjectNode upstream) {
        String message = upstream == null ? "the provider answered HTTP " + status : ErrorBodies.message(upstream, status);
        return new TranslatedError(status, ErrorBodies.openAi(message, ErrorBodies.openAiTypeForStatus(status), null, null));
    }

    @Override
    public TranslatedError error(TranslationException e) {
        return new TranslatedError(e.status(), ErrorBodies.openAi(e.getMessage(), "invalid_request_error", e.field(), null));
    }
}

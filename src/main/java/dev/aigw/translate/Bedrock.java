package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Bedrock Converse building blocks of {@link BedrockConverseProvider} and {@link Identity}. */
final class Bedrock {
    private Bedrock() {
    }

    private static final Map<String, String> IMAGE_FORMATS = Map.of(
            "image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");

    private static final Map<String, String> DOCUMENT_FORMATS = Map.of(
            "application/pdf", "pdf", "text/csv", "csv", "application/msword", "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
            "application/vnd.ms-excel", "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
            "text/html", "html", "text/plain", "txt", "text/markdown", "md");

    /**
     * {@code /model/{modelId}/converse} or {@code /converse-stream}. The id is one path segment,
     * so the colon of versioned ids and the slashes of ARNs are percent-encoded, as the AWS SDKs do.
     */
    static String path(String modelId, boolean stream) {
        String segment = URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20");
        return "/model/" + segment + (stream ? "/converse-stream" : "/converse");
    }

    /** Adds a turn, merging it into the previous one when the role repeats (Converse wants alternation). */
    static void addMessage(ArrayNode messages, String role, ArrayNode content) {
        if (content.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(content);
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", role);
        m.set("content", content);
    }

    static ObjectNode text(String text) {
        ObjectNode b = Json.obj();
        b.put("text", text);
        return b;
    }

    static ObjectNode cachePoint() {
        ObjectNode b = Json.obj();
        b.putObject("cachePoint").put("type", "default");
        return b;
    }

    static ObjectNode image(String mediaType, String base64, String at) throws TranslationException {
        String format = IMAGE_FORMATS.get(mediaType.toLowerCase(Locale.ROOT));
        if (format == null) {
            throw unsupported(at, "image type " + mediaType + " is not supported by bedrock-converse backends; use png, jpeg, gif or webp");
        }
        ObjectNode b = Json.obj();
        ObjectNode img = b.putObject("image");
        img.put("format", format);
        img.putObject("source").put("bytes", base64);
        return b;
    }

    static ObjectNode s3Image(String uri, String at) throws TranslationException {
        ObjectNode b = image(Media.guessImageType(uri), "", at);
        ObjectNode source = (ObjectNode) b.path("image").get("source");
        source.removeAll();
        source.putObject("s3Location").put("uri", uri);
        return b;
    }

    /** Bedrock allows only alphanumerics, single spaces, hyphens, parentheses and square brackets in names. */
    static ObjectNode document(String mediaType, String base64, String name, String at) throws TranslationException {
        String format = DOCUMENT_FORMATS.get(mediaType.toLowerCase(Locale.ROOT));
        if (format == null) {
            throw unsupported(at, "document type " + mediaType + " is not supported by bedrock-converse backends");
        }
        String clean = name == null ? "" : name.replaceAll("\\.[A-Za-z0-9]{1,5}$", "")
                .replaceAll("[^A-Za-z0-9\\s\\-()\\[\\]]", "-").replaceAll("\\s+", " ").strip();
        ObjectNode b = Json.obj();
        ObjectNode doc = b.putObject("document");
        doc.put("format", format);
        doc.put("name", clean.isEmpty() ? "document" : clean);
        doc.putObject("source").put("bytes", base64);
        return b;
    }

    static ObjectNode toolUse(String id, String name, JsonNode input) {
        ObjectNode use = Json.obj().put("toolUseId", id).put("name", name);
        use.set("input", input == null || input.isNull() ? Json.obj() : input);
        return (ObjectNode) Json.obj().set("toolUse", use);
    }

    /** A tool result's content from text: a JSON object or array goes as {@code json}, anything else as text. */
    static ObjectNode toolResultContent(String text) {
        ObjectNode c = Json.obj();
        Optional<JsonNode> parsed = Json.parse(text).filter(n -> n.isObject() || n.isArray());
        if (parsed.isPresent()) {
            c.set("json", parsed.get());
        } else {
            c.put("text", text);
        }
        return c;
    }

    static ObjectNode toolSpec(String name, Optional<String> description, JsonNode schema) {
        ObjectNode t = Json.obj();
        ObjectNode spec = t.putObject("toolSpec");
        spec.put("name", name);
        description.filter(d -> !d.isEmpty()).ifPresent(d -> spec.put("description", d));
        if (schema instanceof ObjectNode s) {
            spec.putObject("inputSchema").set("json", s);
        } else {
            ObjectNode s = spec.putObject("inputSchema").putObject("json");
            s.put("type", "object");
            s.putObject("properties");
        }
        return t;
    }

    /** {@code {auto:{}}}, {@code {any:{}}} or {@code {tool:{name}}}. */
    static ObjectNode toolChoice(String kind, String name) {
        ObjectNode c = Json.obj();
        if (kind.equals("tool")) {
            c.putObject("tool").put("name", name);
        } else {
            c.putObject(kind);
        }
        return c;
    }

    /**
     * Bedrock has no "none" tool choice. Without tool blocks in the history the tools are simply
     * not sent; with them Converse requires toolConfig, so the tools stay and the choice is left
     * to the model.
     */
    static void toolChoiceNone(ObjectNode out, ArrayNode messages) {
        boolean toolHistory = false;
        for (JsonNode m : messages) {
            for (JsonNode b : m.path("content")) {
                toolHistory |= b.has("toolUse") || b.has("toolResult");
            }
        }
        if (!toolHistory) {
            out.remove("toolConfig");
        }
    }

    static void guardrail(RequestContext ctx, ObjectNode out) {
        ctx.guardrail().ifPresent(g -> {
            ObjectNode gc = out.putObject("guardrailConfig");
            gc.put("guardrailIdentifier", g.identifier());
            gc.put("guardrailVersion", g.version());
            g.trace().ifPresent(t -> gc.put("trace", t));
        });
    }

    /** Bedrock's inputTokens excludes cache reads and writes, which it reports beside it. */
    static Usage parseUsage(JsonNode u) {
        long read = Json.longOr0(u, "cacheReadInputTokens");
        long write = Json.longOr0(u, "cacheWriteInputTokens");
        return Usage.of(Json.longOr0(u, "inputTokens") + read + write, Json.longOr0(u, "outputTokens"), read, write, 0);
    }

    /** HTTP status a ConverseStream exception event would have had as a response. */
    static int statusForException(String type) {
        return switch (type.toLowerCase(Locale.ROOT).replaceAll("exception$", "")) {
            case "validation" -> 400;
            case "accessdenied" -> 403;
            case "resourcenotfound" -> 404;
            case "modeltimeout" -> 408;
            case "modelerror", "modelstreamerror" -> 424;
            case "throttling", "modelnotready", "servicequota" -> 429;
            case "serviceunavailable" -> 503;
            default -> 500;
        };
    }

    /** Bedrock error bodies are {@code {"message": ...}} (the type travels in a header); some gateways capitalize it. */
    static String errorMessage(ObjectNode body, int status) {
        if (body != null) {
            for (String f : new String[] {"message", "Message"}) {
                Optional<String> m = Json.text(body, f).filter(s -> !s.isBlank());
                if (m.isPresent()) {
                    return m.get();
                }
            }
        }
        return ErrorBodies.message(body, status);
    }
}

package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.Extension;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.MediaSource;
import dev.aigw.translate.canonical.Message;
import dev.aigw.translate.canonical.Part;
import dev.aigw.translate.canonical.Role;
import dev.aigw.translate.canonical.Sampling;
import dev.aigw.translate.canonical.StreamOptions;
import dev.aigw.translate.canonical.Tool;
import dev.aigw.translate.canonical.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client side of OpenAI Chat Completions.
 *
 * <p>Reading: system and developer messages stay where they are ({@link Role#SYSTEM}); the ones
 * before the first other message are the leading system prompt. Thinking output goes back as
 * {@code reasoning_content}, the de facto extension OpenAI-compatible servers use; a Gemini
 * thought signature rides on its tool call as {@code extra_content.google.thought_signature}, as
 * Google's OpenAI-compatible endpoint does, and is read back from there. Fields only OpenAI has
 * ({@code logprobs}, {@code logit_bias}, {@code store}, ...) are extensions other providers drop
 * with a warning.
 */
final class OpenAiChatClient implements ClientCodec {
    static final OpenAiChatClient INSTANCE = new OpenAiChatClient();
    private static final String F = "openai-chat";
    private static final List<String> EXTENSIONS = List.of("logprobs", "top_logprobs", "logit_bias", "store",
            "metadata", "service_tier", "prediction", "modalities", "audio", "web_search_options", "verbosity");

    private static final java.util.Set<String> EXTENSION_SET = java.util.Set.copyOf(EXTENSIONS);

    private static boolean anyOf(ObjectNode in, java.util.Set<String> names) {
        for (java.util.Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
            if (names.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    /** OpenAI's names of the canonical request fields, for warnings and refusals. */
    private static final Map<String, String> NAMES = Map.of("topP", "top_p", "topK", "top_k", "presencePenalty",
            "presence_penalty", "frequencyPenalty", "frequency_penalty", "candidates", "n", "reasoning", "reasoning_effort",
            "output", "response_format", "parallelToolCalls", "parallel_tool_calls", "maxTokens", "max_tokens");

    @Override
    public Schema schema() {
        return Schema.OPENAI_CHAT;
    }

    // ---------------------------------------------------------------- request

    @Override
    public ChatRequest decodeRequest(ObjectNode in, RequestContext ctx, Warnings w) throws TranslationException {
        List<Message> all = RequestFields.eachMessage(in, (m, at) -> {
            String role = RequestFields.role(m, at);
            return switch (role) {
                case "system", "developer" -> {
                    List<Part> parts = new ArrayList<>();
                    for (String t : OpenAiIn.texts(m.get("content"), at + ".content", true)) {
                        parts.add(new Part.Text(t));
                    }
                    yield new Message(Role.SYSTEM, parts);
                }
                case "user" -> new Message(Role.USER, userParts(m.get("content"), at + ".content", w), Json.text(m, "name"));
                case "assistant" -> new Message(Role.ASSISTANT, assistantParts(m, at), Json.text(m, "name"));
                case "tool" -> {
                    String id = Json.text(m, "tool_call_id").orElseThrow(() -> invalid(at + ".tool_call_id", "is required"));
                    String text = String.join("\n", OpenAiIn.texts(m.get("content"), at + ".content", true));
                    Part.ToolResult r = new Part.ToolResult(id, Optional.empty(), List.of(new Part.Text(text)), false, Optional.empty());
                    w.origin(r, at + ".tool_call_id");
                    yield new Message(Role.TOOL, List.of(r));
                }
                case "function" -> throw unsupported(at + ".role", "legacy function messages are not supported; use tool");
                default -> throw invalid(at + ".role", "unknown role '" + role + "'");
            };
        });
        // The system messages before any other are the leading system prompt; later ones stay in place.
        List<Part.Text> system = new ArrayList<>();
        int lead = 0;
        while (lead < all.size() && all.get(lead).role() == Role.SYSTEM) {
            for (Part p : all.get(lead++).parts()) {
                system.add((Part.Text) p);
            }
        }
        List<Message> messages = all.subList(lead, all.size());

        List<Tool> tools = OpenAiIn.tools(in, w);
        Optional<ToolChoice> choice = OpenAiIn.toolChoice(in);
        Optional<Boolean> parallel = in.path("parallel_tool_calls").isBoolean()
                ? Optional.of(in.get("parallel_tool_calls").asBoolean()) : Optional.empty();

        String maxField = Json.present(in, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (!maxField.equals("max_tokens")) {
            w.field("maxTokens", maxField);
        }
        w.names(NAMES);
        Sampling sampling = new Sampling(Canon.number(in, "temperature", "temperature"), Canon.number(in, "top_p", "top_p"),
                Canon.number(in, "top_k", "top_k").map(Double::intValue), Canon.positive(in, maxField, maxField),
                OpenAiIn.stop(in), Canon.number(in, "seed", "seed").map(Double::longValue),
                Canon.number(in, "presence_penalty", "presence_penalty"),
                Canon.number(in, "frequency_penalty", "frequency_penalty"),
                Json.present(in, "n") ? Optional.of(in.get("n").asInt(1)) : Optional.empty());

        boolean stream = in.path("stream").asBoolean(false);
        List<Extension> ext = new ArrayList<>(0);
        if (anyOf(in, EXTENSION_SET)) { // most bodies have none: their few members looked up, not the list
            for (String f : EXTENSIONS) {
                if (Json.present(in, f)) {
                    ext.add(new Extension(F, f, in.get(f)));
                }
            }
        }
        Optional<String> user = Json.text(in, "user").or(() -> Json.text(in, "safety_identifier")).filter(u -> !u.isEmpty());
        return new ChatRequest(Json.text(in, "model"), system, messages, tools, choice, parallel, sampling,
                OpenAiIn.reasoning(in), OpenAiIn.responseFormat(in), new StreamOptions(stream,
                stream && in.path("stream_options").path("include_usage").asBoolean(false)), user, ext);
    }

    private static List<Part> userParts(JsonNode content, String at, Warnings w) throws TranslationException {
        if (content == null || content.isNull()) {
            throw invalid(at, "is required for user messages");
        }
        return RequestFields.content(content, at, "content parts", (p, pat) -> userPart(p, pat, w));
    }

    private static Part userPart(JsonNode p, String pat, Warnings w) throws TranslationException {
        String type = p.path("type").asText();
        switch (type) {
            case "text" -> {
                return p.path("text").asText().isEmpty() ? null : new Part.Text(p.path("text").asText());
            }
            case "image_url" -> {
                JsonNode iu = p.get("image_url");
                // Some clients send the URL string directly instead of {"url": ...}.
                String url = iu != null && iu.isTextual() ? iu.asText() : iu == null ? "" : iu.path("url").asText("");
                if (url.isEmpty()) {
                    throw invalid(pat + ".image_url.url", "is required");
                }
                Optional<Media.DataUrl> data = Media.parseDataUrl(url);
                MediaSource source;
                if (data.isPresent()) {
                    source = new MediaSource.Base64(data.get().mediaType(), data.get().base64());
                } else if (Media.isHttpUrl(url) || url.startsWith("gs://") || url.startsWith("s3://")) {
                    source = new MediaSource.Url(url, Optional.empty());
                } else {
                    throw invalid(pat + ".image_url.url", "must be an http(s) URL or a base64 data URL");
                }
                Part.Media m = new Part.Media(Part.Media.Kind.IMAGE, source, Optional.empty(), Optional.empty());
                w.origin(m, pat + ".image_url.url");
                return m;
            }
            case "input_audio" -> {
                JsonNode audio = p.path("input_audio");
                String format = audio.path("format").asText("wav");
                String data = Json.text(audio, "data").orElseThrow(() -> invalid(pat + ".input_audio.data", "is required"));
                Part.Media m = new Part.Media(Part.Media.Kind.AUDIO, new MediaSource.Base64("audio/" + format, data),
                        Optional.empty(), Optional.empty());
                w.origin(m, pat + ".type");
                return m;
            }
            case "file" -> {
                JsonNode file = p.path("file");
                Part.Media m;
                if (Json.present(file, "file_id")) {
                    m = new Part.Media(Part.Media.Kind.DOCUMENT, new MediaSource.FileId(file.get("file_id").asText()),
                            Json.text(file, "filename"), Optional.empty());
                    w.origin(m, pat + ".file.file_id");
                } else {
                    String fd = Json.text(file, "file_data").orElseThrow(() -> invalid(pat + ".file.file_data", "is required"));
                    Media.DataUrl d = Media.parseDataUrl(fd)
                            .orElseThrow(() -> invalid(pat + ".file.file_data", "must be a base64 data URL"));
                    m = new Part.Media(Part.Media.Kind.DOCUMENT, new MediaSource.Base64(d.mediaType(), d.base64()),
                            Json.text(file, "filename"), Optional.empty());
                    w.origin(m, pat + ".file.file_data");
                }
                return m;
            }
            default -> throw invalid(pat + ".type", "unknown content part type '" + type + "'");
        }
    }

    private static List<Part> assistantParts(JsonNode m, String at) throws TranslationException {
        List<Part> parts = new ArrayList<>();
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode p = content.get(j);
                String type = p.path("type").asText();
                if (!type.equals("text") && !type.equals("refusal")) {
                    throw unsupported(at + ".content[" + j + "].type", "assistant content part '" + type + "' is not supported");
                }
                if (!p.path(type).asText().isEmpty()) {
                    parts.add(new Part.Text(p.path(type).asText()));
                }
            }
        } else if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            parts.add(new Part.Text(content.asText()));
        } else if (content != null && !content.isNull() && !content.isTextual()) {
            throw invalid(at + ".content", "must be a string or an array of content parts");
        }
        JsonNode calls = m.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode tc = calls.get(k);
            String tat = at + ".tool_calls[" + k + "]";
            String id = Json.text(tc, "id").orElseThrow(() -> invalid(tat + ".id", "is required"));
            JsonNode fn = tc.path("function");
            String name = Json.text(fn, "name").orElseThrow(() -> invalid(tat + ".function.name", "is required"));
            String args = fn.path("arguments").asText("");
            ObjectNode input = args.isBlank() ? Json.obj() : Json.parseObject(args)
                    .orElseThrow(() -> invalid(tat + ".function.arguments", "must be a JSON object encoded as a string"));
            Json.text(tc.path("extra_content").path("google"), "thought_signature")
                    .ifPresent(sig -> parts.add(new Part.Thinking("", Optional.of(sig))));
            parts.add(new Part.ToolCall(id, name, input));
        }
        return parts;
    }

    // ---------------------------------------------------------------- response

    @Override
    public String finishReason(FinishReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_WINDOW -> "length";
            case TOOL_USE -> "tool_calls";
            case CONTENT_FILTER, REFUSAL -> "content_filter";
            default -> "stop";
        };
    }

    static ObjectNode usage(Usage u) {
        return Json.tree(g -> writeUsage(g, u));
    }

    static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.input());
        g.writeNumberField("completion_tokens", u.output());
        g.writeNumberField("total_tokens", u.total());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cacheRead());
        g.writeEndObject();
        if (u.reasoning() > 0) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoning());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A whole tool call; a Gemini thought signature before it rides along in extra_content. */
    private record Call(Part.ToolCall call, String id, String signature) {
        void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", call.name());
            g.writeStringField("arguments", Json.write(call.arguments()));
            g.writeEndObject();
            if (signature != null) {
                g.writeObjectFieldStart("extra_content");
                g.writeObjectFieldStart("google");
                g.writeStringField("thought_signature", signature);
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    @Override
    public ObjectNode encodeResponse(ChatResponse r, Exchange x) {
        return Json.tree(g -> writeResponse(r, x, g));
    }

    @Override
    public void writeResponse(ChatResponse r, Exchange x, JsonGenerator g) throws IOException {
        // The parts first: tool call ids are generated before the response's, as they always were.
        String text = null; // the one text part, as most answers have it; more are joined
        StringBuilder texts = null;
        StringBuilder reasoning = null;
        List<Call> calls = null;
        String signature = null;
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> {
                    if (text == null) {
                        text = t.text();
                    } else {
                        (texts == null ? texts = new StringBuilder(text) : texts).append(t.text());
                    }
                }
                case Part.Thinking t -> {
                    (reasoning == null ? reasoning = new StringBuilder() : reasoning).append(t.text());
                    signature = t.text().isEmpty() ? t.signature().orElse(null) : null;
                    continue;
                }
                case Part.ToolCall c -> (calls == null ? calls = new ArrayList<>(2) : calls)
                        .add(new Call(c, c.id().isEmpty() ? "call_" + x.ctx().ids().get() : c.id(), signature));
                default -> {
                    // redacted thinking and provider-only parts have no Chat Completions form.
                }
            }
            signature = null;
        }
        String content = texts != null ? texts.toString() : text == null ? "" : text;
        g.writeStartObject();
        g.writeStringField("id", r.id().orElseGet(() -> "chatcmpl-" + x.ctx().ids().get()));
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", x.ctx().epochSeconds().getAsLong());
        g.writeStringField("model", r.model().orElse(x.requestedModel()));
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        if (content.isEmpty() && calls != null) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", content);
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            g.writeStringField("reasoning_content", reasoning.toString());
        }
        if (calls != null) {
            g.writeArrayFieldStart("tool_calls");
            for (Call c : calls) {
                c.write(g);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason(r.finish()));
        g.writeEndObject();
        g.writeEndArray();
        g.writeFieldName("usage");
        writeUsage(g, r.usage());
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- error

    @Override
    public TranslatedError encodeError(ChatError e) {
        // 529 is Anthropic-only; OpenAI SDKs and generic HTTP clients know 503 as retryable overload.
        int status = e.status() == 529 ? 503 : e.status();
        String code = switch (status) {
            case 429 -> "rate_limit_exceeded";
            case 404 -> "model_not_found";
            default -> e.type().map(t -> t.toLowerCase(java.util.Locale.ROOT)).orElse(null);
        };
        return new TranslatedError(status, ErrorBodies.openAi(e.message(), ErrorBodies.openAiTypeForStatus(status),
                e.param().orElse(null), code));
    }

    @Override
    public TranslatedError encodeError(TranslationException e) {
        return new TranslatedError(e.status(), ErrorBodies.openAi(e.getMessage(), "invalid_request_error", e.field(), null));
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamEncoder encodeStream(Exchange x) {
        return new OpenAiChatStreamEncoder(x);
    }

}

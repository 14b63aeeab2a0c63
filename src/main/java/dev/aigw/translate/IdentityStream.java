package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Re-emits every event as it came, reading usage, model, finish reason and text on the way. */
final class IdentityStream implements StreamTranslator {
    private final Schema schema;
    private final boolean hideUsage;
    private final StringBuilder text = new StringBuilder();
    private long textChars;
    private String model;
    private String finish;
    private boolean completed;
    private boolean failed;
    // Anthropic reports counts in two places, each field cumulative; OpenAI and Gemini give totals.
    private final AnthropicStreamUsage anthropicUsage = new AnthropicStreamUsage();
    private Usage usage = Usage.ZERO;

    IdentityStream(Schema schema, boolean hideUsage) {
        this.schema = schema;
        this.hideUsage = hideUsage;
    }

    @Override
    public boolean passthrough() {
        return !hideUsage;
    }

    @Override
    public List<SseEvent> onEvent(SseEvent e) {
        if (e.isDone()) {
            if (!failed) {
                completed = true;
            }
            return List.of(e);
        }
        Optional<ObjectNode> parsed = Json.parseObject(e.data());
        if (parsed.isEmpty()) {
            return List.of(e);
        }
        ObjectNode d = parsed.get();
        return switch (schema) {
            case OPENAI_CHAT -> openAi(e, d);
            case ANTHROPIC_MESSAGES -> {
                anthropic(e, d);
                yield List.of(e);
            }
            case GEMINI_GENERATE -> {
                gemini(d);
                yield List.of(e);
            }
            case BEDROCK_CONVERSE -> {
                bedrock(e, d);
                yield List.of(e);
            }
            case OPENAI_RESPONSES -> {
                responses(d);
                yield List.of(e);
            }
            case OPENAI_EMBEDDINGS -> List.of(e);
        };
    }

    private List<SseEvent> openAi(SseEvent e, ObjectNode d) {
        if (d.has("error")) {
            failed = true;
            completed = false;
            return List.of(e);
        }
        Json.text(d, "model").ifPresent(m -> model = m);
        JsonNode choices = d.path("choices");
        for (JsonNode c : choices) {
            Json.text(c, "finish_reason").ifPresent(f -> finish = f);
            JsonNode delta = c.path("delta");
            appendText(delta, "content");
            appendText(delta, "reasoning_content");
            appendText(delta, "refusal");
            for (JsonNode tc : delta.path("tool_calls")) {
                appendText(tc.path("function"), "arguments");
            }
        }
        JsonNode u = d.get("usage");
        boolean hasUsage = u != null && u.isObject();
        if (hasUsage) {
            usage = OpenAiChatProvider.usage(u);
        }
        if (!hideUsage) {
            return List.of(e);
        }
        if (hasUsage && choices.isArray() && choices.isEmpty()) {
            return List.of(); // the usage chunk the gateway asked for, not the client
        }
        if (d.has("usage")) {
            // "usage": null on every chunk, or usage on a content chunk: keep the chunk, drop the field.
            // The common compact form is cut out of the text; re-writing the tree costs more.
            if (!hasUsage) {
                String data = e.data();
                String nullUsage = ",\"usage\":null";
                int at = data.indexOf(nullUsage);
                if (at >= 0 && data.indexOf(nullUsage, at + 1) < 0) {
                    return List.of(new SseEvent(e.event(), data.substring(0, at) + data.substring(at + nullUsage.length()),
                            e.id()));
                }
            }
            d.remove("usage");
            return List.of(new SseEvent(e.event(), Json.write(d), e.id()));
        }
        return List.of(e);
    }

    /** Responses events: text deltas, and usage in the terminal response.completed / incomplete / failed. */
    private void responses(ObjectNode d) {
        String type = Json.text(d, "type").orElse("");
        switch (type) {
            case "response.output_text.delta", "response.function_call_arguments.delta",
                 "response.reasoning_summary_text.delta", "response.custom_tool_call_input.delta" ->
                    appendText(d, "delta");
            case "response.created" -> Json.text(d.path("response"), "model").ifPresent(m -> model = m);
            case "response.completed", "response.incomplete", "response.failed" -> {
                JsonNode r = d.path("response");
                Json.text(r, "model").ifPresent(m -> model = m);
                Json.text(r, "status").ifPresent(s -> finish = s);
                if (r.get("usage") instanceof ObjectNode u) usage = ResponsesUsage.responses(u);
                if (type.equals("response.failed")) failed = true;
                completed = !failed;
            }
            case "error" -> {
                failed = true;
                completed = false;
            }
            default -> {
            }
        }
    }

    /** Converse stream events arrive named by {@code :event-type}; usage is in {@code metadata}. */
    private void bedrock(SseEvent e, ObjectNode d) {
        String type = e.event().orElse("");
        switch (type) {
            case "contentBlockDelta" -> {
                JsonNode delta = d.path("delta");
                appendText(delta, "text");
                appendText(delta.path("toolUse"), "input");
            }
            case "messageStop" -> {
                Json.text(d, "stopReason").ifPresent(r -> finish = r);
                if (!failed) completed = true;
            }
            case "metadata" -> usage = Bedrock.parseUsage(d.path("usage"));
            default -> {
                if (type.startsWith("exception:") || type.startsWith("error:")) {
                    failed = true;
                    completed = false;
                }
            }
        }
    }

    private void anthropic(SseEvent e, ObjectNode d) {
        String type = Json.text(d, "type").orElse(e.event().orElse(""));
        switch (type) {
            case "message_start" -> {
                JsonNode msg = d.path("message");
                Json.text(msg, "model").ifPresent(m -> model = m);
                absorbAnthropic(msg.path("usage"));
            }
            case "message_delta" -> {
                Json.text(d.path("delta"), "stop_reason").ifPresent(r -> finish = r);
                absorbAnthropic(d.path("usage"));
            }
            case "content_block_start" -> {
                JsonNode b = d.path("content_block");
                appendText(b, "text");
            }
            case "content_block_delta" -> {
                JsonNode delta = d.path("delta");
                appendText(delta, "text");
                appendText(delta, "thinking");
                appendText(delta, "partial_json");
            }
            case "message_stop" -> {
                if (!failed) {
                    completed = true;
                }
            }
            case "error" -> {
                failed = true;
                completed = false;
            }
            default -> {
                // ping and unknown events carry nothing to count
            }
        }
    }

    private void absorbAnthropic(JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        anthropicUsage.absorb(u);
        usage = anthropicUsage.usage();
    }

    private void gemini(ObjectNode d) {
        if (d.has("error")) {
            failed = true;
            completed = false;
            return;
        }
        Json.text(d, "modelVersion").ifPresent(m -> model = m);
        if (d.get("usageMetadata") instanceof ObjectNode u) {
            usage = Identity.geminiUsage(u); // cumulative in every chunk
        }
        for (JsonNode cand : d.path("candidates")) {
            Json.text(cand, "finishReason").ifPresent(f -> {
                finish = f;
                if (!failed) {
                    completed = true; // Gemini has no end sentinel: a finish reason is the clean end
                }
            });
            for (JsonNode part : cand.path("content").path("parts")) {
                appendText(part, "text");
                JsonNode call = part.get("functionCall");
                if (call != null) {
                    appendRaw(Json.write(call));
                }
            }
        }
    }

    private void appendText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.isTextual()) {
            appendRaw(v.asText());
        }
    }

    private void appendRaw(String s) {
        textChars += s.length();
        int room = Identity.MAX_TEXT_CHARS - text.length();
        if (room > 0) {
            text.append(s, 0, Math.min(room, s.length()));
        }
    }

    @Override
    public List<SseEvent> onEnd() {
        return List.of();
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public Optional<String> finishReason() {
        return Optional.ofNullable(finish);
    }

    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public StreamedText streamedText() {
        return new StreamedText(text.toString(), textChars);
    }
}

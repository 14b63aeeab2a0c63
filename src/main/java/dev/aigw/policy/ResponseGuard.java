package dev.aigw.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.Usage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code promptGuard.response.regex} for one exchange, on responses in the client's schema
 * (after translation). Regex on responses always masks.
 *
 * <p>Whole bodies: {@link #maskBody} masks OpenAI {@code choices[].message.content}, Anthropic
 * {@code content[].text} and Gemini {@code candidates[].content.parts[].text} in place.
 *
 * <p>Streams: feed the client-format events in order to {@link #onEvent}, then call
 * {@link #onEnd()} once. Text is kept per choice (OpenAI), content block (Anthropic) or
 * candidate (Gemini); of each, only the tail where a match may still be growing is held back
 * (see {@link RegexGuard#safeCut}) and everything before it goes out at once, masked. Held text
 * is released in the event that ends its choice/candidate ({@code finish_reason},
 * {@code finishReason}), or in a text event inserted before Anthropic's
 * {@code content_block_stop}, before {@code [DONE]} / {@code message_delta}, or at the end.
 * Events left without text are dropped. Tool calls and their arguments pass unchanged. One
 * instance per exchange; not thread-safe (use it on the exchange's event loop).
 */
public final class ResponseGuard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP_CONTEXT = 16;

    private final Schema schema;
    private final RegexGuard regex;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();

    public ResponseGuard(Schema schema, RegexGuard regex) {
        this.schema = schema;
        this.regex = regex.masking();
    }

    public Schema schema() {
        return schema;
    }

    /** Masks every text of a whole response body in place; returns it. */
    public ObjectNode maskBody(ObjectNode body) {
        for (BodyText.Slot s : BodyText.response(schema, body)) {
            String t = s.text();
            String m = regex.mask(t);
            if (!m.equals(t)) s.set(m);
        }
        return body;
    }

    /** Wraps a stream translator so its client-format output is guarded. */
    public StreamTranslator wrap(StreamTranslator inner) {
        return new StreamTranslator() {
            @Override
            public List<SseEvent> onEvent(SseEvent upstreamEvent) {
                List<SseEvent> out = new ArrayList<>();
                for (SseEvent e : inner.onEvent(upstreamEvent)) out.addAll(ResponseGuard.this.onEvent(e));
                return out;
            }

            @Override
            public List<SseEvent> onEnd() {
                List<SseEvent> out = new ArrayList<>();
                for (SseEvent e : inner.onEnd()) out.addAll(ResponseGuard.this.onEvent(e));
                out.addAll(ResponseGuard.this.onEnd());
                return out;
            }

            @Override
            public Usage usage() {
                return inner.usage();
            }

            @Override
            public Optional<String> model() {
                return inner.model();
            }

            @Override
            public Optional<String> finishReason() {
                return inner.finishReason();
            }

            @Override
            public boolean completed() {
                return inner.completed();
            }

            @Override
            public StreamTranslator.StreamedText streamedText() {
                return inner.streamedText();
            }
        };
    }

    /** The text a stream has not released yet (for tests and logs). */
    int held() {
        return pending.values().stream().mapToInt(p -> p.buf.length() - p.emitted).sum();
    }

    // ---- streams ----

    private static final class Pending {
        final StringBuilder buf = new StringBuilder();
        int emitted;
        ObjectNode template;

        boolean hasRest() {
            return buf.length() > emitted;
        }
    }

    private Pending pending(int key) {
        return pending.computeIfAbsent(key, k -> new Pending());
    }

    /** Appends {@code text} and returns what can be released now, masked. */
    private String feed(Pending p, String text) {
        p.buf.append(text);
        return release(p, false);
    }

    private String release(Pending p, boolean all) {
        int cut = all ? p.buf.length() : regex.safeCut(p.buf, p.emitted);
        if (cut <= p.emitted) return "";
        String out = regex.mask(p.buf, p.emitted, cut);
        p.emitted = cut;
        if (p.emitted > 4 * KEEP_CONTEXT) {
            // Keep a little released text as look-behind context for the next matches.
            int drop = p.emitted - KEEP_CONTEXT;
            p.buf.delete(0, drop);
            p.emitted -= drop;
        }
        return out;
    }

    public List<SseEvent> onEvent(SseEvent e) {
        if (e.isDone()) {
            List<SseEvent> out = flushAll();
            out.add(e);
            return out;
        }
        ObjectNode data;
        try {
            if (!(JSON.readTree(e.data()) instanceof ObjectNode o)) return List.of(e);
            data = o;
        } catch (JsonProcessingException ex) {
            return List.of(e);
        }
        return switch (schema) {
            case OPENAI_CHAT -> openAi(e, data);
            case ANTHROPIC_MESSAGES -> anthropic(e, data);
            case GEMINI_GENERATE -> gemini(e, data);
            // Native Converse streams are AWS event streams, not SSE: not guarded yet.
            case BEDROCK_CONVERSE -> List.of(e);
            // Responses streams repeat their text in done events and response.completed: not masked yet.
            case OPENAI_RESPONSES, OPENAI_EMBEDDINGS -> List.of(e);
        };
    }

    /** Releases everything still held, as events of the client's format. Call once at the end. */
    public List<SseEvent> onEnd() {
        return flushAll();
    }

    private List<SseEvent> flushAll() {
        List<SseEvent> out = new ArrayList<>();
        for (Map.Entry<Integer, Pending> en : pending.entrySet()) {
            Pending p = en.getValue();
            if (!p.hasRest()) continue;
            String rest = release(p, true);
            if (!rest.isEmpty()) out.add(synthetic(en.getKey(), p, rest));
        }
        return out;
    }

    private SseEvent synthetic(int key, Pending p, String text) {
        return switch (schema) {
            case OPENAI_CHAT -> {
                ObjectNode o = p.template == null ? JSON.createObjectNode() : p.template.deepCopy();
                o.remove("usage");
                ObjectNode c = o.putArray("choices").addObject();
                c.put("index", key);
                c.putObject("delta").put("content", text);
                c.putNull("finish_reason");
                yield SseEvent.data(o.toString());
            }
            case ANTHROPIC_MESSAGES -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("type", "content_block_delta");
                o.put("index", key);
                o.putObject("delta").put("type", "text_delta").put("text", text);
                yield SseEvent.of("content_block_delta", o.toString());
            }
            case GEMINI_GENERATE -> {
                ObjectNode o = JSON.createObjectNode();
                ObjectNode c = o.putArray("candidates").addObject();
                ObjectNode content = c.putObject("content");
                content.putArray("parts").addObject().put("text", text);
                content.put("role", "model");
                c.put("index", key);
                if (p.template != null) {
                    for (String f : List.of("modelVersion", "responseId")) {
                        if (p.template.has(f)) o.set(f, p.template.get(f));
                    }
                }
                yield SseEvent.data(o.toString());
            }
            case BEDROCK_CONVERSE, OPENAI_RESPONSES, OPENAI_EMBEDDINGS ->
                    throw new IllegalStateException(schema.id() + " streams are not guarded");
        };
    }

    private static SseEvent rewrite(SseEvent e, ObjectNode data) {
        return new SseEvent(e.event(), data.toString(), e.id());
    }

    // OpenAI: {"choices":[{"index":0,"delta":{"content":"..."},"finish_reason":null}]}
    private List<SseEvent> openAi(SseEvent e, ObjectNode data) {
        JsonNode choices = data.get("choices");
        if (!(choices instanceof ArrayNode arr) || arr.isEmpty()) {
            // A usage-only chunk comes after every choice finished: release anything left first.
            List<SseEvent> out = flushAll();
            out.add(e);
            return out;
        }
        boolean changed = false;
        boolean droppable = !data.hasNonNull("usage");
        for (JsonNode cn : arr) {
            if (!(cn instanceof ObjectNode c)) {
                droppable = false;
                continue;
            }
            int idx = c.path("index").asInt(0);
            boolean finishing = c.hasNonNull("finish_reason");
            JsonNode delta = c.get("delta");
            String text = delta != null && delta.path("content").isTextual() ? delta.get("content").asText() : null;
            if (text != null) {
                Pending p = pending(idx);
                if (p.template == null) {
                    p.template = data.deepCopy();
                    p.template.remove("choices");
                }
                String out = feed(p, text);
                if (finishing) out += release(p, true);
                ((ObjectNode) delta).put("content", out);
                changed = true;
            } else if (finishing && pending.containsKey(idx) && pending.get(idx).hasRest()) {
                ObjectNode d = delta instanceof ObjectNode o ? o : c.putObject("delta");
                d.put("content", release(pending.get(idx), true));
                changed = true;
            }
            JsonNode d = c.get("delta");
            boolean emptyText = !finishing && d != null && d.size() == 1 && d.path("content").isTextual()
                    && d.get("content").asText().isEmpty() && text != null && !text.isEmpty();
            if (!emptyText) droppable = false;
        }
        if (droppable) return List.of();
        return List.of(changed ? rewrite(e, data) : e);
    }

    // Anthropic: content_block_delta {index, delta: {type: text_delta, text}}; content_block_stop {index}
    private List<SseEvent> anthropic(SseEvent e, ObjectNode data) {
        String type = data.path("type").asText(e.event().orElse(""));
        switch (type) {
            case "content_block_delta" -> {
                JsonNode delta = data.get("delta");
                if (delta instanceof ObjectNode d && "text_delta".equals(d.path("type").asText()) && d.path("text").isTextual()) {
                    String text = d.get("text").asText();
                    String out = feed(pending(data.path("index").asInt(0)), text);
                    if (out.isEmpty() && !text.isEmpty()) return List.of();
                    d.put("text", out);
                    return List.of(rewrite(e, data));
                }
                return List.of(e);
            }
            case "content_block_start" -> {
                JsonNode block = data.get("content_block");
                if (block instanceof ObjectNode b && "text".equals(b.path("type").asText()) && !b.path("text").asText().isEmpty()) {
                    b.put("text", feed(pending(data.path("index").asInt(0)), b.get("text").asText()));
                    return List.of(rewrite(e, data));
                }
                return List.of(e);
            }
            case "content_block_stop" -> {
                List<SseEvent> out = new ArrayList<>();
                int idx = data.path("index").asInt(0);
                Pending p = pending.get(idx);
                if (p != null && p.hasRest()) {
                    String rest = release(p, true);
                    if (!rest.isEmpty()) out.add(synthetic(idx, p, rest));
                }
                out.add(e);
                return out;
            }
            case "message_delta", "message_stop", "error" -> {
                List<SseEvent> out = flushAll();
                out.add(e);
                return out;
            }
            default -> {
                return List.of(e);
            }
        }
    }

    // Gemini: {"candidates":[{"content":{"parts":[{"text":"..."}],"role":"model"},"finishReason":"STOP","index":0}]}
    private List<SseEvent> gemini(SseEvent e, ObjectNode data) {
        JsonNode cands = data.get("candidates");
        if (!(cands instanceof ArrayNode arr) || arr.isEmpty()) {
            List<SseEvent> out = flushAll();
            out.add(e);
            return out;
        }
        boolean changed = false;
        boolean droppable = true;
        int position = 0;
        for (JsonNode cn : arr) {
            if (!(cn instanceof ObjectNode c)) {
                droppable = false;
                continue;
            }
            int idx = c.path("index").asInt(position++);
            boolean finishing = c.hasNonNull("finishReason");
            JsonNode partsNode = c.path("content").path("parts");
            StringBuilder text = new StringBuilder();
            ObjectNode firstText = null;
            boolean other = false;
            if (partsNode instanceof ArrayNode parts) {
                for (Iterator<JsonNode> it = parts.iterator(); it.hasNext(); ) {
                    JsonNode part = it.next();
                    if (part instanceof ObjectNode po && po.path("text").isTextual() && !po.path("thought").asBoolean(false)) {
                        text.append(po.get("text").asText());
                        if (firstText == null) firstText = po;
                        else it.remove();
                    } else {
                        other = true;
                    }
                }
            }
            Pending p = pending.get(idx);
            if (firstText != null) {
                p = pending(idx);
                if (p.template == null) p.template = data.deepCopy();
                String out = feed(p, text.toString());
                if (finishing) out += release(p, true);
                firstText.put("text", out);
                changed = true;
                if (!out.isEmpty() || text.isEmpty()) droppable = false;
            } else if (finishing && p != null && p.hasRest()) {
                ObjectNode content = c.get("content") instanceof ObjectNode o ? o : c.putObject("content");
                if (!content.has("role")) content.put("role", "model");
                ArrayNode parts = content.get("parts") instanceof ArrayNode a ? a : content.putArray("parts");
                parts.insert(0, JSON.createObjectNode().put("text", release(p, true)));
                changed = true;
            }
            if (finishing || other || firstText == null) droppable = false;
        }
        if (droppable) return List.of();
        return List.of(changed ? rewrite(e, data) : e);
    }
}

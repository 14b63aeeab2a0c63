package dev.aigw.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.BodyFormat;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.Usage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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
    private final BodyFormat format;
    private final RegexGuard regex;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();

    public ResponseGuard(Schema schema, RegexGuard regex) {
        this.schema = schema;
        this.format = BodyFormat.of(schema);
        this.regex = regex.masking();
    }

    public Schema schema() {
        return schema;
    }

    /** Masks every text of a whole response body in place; returns it. */
    public ObjectNode maskBody(ObjectNode body) {
        for (TextSlot s : format.responseText(body)) {
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
        return format.guardStream(e, data, guard);
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
            if (!rest.isEmpty()) out.add(format.textEvent(en.getKey(), rest, p.template));
        }
        return out;
    }

    /** What {@link BodyFormat#guardStream} asks of this guard: per index, hold and mask. */
    private final BodyFormat.StreamTextGuard guard = new BodyFormat.StreamTextGuard() {
        @Override
        public String feed(int index, String text, Supplier<ObjectNode> template) {
            Pending p = pending(index);
            if (p.template == null) p.template = template.get();
            return ResponseGuard.this.feed(p, text);
        }

        @Override
        public String releaseAll(int index) {
            Pending p = pending.get(index);
            return p == null ? "" : release(p, true);
        }

        @Override
        public boolean holds(int index) {
            Pending p = pending.get(index);
            return p != null && p.hasRest();
        }

        @Override
        public List<SseEvent> flush() {
            return flushAll();
        }
    };
}

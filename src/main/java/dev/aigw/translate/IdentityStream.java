package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Re-emits every event as it came, reading usage, model, finish reason and text on the way. The
 * one change: a client that did not ask for OpenAI's {@code include_usage} does not get the usage
 * chunk the gateway asked for, nor the {@code "usage":null} it puts on every chunk. OpenAI chunks
 * and Anthropic events are read by hand from their bytes ({@link OpenAiChunkScan},
 * {@link AnthropicEvent}; what that reading leaves, from the tree), and {@link #onBlock} cuts the
 * member out of the provider's bytes; Gemini chunks ({@link GeminiChunk}) and Responses events
 * ({@link ResponsesDelta}) too; Bedrock events are read as trees; all are relayed as they came.
 */
final class IdentityStream implements SseBytesTranslator {
    private static final int UNREAD = -1;
    private static final int KEEP = 0;
    private static final int DROP = 1;
    private static final int CUT = 2;
    private static final int REWRITE = 3;

    private final Schema schema;
    private final boolean hideUsage;
    private final StreamedTextBuffer text = new StreamedTextBuffer();
    /** The leading members OpenAI repeats on every chunk, read once ({@link OpenAiChunkScan.Prefix}). */
    private final OpenAiChunkScan.Prefix prefix = new OpenAiChunkScan.Prefix();
    /** Each chunk is read into this one scan. */
    private final OpenAiChunkScan scan = OpenAiChunkScan.reusable();
    private String model;
    private String finish;
    private boolean completed;
    private boolean failed;
    // Anthropic reports counts in two places, each field cumulative; OpenAI and Gemini give totals.
    private final AnthropicStreamUsage anthropicUsage = new AnthropicStreamUsage();
    private Usage usage = Usage.ZERO;
    /** The last {@link #openAi(byte[], int, int)} edit: the member cut out, or the chunk re-written. */
    private int cutFrom;
    private int cutTo;
    private String rewritten;

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
        if (schema == Schema.OPENAI_CHAT) {
            return openAi(e);
        }
        Optional<ObjectNode> parsed = Json.parseObject(e.data());
        if (parsed.isEmpty()) {
            return List.of(e);
        }
        ObjectNode d = parsed.get();
        return switch (schema) {
            case OPENAI_CHAT -> List.of(e);
            case ANTHROPIC_MESSAGES -> {
                anthropic(e.event().orElse(null), AnthropicEvent.of(d));
                yield List.of(e);
            }
            case GEMINI_GENERATE -> {
                gemini(GeminiChunk.of(d));
                yield List.of(e);
            }
            case BEDROCK_CONVERSE -> {
                bedrock(e, d);
                yield List.of(e);
            }
            case OPENAI_RESPONSES -> {
                responses(ResponsesDelta.of(d));
                yield List.of(e);
            }
            case OPENAI_EMBEDDINGS -> List.of(e);
        };
    }

    /** Each block's kept ranges go out in order, after the block is read (the REWRITE and event paths write arrays of their own). */
    @Override
    public boolean writesInOrder() {
        return true;
    }

    @Override
    public void onBlock(SseBlock b, Output out) {
        byte[] a = b.bytes();
        int start = b.start() + b.skip();
        // The LF of a CRLF split off the block before, and the stream's byte-order mark, as sent.
        if (b.skip() > 0) out.write(a, b.start(), start);
        if (b.isEvent() && schema == Schema.OPENAI_CHAT && b.singleData()) {
            if (b.isDone()) {
                if (!failed) completed = true;
                out.write(a, start, b.end());
                return;
            }
            int edit = openAi(a, b.dataStart(), b.dataEnd() - b.dataStart());
            if (edit != UNREAD) {
                switch (edit) {
                    case KEEP -> out.write(a, start, b.end());
                    case CUT -> {
                        out.write(a, start, cutFrom);
                        out.write(a, cutTo, b.end());
                    }
                    case REWRITE -> {
                        byte[] enc = new SseEvent(Optional.ofNullable(b.event()), rewritten, Optional.ofNullable(b.id())).bytes();
                        out.write(enc, 0, enc.length);
                    }
                    default -> {
                        // DROP: the usage chunk the gateway asked for, not the client
                    }
                }
                return;
            }
            // Not readable from the bytes (not JSON, or not UTF-8): as the parser would decode it.
        }
        if (b.isEvent() && schema == Schema.ANTHROPIC_MESSAGES && b.singleData()) {
            AnthropicEvent ev = AnthropicEvent.read(a, b.dataStart(), b.dataEnd() - b.dataStart());
            if (ev != null) {
                anthropic(b.event(), ev);
                out.write(a, start, b.end()); // relayed as it came
                return;
            }
            // Left to the tree (or not JSON): the event path below.
        }
        if (b.isEvent() && schema == Schema.GEMINI_GENERATE && b.singleData()) {
            GeminiChunk ev = GeminiChunk.read(a, b.dataStart(), b.dataEnd() - b.dataStart(), model);
            if (ev != null) {
                gemini(ev);
                out.write(a, start, b.end()); // relayed as it came
                return;
            }
        }
        if (b.isEvent() && schema == Schema.OPENAI_RESPONSES && b.singleData()) {
            ResponsesDelta ev = ResponsesDelta.read(a, b.dataStart(), b.dataEnd() - b.dataStart());
            if (ev != null) {
                responses(ev);
                out.write(a, start, b.end()); // relayed as it came
                return;
            }
        }
        if (!b.isEvent()) {
            out.write(a, start, b.end()); // comments and keep-alives, as sent
            return;
        }
        SseEvent e = b.toEvent();
        List<SseEvent> r = onEvent(e);
        if (r.size() == 1 && r.get(0) == e) {
            out.write(a, start, b.end());
            return;
        }
        for (SseEvent x : r) {
            byte[] enc = x.bytes();
            out.write(enc, 0, enc.length);
        }
    }

    private List<SseEvent> openAi(SseEvent e) {
        byte[] a = e.data().getBytes(StandardCharsets.UTF_8);
        return switch (openAi(a, 0, a.length)) {
            case DROP -> List.of();
            case CUT -> {
                byte[] left = new byte[a.length - (cutTo - cutFrom)];
                System.arraycopy(a, 0, left, 0, cutFrom);
                System.arraycopy(a, cutTo, left, cutFrom, a.length - cutTo);
                yield List.of(new SseEvent(e.event(), new String(left, StandardCharsets.UTF_8), e.id()));
            }
            case REWRITE -> List.of(new SseEvent(e.event(), rewritten, e.id()));
            default -> List.of(e);
        };
    }

    /**
     * Reads one chat chunk's model, finish reason, text and usage from its bytes and says what the
     * client gets: the chunk, nothing (the usage chunk it did not ask for), the chunk without its
     * {@code usage} member ({@link #cutFrom}..{@link #cutTo}) or, rarely, a re-written chunk.
     */
    private int openAi(byte[] a, int off, int len) {
        OpenAiChunkScan c = OpenAiChunkScan.read(a, off, len, model, prefix, scan);
        if (c == null) return UNREAD;
        if (c.error) {
            failed = true;
            completed = false;
            return KEEP;
        }
        if (c.model != null) model = c.model;
        if (c.finish != null) finish = c.finish;
        for (int i = 0; i < c.texts.size(); i++) appendRaw(c.texts.get(i));
        if (c.usage != null) usage = c.usage;
        if (!hideUsage || c.usageMembers == 0) return KEEP;
        if (c.usage != null && c.choicesEmpty) return DROP;
        if (c.usageMembers == 1 && c.usageSimple) {
            // "usage": null on every chunk, or usage on a content chunk: keep the chunk, cut the member.
            cutFrom = c.cutFrom;
            cutTo = c.cutTo;
            return CUT;
        }
        // usage given twice, or neither null nor an object, or a chunk read from its tree: the tree's edit.
        ObjectNode d = c.tree != null ? c.tree : Json.parseObject(new String(a, off, len, StandardCharsets.UTF_8)).orElseThrow();
        d.remove("usage");
        rewritten = Json.write(d);
        return REWRITE;
    }

    /** Responses events, read from their bytes or their tree: text deltas, and usage in the terminal response.completed / incomplete / failed. */
    private void responses(ResponsesDelta ev) {
        String type = ev.type() == null ? "" : ev.type();
        switch (type) {
            case "response.created" -> {
                if (ev.model() != null) model = ev.model();
            }
            case "response.completed", "response.incomplete", "response.failed" -> {
                if (ev.model() != null) model = ev.model();
                if (ev.status() != null) finish = ev.status();
                if (ev.usage() != null) usage = ev.usage();
                if (type.equals("response.failed")) failed = true;
                completed = !failed;
            }
            case "response.output_text.delta", "response.function_call_arguments.delta",
                 "response.reasoning_summary_text.delta", "response.custom_tool_call_input.delta" -> appendNonNull(ev.delta());
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
                if (EventStreamParser.isFailure(type)) {
                    failed = true;
                    completed = false;
                }
            }
        }
    }

    /** One Anthropic event, read from its bytes or its tree; {@code event} the SSE event name, null if none. */
    private void anthropic(String event, AnthropicEvent d) {
        String type = d.type() != null ? d.type() : event != null ? event : "";
        switch (type) {
            case "message_start" -> {
                if (d.model() != null) model = d.model();
                absorbAnthropic(d.messageUsage());
            }
            case "message_delta" -> {
                if (d.stopReason() != null) finish = d.stopReason();
                absorbAnthropic(d.usage());
            }
            case "content_block_start" -> appendNonNull(d.blockText());
            case "content_block_delta" -> {
                appendNonNull(d.text());
                appendNonNull(d.thinking());
                appendNonNull(d.partialJson());
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

    private void absorbAnthropic(java.util.Map<String, Long> counts) {
        if (counts == null) {
            return;
        }
        anthropicUsage.absorb(Counts.tree(counts));
        usage = anthropicUsage.usage();
    }

    private void appendNonNull(String s) {
        if (s != null) appendRaw(s);
    }

    /** One Gemini chunk, read from its bytes or its tree. */
    private void gemini(GeminiChunk c) {
        if (c.error()) {
            failed = true;
            completed = false;
            return;
        }
        if (c.modelVersion() != null) model = c.modelVersion();
        if (c.usage() != null) usage = c.usage(); // cumulative in every chunk
        for (GeminiChunk.Candidate cand : c.candidates()) {
            if (cand.finishReason() != null) {
                finish = cand.finishReason();
                if (!failed) {
                    completed = true; // Gemini has no end sentinel: a finish reason is the clean end
                }
            }
            for (String t : cand.texts()) appendRaw(t);
        }
    }

    private void appendText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.isTextual()) {
            appendRaw(v.asText());
        }
    }

    private void appendRaw(String s) {
        text.add(s);
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
        return text.snapshot();
    }
}

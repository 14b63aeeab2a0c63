package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's events from canonical blocks: blocks are renumbered from 0 in the order they
 * open, only one is open at a time, and a delta for a block never started opens one of its kind
 * (Bedrock starts only tool blocks explicitly).
 */
final class AnthropicMessagesStreamEncoder implements ClientCodec.StreamEncoder {
    private final Exchange x;
    private boolean started;
    private String id;
    private String model;
    private final Map<Integer, Integer> indexOf = new HashMap<>();
    private int open = -1;
    private int nextIndex;
    private String stop;
    private Usage usage = Usage.ZERO;

    AnthropicMessagesStreamEncoder(Exchange x) {
        this.x = x;
        this.model = x.requestedModel();
    }

    private void start(List<SseEvent> out) {
        if (!started) {
            started = true;
            // The usage so far travels in message_delta; message_start carries zeros, as for every backend.
            out.add(AnthropicOut.messageStart(id != null ? id : "msg_" + x.ctx().ids().get(), model));
        }
    }

    private void close(List<SseEvent> out) {
        if (open >= 0) {
            out.add(AnthropicOut.blockStop(open));
            open = -1;
        }
    }

    /** The client index of a provider block, opening it as {@code kind} when it is new. */
    private int block(int index, ObjectNode head, List<SseEvent> out) {
        Integer i = indexOf.get(index);
        if (i != null) {
            return i;
        }
        start(out);
        close(out);
        int n = nextIndex++;
        indexOf.put(index, n);
        open = n;
        out.add(AnthropicOut.blockStart(n, head));
        return n;
    }

    @Override
    public void encode(StreamEvent e, List<SseEvent> out) {
        switch (e) {
            case StreamEvent.Start s -> {
                id = s.id().orElse(null);
                s.model().ifPresent(m -> model = m);
                start(out);
            }
            case StreamEvent.BlockStart b -> block(b.index(), switch (b.kind()) {
                case TEXT -> AnthropicOut.textBlock();
                case THINKING -> AnthropicOut.thinkingBlock(true);
                case REDACTED_THINKING -> {
                    ObjectNode cb = Json.obj();
                    cb.put("type", "redacted_thinking");
                    cb.put("data", b.data().orElse(""));
                    yield cb;
                }
                case TOOL_CALL -> AnthropicOut.toolUseBlock(AnthropicMessagesClient.toolId(b.toolCallId().orElse(""), x), b.toolName().orElse(""));
            }, out);
            case StreamEvent.TextDelta t -> {
                if (!t.text().isEmpty()) {
                    out.add(AnthropicOut.blockDelta(block(t.index(), AnthropicOut.textBlock(), out), "text_delta", "text", t.text()));
                }
            }
            case StreamEvent.ThinkingDelta t -> {
                if (!t.text().isEmpty()) {
                    out.add(AnthropicOut.blockDelta(block(t.index(), AnthropicOut.thinkingBlock(true), out),
                            "thinking_delta", "thinking", t.text()));
                }
            }
            case StreamEvent.SignatureDelta s -> out.add(AnthropicOut.blockDelta(
                    block(s.index(), AnthropicOut.thinkingBlock(true), out), "signature_delta", "signature", s.signature()));
            case StreamEvent.ToolArgumentsDelta a -> {
                Integer i = indexOf.get(a.index());
                if (i != null && !a.json().isEmpty()) {
                    out.add(AnthropicOut.blockDelta(i, "input_json_delta", "partial_json", a.json()));
                }
            }
            case StreamEvent.BlockStop b -> {
                Integer i = indexOf.get(b.index());
                if (i != null && i == open) {
                    close(out);
                }
            }
            case StreamEvent.UsageUpdate u -> usage = u.usage();
            case StreamEvent.Finish f -> {
                if (stop == null) {
                    stop = AnthropicMessagesClient.INSTANCE.finishReason(f.reason());
                }
                close(out);
            }
            case StreamEvent.End end -> {
                start(out);
                close(out);
                AnthropicOut.messageEnd(out, stop == null ? "end_turn" : stop, usage);
            }
            case StreamEvent.Error err -> {
                start(out);
                close(out);
                out.add(AnthropicOut.errorEvent(AnthropicMessagesClient.INSTANCE.encodeError(err.error()).body()));
            }
        }
    }

    @Override
    public void truncated(List<SseEvent> out) {
        start(out);
        close(out);
        out.add(AnthropicOut.truncated());
    }
}

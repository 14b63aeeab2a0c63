package dev.aigw.translate;

import dev.aigw.translate.canonical.StreamEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The OpenAI client side of a stream: canonical events to chat.completion.chunk events. */
/** chat.completion.chunk events; every chunk repeats the id and created of the first. */
final class OpenAiChatStreamEncoder implements ClientCodec.StreamEncoder {
    private final Exchange x;
    private final OpenAiOut.Chunks chunks;
    private String model;
    private boolean started;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private Usage usage;
    private String signature;
    private final java.util.Set<Integer> thought = new java.util.HashSet<>();

    OpenAiChatStreamEncoder(Exchange x) {
        this.x = x;
        this.model = x.requestedModel();
        this.chunks = new OpenAiOut.Chunks(x.ctx(), () -> model);
    }

    private void start(List<SseEvent> out) {
        if (!started) {
            started = true;
            out.add(chunks.role());
        }
    }

    @Override
    public void encode(StreamEvent e, List<SseEvent> out) {
        switch (e) {
            case StreamEvent.Start s -> {
                s.id().ifPresent(id -> chunks.id = id);
                s.model().ifPresent(m -> model = m);
                start(out);
            }
            case StreamEvent.BlockStart b when b.kind() == StreamEvent.BlockKind.TOOL_CALL -> {
                start(out);
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(b.index(), toolIndex);
                String id = b.toolCallId().filter(s -> !s.isEmpty()).orElseGet(() -> "call_" + x.ctx().ids().get());
                out.add(chunks.toolStart(toolIndex, id, b.toolName().orElse(""), signature));
                signature = null;
            }
            case StreamEvent.TextDelta t -> {
                start(out);
                if (!t.text().isEmpty()) {
                    out.add(chunks.text("content", t.text()));
                }
            }
            case StreamEvent.ThinkingDelta t -> {
                start(out);
                thought.add(t.index());
                if (!t.text().isEmpty()) {
                    out.add(chunks.text("reasoning_content", t.text()));
                }
            }
            // A signature on a block without thinking text is Gemini's, for the call that follows.
            case StreamEvent.SignatureDelta s -> signature = thought.contains(s.index()) ? null : s.signature();
            case StreamEvent.ToolArgumentsDelta a -> {
                Integer toolIndex = toolIndexByBlock.get(a.index());
                if (toolIndex != null && !a.json().isEmpty()) {
                    out.add(chunks.toolArguments(toolIndex, a.json()));
                }
            }
            case StreamEvent.UsageUpdate u -> usage = u.usage();
            case StreamEvent.Finish f -> {
                start(out);
                out.add(chunks.finish(OpenAiChatClient.INSTANCE.finishReason(f.reason())));
            }
            case StreamEvent.End end -> {
                start(out);
                // Without usage from the provider the count is unknown, and zeros would read as a real one.
                chunks.end(out, x.request().stream().includeUsage() && usage != null ? OpenAiChatClient.usage(usage) : null);
            }
            case StreamEvent.Error err -> OpenAiOut.fail(out, OpenAiChatClient.INSTANCE.encodeError(err.error()).body());
            default -> {
            }
        }
    }

    @Override
    public void truncated(List<SseEvent> out) {
        OpenAiOut.truncated(out);
    }
}

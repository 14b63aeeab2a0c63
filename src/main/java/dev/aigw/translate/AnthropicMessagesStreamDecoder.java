package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.List;
import java.util.Optional;

/**
 * The Anthropic provider side of a stream: Anthropic's events to canonical ones, block indexes kept.
 * Each event is read without a tree ({@link AnthropicIn#read}): a text delta by hand, others with the streaming parser.
 */
final class AnthropicMessagesStreamDecoder implements ProviderCodec.StreamDecoder {
    private final AnthropicStreamUsage counts = new AnthropicStreamUsage();

    @Override
    public void decode(SseEvent e, List<StreamEvent> out) {
        decode(AnthropicIn.read(e.data()), e.event().orElse(""), out);
    }

    /** The payload read from the relay's bytes, without a string of it first. */
    @Override
    public void decode(SseBlock b, List<StreamEvent> out) {
        AnthropicIn.Event d = b.singleData() ? AnthropicIn.read(b.bytes(), b.dataStart(), b.dataEnd() - b.dataStart())
                : AnthropicIn.read(b.data());
        decode(d, b.event() == null ? "" : b.event(), out);
    }

    private void decode(AnthropicIn.Event d, String event, List<StreamEvent> out) {
        if (d == null) {
            return; // not JSON: nothing a client could use
        }
        int index = d.index;
        switch (d.type != null ? d.type : event) {
            case "message_start" -> {
                JsonNode msg = d.rest("message");
                counts.absorb(msg.path("usage"));
                out.add(new StreamEvent.Start(Json.text(msg, "id"), Json.text(msg, "model"), counts.usage()));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
            }
            case "content_block_start" -> {
                JsonNode block = d.rest("content_block");
                switch (block.path("type").asText()) {
                    case "tool_use" -> out.add(StreamEvent.BlockStart.tool(index, Json.text(block, "id"), block.path("name").asText()));
                    case "text" -> {
                        out.add(StreamEvent.BlockStart.of(index, StreamEvent.BlockKind.TEXT));
                        String t = block.path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(new StreamEvent.TextDelta(index, t));
                        }
                    }
                    case "thinking" -> out.add(StreamEvent.BlockStart.of(index, StreamEvent.BlockKind.THINKING));
                    case "redacted_thinking" -> out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockKind.REDACTED_THINKING,
                            Optional.empty(), Optional.empty(), Json.text(block, "data")));
                    default -> {
                        // server tool blocks have no form in other formats' streams.
                    }
                }
            }
            case "content_block_delta" -> {
                switch (d.deltaType) {
                    case "text_delta" -> out.add(new StreamEvent.TextDelta(index, d.text));
                    case "thinking_delta" -> out.add(new StreamEvent.ThinkingDelta(index, d.thinking));
                    case "signature_delta" -> out.add(new StreamEvent.SignatureDelta(index, d.signature));
                    case "input_json_delta" -> out.add(new StreamEvent.ToolArgumentsDelta(index, d.partialJson));
                    default -> {
                        // citations_delta: no form elsewhere.
                    }
                }
            }
            case "content_block_stop" -> out.add(new StreamEvent.BlockStop(index));
            case "message_delta" -> {
                counts.absorb(d.rest("usage"));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
                if (d.stopReason != null) {
                    out.add(new StreamEvent.Finish(AnthropicMessagesProvider.finish(d.stopReason), Optional.ofNullable(d.stopSequence)));
                }
            }
            case "message_stop" -> out.add(new StreamEvent.End());
            case "error" -> {
                JsonNode err = d.rest("error");
                String type = err.path("type").asText("api_error");
                int status = ErrorBodies.statusForAnthropicType(type);
                // The message is read from error and message, members the event keeps as trees.
                out.add(new StreamEvent.Error(new ChatError(status, Optional.of(type),
                        ErrorBodies.message(d.rest == null ? Json.obj() : d.rest, status), Optional.empty())));
            }
            default -> {
                // ping and future event types need no output.
            }
        }
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.List;
import java.util.Optional;

/** The Anthropic provider side of a stream: Anthropic's events to canonical ones, block indexes kept. */
final class AnthropicMessagesStreamDecoder implements ProviderCodec.StreamDecoder {
    private final AnthropicStreamUsage counts = new AnthropicStreamUsage();

    @Override
    public void decode(SseEvent e, List<StreamEvent> out) {
        Optional<ObjectNode> parsed = Json.parseObject(e.data());
        if (parsed.isEmpty()) {
            return; // not JSON: nothing a client could use
        }
        ObjectNode d = parsed.get();
        int index = d.path("index").asInt();
        switch (Json.text(d, "type").or(e::event).orElse("")) {
            case "message_start" -> {
                JsonNode msg = d.path("message");
                counts.absorb(msg.path("usage"));
                out.add(new StreamEvent.Start(Json.text(msg, "id"), Json.text(msg, "model"), counts.usage()));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
            }
            case "content_block_start" -> {
                JsonNode block = d.path("content_block");
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
                JsonNode delta = d.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.add(new StreamEvent.TextDelta(index, delta.path("text").asText()));
                    case "thinking_delta" -> out.add(new StreamEvent.ThinkingDelta(index, delta.path("thinking").asText()));
                    case "signature_delta" -> out.add(new StreamEvent.SignatureDelta(index, delta.path("signature").asText()));
                    case "input_json_delta" -> out.add(new StreamEvent.ToolArgumentsDelta(index, delta.path("partial_json").asText("")));
                    default -> {
                        // citations_delta: no form elsewhere.
                    }
                }
            }
            case "content_block_stop" -> out.add(new StreamEvent.BlockStop(index));
            case "message_delta" -> {
                counts.absorb(d.path("usage"));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
                Json.text(d.path("delta"), "stop_reason").ifPresent(r ->
                        out.add(new StreamEvent.Finish(AnthropicMessagesProvider.finish(r), Json.text(d.path("delta"), "stop_sequence"))));
            }
            case "message_stop" -> out.add(new StreamEvent.End());
            case "error" -> {
                JsonNode err = d.path("error");
                String type = err.path("type").asText("api_error");
                int status = ErrorBodies.statusForAnthropicType(type);
                out.add(new StreamEvent.Error(new ChatError(status, Optional.of(type), ErrorBodies.message(d, status),
                        Optional.empty())));
            }
            default -> {
                // ping and future event types need no output.
            }
        }
    }
}

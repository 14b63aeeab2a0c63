package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical stream events as a Responses API event stream: {@code response.created},
 * {@code response.in_progress}, then per block {@code response.output_item.added} … {@code done}
 * (text: content_part and output_text events; thinking: reasoning_summary_part and
 * reasoning_summary_text; tool calls: function_call_arguments, or custom_tool_call_input for a
 * custom tool, sent whole when the call ends since its text is inside a JSON argument), and last
 * {@code response.completed} or {@code response.incomplete} with the whole response object. A
 * provider error becomes an {@code error} event and {@code response.failed}. Every event carries
 * its {@code sequence_number}, in order from 0.
 */
final class ResponsesStream implements ClientCodec.StreamEncoder {
    private final ResponsesClient codec;
    private final Exchange exchange;
    private final String suffix;
    private final Map<Integer, Block> open = new LinkedHashMap<>();
    private final ArrayNode output = Json.arr();
    private ObjectNode response;
    private int sequence;
    private FinishReason finish = FinishReason.END_TURN;
    private Usage usage = Usage.ZERO;
    private boolean ended;

    /** One open output item. */
    private static final class Block {
        final StreamEvent.BlockKind kind;
        final int outputIndex;
        final String itemId;
        final StringBuilder text = new StringBuilder();
        String signature;
        String callId;
        String name;
        String data;

        Block(StreamEvent.BlockKind kind, int outputIndex, String itemId) {
            this.kind = kind;
            this.outputIndex = outputIndex;
            this.itemId = itemId;
        }
    }

    ResponsesStream(ResponsesClient codec, Exchange exchange) {
        this.codec = codec;
        this.exchange = exchange;
        this.suffix = exchange.ctx().ids().get();
    }

    /** A new event of {@code type} with the next sequence number; the caller adds its fields, then {@link #emit}s it. */
    private ObjectNode event(String type) {
        return Json.obj().put("type", type).put("sequence_number", sequence++);
    }

    private static void emit(List<SseEvent> out, ObjectNode event) {
        out.add(SseEvent.of(event.get("type").asText(), Json.write(event)));
    }

    private void start(List<SseEvent> out, java.util.Optional<String> model) {
        if (response != null) return;
        response = codec.responseObject("resp_" + suffix, exchange.ctx().epochSeconds().getAsLong(),
                model.orElse(exchange.requestedModel()), "in_progress", Json.arr());
        // Written out at once: the two events may share the node.
        emit(out, event("response.created").set("response", response));
        emit(out, event("response.in_progress").set("response", response));
    }

    @Override
    public void encode(StreamEvent event, List<SseEvent> out) {
        if (ended) return;
        if (!(event instanceof StreamEvent.Start)) start(out, java.util.Optional.empty());
        switch (event) {
            case StreamEvent.Start s -> {
                start(out, s.model());
                if (!s.usage().equals(Usage.ZERO)) usage = s.usage();
            }
            case StreamEvent.BlockStart b -> open(b, out);
            case StreamEvent.TextDelta t when t.text().isEmpty() -> {
                // nothing to say: no event
            }
            case StreamEvent.TextDelta t -> {
                Block b = block(t.index(), StreamEvent.BlockKind.TEXT, out);
                b.text.append(t.text());
                emit(out, event("response.output_text.delta").put("item_id", b.itemId).put("output_index", b.outputIndex)
                        .put("content_index", 0).put("delta", t.text()).set("logprobs", Json.arr()));
            }
            case StreamEvent.ThinkingDelta t -> {
                Block b = block(t.index(), StreamEvent.BlockKind.THINKING, out);
                b.text.append(t.text());
                emit(out, event("response.reasoning_summary_text.delta").put("item_id", b.itemId)
                        .put("output_index", b.outputIndex).put("summary_index", 0).put("delta", t.text()));
            }
            case StreamEvent.SignatureDelta s -> {
                Block b = block(s.index(), StreamEvent.BlockKind.THINKING, out);
                b.signature = b.signature == null ? s.signature() : b.signature + s.signature();
            }
            case StreamEvent.ToolArgumentsDelta a when a.json().isEmpty() -> {
                // nothing to say: no event
            }
            case StreamEvent.ToolArgumentsDelta a -> {
                Block b = block(a.index(), StreamEvent.BlockKind.TOOL_CALL, out);
                b.text.append(a.json());
                if (!codec.custom(b.name)) {
                    emit(out, event("response.function_call_arguments.delta").put("item_id", b.itemId)
                            .put("output_index", b.outputIndex).put("delta", a.json()));
                }
            }
            case StreamEvent.BlockStop s -> {
                Block b = open.remove(s.index());
                if (b != null) close(b, out);
            }
            case StreamEvent.UsageUpdate u -> usage = u.usage();
            case StreamEvent.Finish f -> finish = f.reason();
            case StreamEvent.End e -> end(out);
            case StreamEvent.Error e -> fail(e.error(), out);
        }
    }

    private Block block(int index, StreamEvent.BlockKind kind, List<SseEvent> out) {
        Block b = open.get(index);
        if (b == null) {
            open(new StreamEvent.BlockStart(index, kind, java.util.Optional.empty(), java.util.Optional.of("tool"),
                    java.util.Optional.empty()), out);
            b = open.get(index);
        }
        return b;
    }

    private void open(StreamEvent.BlockStart s, List<SseEvent> out) {
        int outputIndex = output.size();
        output.addNull(); // the slot this item takes in the final output
        String n = suffix + "_" + outputIndex;
        Block b = switch (s.kind()) {
            case TEXT -> new Block(s.kind(), outputIndex, "msg_" + n);
            case THINKING, REDACTED_THINKING -> new Block(s.kind(), outputIndex, "rs_" + n);
            case TOOL_CALL -> new Block(s.kind(), outputIndex, "fc_" + n);
        };
        open.put(s.index(), b);
        ObjectNode item;
        switch (s.kind()) {
            case TEXT -> {
                item = Json.obj().put("id", b.itemId).put("type", "message").put("status", "in_progress").put("role", "assistant");
                item.putArray("content");
                emit(out, event("response.output_item.added").put("output_index", outputIndex).set("item", item));
                emit(out, event("response.content_part.added").put("item_id", b.itemId).put("output_index", outputIndex)
                        .put("content_index", 0).set("part", textPart("")));
            }
            case THINKING -> {
                item = ResponsesClient.reasoningItem(b.itemId, "", null);
                emit(out, event("response.output_item.added").put("output_index", outputIndex).set("item", item));
                emit(out, event("response.reasoning_summary_part.added").put("item_id", b.itemId)
                        .put("output_index", outputIndex).put("summary_index", 0)
                        .set("part", Json.obj().put("type", "summary_text").put("text", "")));
            }
            case REDACTED_THINKING -> {
                b.data = s.data().orElse("");
                item = ResponsesClient.reasoningItem(b.itemId, "", null);
                emit(out, event("response.output_item.added").put("output_index", outputIndex).set("item", item));
            }
            case TOOL_CALL -> {
                b.callId = s.toolCallId().filter(id -> !id.isEmpty()).orElse("call_" + n);
                b.name = s.toolName().orElse("");
                item = codec.callItem(n, b.callId, b.name, "", "in_progress");
                if (codec.custom(b.name)) item.put("input", "");
                emit(out, event("response.output_item.added").put("output_index", outputIndex).set("item", item));
            }
        }
    }

    private static ObjectNode textPart(String text) {
        ObjectNode p = Json.obj().put("type", "output_text").put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }

    private void close(Block b, List<SseEvent> out) {
        String text = b.text.toString();
        ObjectNode item;
        switch (b.kind) {
            case TEXT -> {
                emit(out, event("response.output_text.done").put("item_id", b.itemId).put("output_index", b.outputIndex)
                        .put("content_index", 0).put("text", text).set("logprobs", Json.arr()));
                emit(out, event("response.content_part.done").put("item_id", b.itemId).put("output_index", b.outputIndex)
                        .put("content_index", 0).set("part", textPart(text)));
                item = Json.obj().put("id", b.itemId).put("type", "message").put("status", "completed").put("role", "assistant");
                item.putArray("content").add(textPart(text));
            }
            case THINKING -> {
                emit(out, event("response.reasoning_summary_text.done").put("item_id", b.itemId)
                        .put("output_index", b.outputIndex).put("summary_index", 0).put("text", text));
                emit(out, event("response.reasoning_summary_part.done").put("item_id", b.itemId)
                        .put("output_index", b.outputIndex).put("summary_index", 0)
                        .set("part", Json.obj().put("type", "summary_text").put("text", text)));
                item = ResponsesClient.reasoningItem(b.itemId, text,
                        b.signature == null ? null : ResponsesRequest.SIGNATURE_PREFIX + b.signature);
            }
            case REDACTED_THINKING -> item = ResponsesClient.reasoningItem(b.itemId, "", ResponsesRequest.REDACTED_PREFIX + b.data);
            case TOOL_CALL -> {
                String args = text.isEmpty() ? "{}" : text;
                item = codec.callItem(b.itemId.substring(3), b.callId, b.name, args, "completed");
                if (codec.custom(b.name)) {
                    String input = item.path("input").asText();
                    emit(out, event("response.custom_tool_call_input.delta").put("item_id", item.path("id").asText())
                            .put("output_index", b.outputIndex).put("delta", input));
                    emit(out, event("response.custom_tool_call_input.done").put("item_id", item.path("id").asText())
                            .put("output_index", b.outputIndex).put("input", input));
                } else {
                    emit(out, event("response.function_call_arguments.done").put("item_id", b.itemId)
                            .put("output_index", b.outputIndex).put("name", b.name).put("arguments", args));
                }
            }
            default -> throw new IllegalStateException();
        }
        output.set(b.outputIndex, item);
        emit(out, event("response.output_item.done").put("output_index", b.outputIndex).set("item", item));
    }

    private void closeAll(List<SseEvent> out) {
        for (Block b : List.copyOf(open.values())) close(b, out);
        open.clear();
    }

    /** The output items that were completed, in order (a slot never closed is left out). */
    private ArrayNode finishedOutput() {
        ArrayNode a = Json.arr();
        for (var n : output) if (!n.isNull()) a.add(n);
        return a;
    }

    private void end(List<SseEvent> out) {
        closeAll(out);
        ObjectNode r = response.deepCopy();
        r.set("output", finishedOutput());
        ResponsesClient.finish(r, finish, usage);
        ObjectNode done = event(r.path("status").asText().equals("completed") ? "response.completed" : "response.incomplete");
        done.set("response", r);
        emit(out, done);
        ended = true;
    }

    private void fail(ChatError error, List<SseEvent> out) {
        String code = error.type().orElse(error.status() == 429 ? "rate_limit_exceeded" : "server_error");
        ObjectNode e = event("error").put("code", code).put("message", error.message());
        e.putNull("param");
        emit(out, e);
        ObjectNode r = response.deepCopy();
        r.set("output", finishedOutput());
        r.put("status", "failed");
        r.set("error", Json.obj().put("code", code).put("message", error.message()));
        r.set("usage", ResponsesClient.usage(usage));
        emit(out, event("response.failed").set("response", r));
        ended = true;
    }

    @Override
    public void truncated(List<SseEvent> out) {
        if (ended) return;
        start(out, java.util.Optional.empty());
        fail(new ChatError(502, java.util.Optional.of("upstream_stream_truncated"),
                "the provider's stream ended before the response was complete", java.util.Optional.empty()), out);
    }
}

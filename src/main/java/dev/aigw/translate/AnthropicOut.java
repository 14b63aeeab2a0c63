package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes Anthropic Messages responses, stream events and errors: the client side of every
 * {@code AnthropicMessagesTo*} translator, so all backends answer Anthropic clients in the same shape.
 * Which block is open and how blocks are numbered stays with each pair: backends differ there.
 */
final class AnthropicOut {

    private AnthropicOut() {
    }

    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.obj();
        o.put("input_tokens", u.input() - u.cacheRead() - u.cacheWrite());
        o.put("cache_creation_input_tokens", u.cacheWrite());
        o.put("cache_read_input_tokens", u.cacheRead());
        o.put("output_tokens", u.output());
        return o;
    }

    /** The head of a message; the caller adds {@code content} next, then calls {@link #end}. */
    static ObjectNode message(String id, String model) {
        ObjectNode m = Json.obj();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        return m;
    }

    /** Stop reason, stop sequence (null when unknown) and usage close a message. */
    static void end(ObjectNode message, String stop, String stopSequence, Usage usage) {
        message.put("stop_reason", stop);
        if (stopSequence == null) {
            message.putNull("stop_sequence");
        } else {
            message.put("stop_sequence", stopSequence);
        }
        message.set("usage", usage(usage));
    }

    static TranslatedError error(int status, String type, String message) {
        return new TranslatedError(status, ErrorBodies.anthropic(type, message));
    }

    static TranslatedError invalidRequest(TranslationException e) {
        return error(e.status(), "invalid_request_error", e.getMessage());
    }

    // ---------------------------------------------------------------- stream events

    static SseEvent event(String name, ObjectNode body) {
        return SseEvent.of(name, Json.write(body));
    }

    /** message_start with zero usage: the backends report usage only at the end, in message_delta. */
    static SseEvent messageStart(String id, String model) {
        ObjectNode ev = Json.obj();
        ev.put("type", "message_start");
        ObjectNode msg = message(id, model);
        ev.set("message", msg);
        msg.putArray("content");
        msg.putNull("stop_reason");
        msg.putNull("stop_sequence");
        msg.set("usage", usage(Usage.ZERO));
        return event("message_start", ev);
    }

    static SseEvent blockStart(int index, ObjectNode contentBlock) {
        ObjectNode ev = Json.obj();
        ev.put("type", "content_block_start");
        ev.put("index", index);
        ev.set("content_block", contentBlock);
        return event("content_block_start", ev);
    }

    static ObjectNode textBlock() {
        ObjectNode b = Json.obj();
        b.put("type", "text");
        b.put("text", "");
        return b;
    }

    static ObjectNode thinkingBlock(boolean withSignature) {
        ObjectNode b = Json.obj();
        b.put("type", "thinking");
        b.put("thinking", "");
        if (withSignature) {
            b.put("signature", "");
        }
        return b;
    }

    /** A tool_use block start; its input arrives as input_json_delta fragments. */
    static ObjectNode toolUseBlock(String id, String name) {
        ObjectNode b = Json.obj();
        b.put("type", "tool_use");
        b.put("id", id);
        b.put("name", name);
        b.putObject("input");
        return b;
    }

    static SseEvent blockDelta(int index, String type, String field, String value) {
        ObjectNode ev = Json.obj();
        ev.put("type", "content_block_delta");
        ev.put("index", index);
        ObjectNode d = ev.putObject("delta");
        d.put("type", type);
        d.put(field, value);
        return event("content_block_delta", ev);
    }

    static SseEvent blockStop(int index) {
        ObjectNode ev = Json.obj();
        ev.put("type", "content_block_stop");
        ev.put("index", index);
        return event("content_block_stop", ev);
    }

    /** message_delta with the stop reason and final usage, then message_stop. */
    static void messageEnd(List<SseEvent> out, String stop, Usage usage) {
        ObjectNode ev = Json.obj();
        ev.put("type", "message_delta");
        ObjectNode d = ev.putObject("delta");
        d.put("stop_reason", stop);
        d.putNull("stop_sequence");
        ev.set("usage", usage(usage));
        out.add(event("message_delta", ev));
        ObjectNode end = Json.obj();
        end.put("type", "message_stop");
        out.add(event("message_stop", end));
    }

    static SseEvent errorEvent(ObjectNode body) {
        return event("error", body);
    }

    /** The backend closed the stream before it finished the answer. */
    static SseEvent truncated() {
        return errorEvent(ErrorBodies.anthropic("api_error", "upstream stream ended before the response was complete"));
    }
}

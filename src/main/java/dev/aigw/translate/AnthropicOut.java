package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;
import static dev.aigw.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.CacheHint;
import dev.aigw.translate.canonical.MediaSource;
import dev.aigw.translate.canonical.Part;
import java.util.Optional;
import java.util.List;

/**
 * Writes Anthropic Messages bodies: the blocks of requests (text with cache_control, images and
 * documents), responses, stream events and errors, shared by both Anthropic codecs.
 */
final class AnthropicOut {

    private AnthropicOut() {
    }

    private static final List<String> ANTHROPIC_IMAGE_TYPES = List.of("image/jpeg", "image/png", "image/gif", "image/webp");

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

    static ObjectNode textBlock(String text, Optional<CacheHint> cache) {
        ObjectNode b = Json.obj();
        b.put("type", "text");
        b.put("text", text);
        cache(b, cache);
        return b;
    }

    static void cache(ObjectNode block, Optional<CacheHint> cache) {
        cache.ifPresent(c -> {
            ObjectNode cc = block.putObject("cache_control");
            cc.put("type", c.type());
            c.ttl().ifPresent(t -> cc.put("ttl", t));
        });
    }

    static ObjectNode media(Part.Media m, Warnings w) throws TranslationException {
        String at = w.at(m, "messages");
        ObjectNode block = Json.obj();
        block.put("type", m.kind() == Part.Media.Kind.IMAGE ? "image" : "document");
        ObjectNode source = block.putObject("source");
        switch (m.kind()) {
            case AUDIO -> throw unsupported(at, "audio input is not supported by anthropic-messages backends");
            case IMAGE -> {
                switch (m.source()) {
                    case MediaSource.Base64 b -> {
                        // Clients often write image/jpg; Anthropic accepts only these four exact types.
                        String type = b.mediaType().equals("image/jpg") ? "image/jpeg" : b.mediaType();
                        if (!ANTHROPIC_IMAGE_TYPES.contains(type)) {
                            throw unsupported(at, "image type " + type + " is not supported; use jpeg, png, gif or webp");
                        }
                        source.put("type", "base64");
                        source.put("media_type", type);
                        source.put("data", b.data());
                    }
                    case MediaSource.Url u when Media.isHttpUrl(u.url()) -> {
                        source.put("type", "url");
                        source.put("url", u.url());
                    }
                    case MediaSource.Url u -> throw invalid(at, "must be an http(s) URL or a base64 data URL");
                    case MediaSource.FileId f -> throw unsupported(at, "file ids cannot be resolved for anthropic-messages backends");
                }
            }
            case DOCUMENT -> {
                switch (m.source()) {
                    case MediaSource.Base64 b -> {
                        source.put("type", "base64");
                        source.put("media_type", b.mediaType());
                        source.put("data", b.data());
                    }
                    case MediaSource.Url u when Media.isHttpUrl(u.url()) -> {
                        source.put("type", "url");
                        source.put("url", u.url());
                    }
                    case MediaSource.Url u -> throw unsupported(at, "documents must be base64 or http(s) URLs for anthropic-messages backends");
                    case MediaSource.FileId f -> throw unsupported(at,
                            "uploaded file ids cannot be resolved for anthropic-messages backends; send file_data");
                }
                m.title().ifPresent(t -> block.put("title", t));
            }
        }
        cache(block, m.cache());
        return block;
    }
}

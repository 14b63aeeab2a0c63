package dev.aigw.translate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Writes events back as AWS event-stream messages ({@code application/vnd.amazon.eventstream}),
 * the inverse of {@link EventStreamParser}: an event named {@code exception:<type>} becomes a
 * {@code :message-type exception} message with that {@code :exception-type}, {@code error:<code>}
 * an {@code error} message (its {@code message} field the {@code :error-message}), any other a
 * {@code :message-type event} with the name as {@code :event-type}; the data is the JSON payload.
 * Each message is encoded, prelude and message CRCs included, by the AWS codec's
 * {@link Message#encode}, so what the parser read from Bedrock and the guard changed goes to the
 * client framed as Bedrock frames it.
 */
public final class EventStreamWriter {
    private EventStreamWriter() {
    }

    public static byte[] encode(List<SseEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 160);
        for (SseEvent e : events) encode(e, out);
        return out.toByteArray();
    }

    public static byte[] encode(SseEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        encode(e, out);
        return out.toByteArray();
    }

    /**
     * One exception message, as Bedrock ends a ConverseStream that failed: the AWS SDKs raise the
     * modelled exception named {@code type} (for example {@code modelStreamErrorException}) with
     * {@code message}.
     */
    public static byte[] exception(String type, String message) {
        return encode(SseEvent.of(EventStreamParser.EXCEPTION + type, Json.write(Json.obj().put("message", message))));
    }

    private static void encode(SseEvent e, ByteArrayOutputStream out) {
        String name = e.event().orElse("");
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        byte[] payload;
        if (name.startsWith(EventStreamParser.ERROR)) {
            h.put(":message-type", HeaderValue.fromString("error"));
            h.put(":error-code", HeaderValue.fromString(name.substring(EventStreamParser.ERROR.length())));
            h.put(":error-message", HeaderValue.fromString(Json.parseObject(e.data())
                    .map(o -> o.path("message").asText("")).orElse(e.data())));
            payload = new byte[0];
        } else {
            if (name.startsWith(EventStreamParser.EXCEPTION)) {
                h.put(":message-type", HeaderValue.fromString("exception"));
                h.put(":exception-type", HeaderValue.fromString(name.substring(EventStreamParser.EXCEPTION.length())));
            } else {
                h.put(":message-type", HeaderValue.fromString("event"));
                h.put(":event-type", HeaderValue.fromString(name));
            }
            h.put(":content-type", HeaderValue.fromString("application/json"));
            payload = e.data().getBytes(StandardCharsets.UTF_8);
        }
        new Message(h, payload).encode(out);
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Builds AWS event-stream bytes (Bedrock ConverseStream framing) from the readable
 * {@code upstream-stream.events.json} of a golden case, a JSON array whose entries are
 * <ul>
 *   <li>{@code {"eventType": "contentBlockDelta", "payload": {...}}}: an event message;</li>
 *   <li>{@code {"exceptionType": "throttlingException", "payload": {"message": ...}}}: an exception;</li>
 *   <li>either of those with {@code "corrupt": true}: one payload byte flipped after encoding,
 *       so the message checksum fails;</li>
 *   <li>{@code {"truncate": n}}: the previous message loses its last n bytes, and is the last.</li>
 * </ul>
 * Binaries are generated rather than committed so that fixtures stay reviewable.
 */
public final class EventStreamFixtures {
    private EventStreamFixtures() {
    }

    /** One byte array per message, in order. */
    public static List<byte[]> encode(JsonNode entries) {
        List<byte[]> out = new ArrayList<>();
        for (JsonNode e : entries) {
            if (e.has("truncate")) {
                byte[] last = out.remove(out.size() - 1);
                out.add(Arrays.copyOf(last, last.length - e.get("truncate").asInt()));
                continue;
            }
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            if (e.has("exceptionType")) {
                headers.put(":exception-type", HeaderValue.fromString(e.get("exceptionType").asText()));
                headers.put(":content-type", HeaderValue.fromString("application/json"));
                headers.put(":message-type", HeaderValue.fromString("exception"));
            } else {
                headers.put(":event-type", HeaderValue.fromString(e.get("eventType").asText()));
                headers.put(":content-type", HeaderValue.fromString("application/json"));
                headers.put(":message-type", HeaderValue.fromString("event"));
            }
            byte[] payload = Json.write(e.get("payload")).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new Message(headers, payload).encode(bytes);
            byte[] encoded = bytes.toByteArray();
            if (e.path("corrupt").asBoolean(false)) {
                encoded[encoded.length - 5] ^= 0x01; // last payload byte, before the CRC
            }
            out.add(encoded);
        }
        return out;
    }

    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}

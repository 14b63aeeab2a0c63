package dev.aigw.translate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes events to wire bytes; stateless, so one instance can serve every stream. */
public final class SseWriter {
    private SseWriter() {
    }

    public static byte[] encode(List<SseEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseEvent e : events) {
            out.writeBytes(e.bytes());
        }
        return out.toByteArray();
    }

    public static String encodeToString(List<SseEvent> events) {
        return new String(encode(events), StandardCharsets.UTF_8);
    }
}

package dev.aigw.translate;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes events to wire bytes; stateless, so one instance can serve every stream. */
public final class SseWriter {
    private SseWriter() {
    }

    /** One array of the exact size (a growing stream copied a translated chunk's events about three times over). */
    public static byte[] encode(List<SseEvent> events) {
        if (events.size() == 1) {
            return events.get(0).bytes();
        }
        byte[][] parts = new byte[events.size()][];
        int size = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = events.get(i).bytes();
            size += parts[i].length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    public static String encodeToString(List<SseEvent> events) {
        return new String(encode(events), StandardCharsets.UTF_8);
    }
}

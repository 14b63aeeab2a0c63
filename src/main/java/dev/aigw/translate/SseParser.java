package dev.aigw.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Incremental server-sent-events parser (WHATWG "event stream interpretation").
 *
 * <p>Bytes are buffered per line and only decoded once the line is complete, so a UTF-8
 * sequence split across chunks decodes correctly. LF, CR and CRLF all end a line, including a
 * CRLF whose two bytes arrive in different chunks. Not thread-safe: one parser per stream.
 */
public final class SseParser implements StreamParser {

    /** Large enough for base64 images some providers stream inline, small enough to bound memory. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean lastWasCr;
    private boolean firstLine = true;
    private int eventBytes;
    private boolean failed;

    private String eventType;
    /** The event's data: the common single {@code data:} line as it is, more lines joined in {@link #moreData}. */
    private String data;
    private StringBuilder moreData;
    private String id;

    public SseParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseParser(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public List<SseEvent> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    @Override
    public List<SseEvent> feed(ByteBuffer chunk) {
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        return feed(copy);
    }

    @Override
    public List<SseEvent> feed(byte[] chunk, int off, int len) {
        if (failed) {
            throw new SseException("parser already failed");
        }
        List<SseEvent> out = new ArrayList<>();
        int end = off + len;
        int i = off;
        while (i < end) {
            byte b = chunk[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // second half of a CRLF
                } else {
                    endLine(out);
                }
                i++;
            } else if (b == '\r') {
                lastWasCr = true;
                endLine(out);
                i++;
            } else {
                lastWasCr = false;
                // The rest of the line in one copy: a byte-at-a-time append was a tenth of a relayed stream's cost.
                int j = i + 1;
                while (j < end && chunk[j] != '\n' && chunk[j] != '\r') j++;
                append(chunk, i, j - i);
                i = j;
            }
        }
        return out;
    }

    /**
     * Ends the stream. Unlike the spec, which drops an event without its closing blank line, this
     * dispatches it: a truncated upstream often omits only the final blank line, and its last
     * complete payload (for example a usage chunk) is still worth translating.
     */
    @Override
    public List<SseEvent> finish() {
        if (failed) {
            return List.of();
        }
        List<SseEvent> out = new ArrayList<>();
        if (lineLen > 0) {
            endLine(out);
        }
        dispatch(out);
        return out;
    }

    private void append(byte[] src, int from, int n) {
        if (eventBytes + lineLen + n > maxEventBytes) {
            failed = true;
            throw new SseException("SSE event exceeds " + maxEventBytes + " bytes");
        }
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(src, from, line, lineLen, n);
        lineLen += n;
    }

    private void endLine(List<SseEvent> out) {
        String text = new String(line, 0, lineLen, StandardCharsets.UTF_8);
        eventBytes += lineLen;
        lineLen = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256]; // don't pin a huge buffer after one big event
        }
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch(out);
            return;
        }
        if (text.charAt(0) == ':') {
            return; // comment, used by servers as keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                if (data == null) {
                    data = value;
                } else {
                    if (moreData == null) moreData = new StringBuilder(data.length() + value.length() + 1).append(data);
                    moreData.append('\n').append(value);
                }
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            default -> {
                // "retry" and unknown fields carry nothing translation needs.
            }
        }
    }

    private void dispatch(List<SseEvent> out) {
        if (data != null) {
            String d = moreData != null ? moreData.toString() : data;
            out.add(new SseEvent(Optional.ofNullable(eventType), d, Optional.ofNullable(id)));
        }
        eventType = null;
        data = null;
        moreData = null;
        id = null;
        eventBytes = 0;
    }
}

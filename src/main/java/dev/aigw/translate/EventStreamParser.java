package dev.aigw.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Incremental parser of the AWS binary event stream ({@code application/vnd.amazon.eventstream})
 * that Bedrock's ConverseStream answers with, producing the same {@link SseEvent} records the
 * SSE parser does so that stream translators need not know the framing:
 * <ul>
 *   <li>{@code :message-type event}: event = {@code :event-type} (for example
 *       {@code contentBlockDelta}), data = the JSON payload;</li>
 *   <li>{@code :message-type exception}: event = {@code exception:<:exception-type>} (for
 *       example {@code exception:throttlingException}), data = the JSON payload
 *       ({@code {"message": ...}});</li>
 *   <li>{@code :message-type error}: event = {@code error:<:error-code>}, data =
 *       {@code {"message": <:error-message>}}.</li>
 * </ul>
 *
 * <p>Messages are cut here (each starts with its total length) and decoded, checksums included,
 * by the AWS codec's {@link Message#decode}. The codec's own {@code MessageDecoder} is not used
 * because it preallocates 2 MiB per stream and cannot bound message size. A checksum or length
 * failure throws {@link EventStreamException} and leaves the parser failed; messages completed
 * earlier in the same chunk are returned first and the exception is thrown by the next
 * {@code feed} or {@code finish}, so no good event is lost to a bad one. A truncated final
 * message is simply not emitted ({@link #pendingBytes()} tells how much was cut off), so the
 * stream translator's {@code onEnd} reports the truncation.
 */
public final class EventStreamParser implements StreamParser {

    /** Same bound as SSE events; the codec itself allows up to 24 MiB of payload. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = SseParser.DEFAULT_MAX_EVENT_BYTES;

    /** total length (4) + headers length (4) + prelude CRC (4) + message CRC (4). */
    private static final int MIN_MESSAGE_BYTES = 16;

    private final int maxMessageBytes;
    private byte[] buf = new byte[1024];
    private int len;
    private EventStreamException failure;

    public EventStreamParser() {
        this(DEFAULT_MAX_MESSAGE_BYTES);
    }

    public EventStreamParser(int maxMessageBytes) {
        if (maxMessageBytes < MIN_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be at least " + MIN_MESSAGE_BYTES);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public List<SseEvent> feed(byte[] chunk, int off, int n) {
        if (failure != null) {
            throw failure;
        }
        List<SseEvent> out = new ArrayList<>();
        int i = off;
        int end = off + n;
        try {
            while (i < end) {
                // Copy no more than the current message needs, so a huge chunk is not buffered whole.
                int want = len < 4 ? 4 - len : totalLength() - len;
                int take = Math.min(want, end - i);
                append(chunk, i, take);
                i += take;
                if (len == 4) {
                    int total = totalLength();
                    if (total < MIN_MESSAGE_BYTES || total > maxMessageBytes) {
                        throw new EventStreamException("event-stream message length " + Integer.toUnsignedString(total)
                                + " is outside 16.." + maxMessageBytes, null);
                    }
                }
                if (len >= 4 && len == totalLength()) {
                    out.add(decode());
                }
            }
        } catch (EventStreamException e) {
            failure = e;
            if (out.isEmpty()) {
                throw e;
            }
            // Hand over what was whole before the bad message; the error comes with the next call.
        }
        return out;
    }

    @Override
    public List<SseEvent> finish() {
        if (failure != null) {
            throw failure;
        }
        return List.of();
    }

    /** Bytes of an incomplete message still buffered: non-zero after finish means truncation. */
    public int pendingBytes() {
        return len;
    }

    private int totalLength() {
        return (buf[0] & 0xff) << 24 | (buf[1] & 0xff) << 16 | (buf[2] & 0xff) << 8 | (buf[3] & 0xff);
    }

    private void append(byte[] src, int off, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    private SseEvent decode() {
        Message m;
        try {
            m = Message.decode(ByteBuffer.wrap(buf, 0, len));
        } catch (RuntimeException e) {
            throw new EventStreamException("invalid event-stream message: " + e.getMessage(), e);
        } finally {
            len = 0;
            if (buf.length > 64 * 1024) {
                buf = new byte[1024]; // don't pin a huge buffer after one big message
            }
        }
        String payload = new String(m.getPayload(), StandardCharsets.UTF_8);
        String type = header(m, ":message-type").orElse("event");
        return switch (type) {
            case "exception" -> SseEvent.of(EXCEPTION + header(m, ":exception-type").orElse("unknown"), payload);
            case "error" -> {
                var body = Json.obj();
                body.put("message", header(m, ":error-message").orElse(""));
                yield SseEvent.of(ERROR + header(m, ":error-code").orElse("unknown"), Json.write(body));
            }
            default -> SseEvent.of(header(m, ":event-type").orElse(""), payload);
        };
    }

    /** The name prefix of an exception message's event ({@code exception:<type>}). */
    public static final String EXCEPTION = "exception:";
    /** The name prefix of an error message's event ({@code error:<code>}). */
    public static final String ERROR = "error:";

    /** Whether an event read here is an exception or error message: either ends the stream. */
    public static boolean isFailure(String eventName) {
        return eventName.startsWith(EXCEPTION) || eventName.startsWith(ERROR);
    }

    private static Optional<String> header(Message m, String name) {
        HeaderValue v = m.getHeaders().get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.getString());
        } catch (RuntimeException notAString) { // the codec's HeaderType is not public
            return Optional.empty();
        }
    }
}

package dev.aigw.translate;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Incremental parser of one upstream stream body into events, whatever the framing
 * ({@link StreamFraming#newParser()}). Not thread-safe: one parser per stream.
 *
 * <p>{@code feed} (or {@code finish}) throws a {@link StreamFramingException} when the bytes
 * cannot be framed; the parser is then unusable, and the caller should stop reading and end the
 * translation with {@link StreamTranslator#onEnd()} so the client still gets a well-formed ending.
 * {@link EventStreamParser} first returns the events completed before the bad bytes and throws on
 * the next call.
 */
public interface StreamParser {

    List<SseEvent> feed(byte[] chunk, int off, int len);

    default List<SseEvent> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    default List<SseEvent> feed(ByteBuffer chunk) {
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        return feed(copy);
    }

    /** Ends the stream, returning any event the framing allows to complete at end of input. */
    List<SseEvent> finish();
}

package dev.aigw.translate;

/**
 * How a backend frames a streamed response body. Whichever it is, the parser turns the bytes
 * into {@link SseEvent}s, so every {@link StreamTranslator} consumes one event type.
 */
public enum StreamFraming {
    /** {@code text/event-stream}. */
    SSE("text/event-stream"),
    /** AWS binary event stream ({@code application/vnd.amazon.eventstream}), used by Bedrock. */
    AWS_EVENT_STREAM("application/vnd.amazon.eventstream");

    private final String contentType;

    StreamFraming(String contentType) {
        this.contentType = contentType;
    }

    /** Content type the upstream answers a streaming request with. */
    public String contentType() {
        return contentType;
    }

    /** A fresh parser for one upstream stream. */
    public StreamParser newParser() {
        return switch (this) {
            case SSE -> new SseParser();
            case AWS_EVENT_STREAM -> new EventStreamParser();
        };
    }
}

package dev.aigw.translate;

/** The upstream byte stream is not acceptable SSE (for example an event exceeds the size bound). */
public final class SseException extends StreamFramingException {
    public SseException(String message) {
        super(message);
    }
}

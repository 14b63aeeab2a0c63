package dev.aigw.translate;

/** The upstream byte stream is not a valid AWS event stream (checksum or length failure). */
public final class EventStreamException extends StreamFramingException {
    public EventStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}

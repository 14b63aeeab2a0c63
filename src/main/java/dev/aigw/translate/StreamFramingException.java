package dev.aigw.translate;

/** The upstream byte stream cannot be framed into events (bad SSE, bad AWS event stream). */
public class StreamFramingException extends RuntimeException {
    public StreamFramingException(String message) {
        super(message);
    }

    public StreamFramingException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.aigw.translate;

import java.util.List;
import java.util.Optional;

/**
 * Stateful translation of one upstream event stream. Feed it parsed upstream events in order,
 * then call {@link #onEnd()} once when the upstream closes, whether or not it finished cleanly:
 * the output always ends the way a client of the client schema expects.
 */
public interface StreamTranslator {

    List<SseEvent> onEvent(SseEvent upstreamEvent);

    List<SseEvent> onEnd();

    /** Usage seen so far; final once {@link #onEnd()} has run. */
    Usage usage();

    Optional<String> model();

    /** Finish reason in the client's vocabulary, empty if the upstream never said. */
    Optional<String> finishReason();

    /** True once the upstream signalled a clean end (not cut off, not an error event). */
    boolean completed();

    /**
     * True when {@link #onEvent} returns every event exactly as given, so the proxy may write the
     * upstream's raw bytes to the client and feed the parsed events here only for accounting.
     */
    default boolean passthrough() {
        return false;
    }

    /**
     * The completion text streamed so far (content, reasoning, tool arguments), for estimating
     * tokens when the upstream reports none. Empty when this translator does not keep it.
     */
    default StreamedText streamedText() {
        return StreamedText.NONE;
    }

    /**
     * @param text  the text kept (bounded)
     * @param chars the length of all text seen, which may exceed {@code text.length()}
     */
    record StreamedText(String text, long chars) {
        public static final StreamedText NONE = new StreamedText("", 0);
    }
}

package dev.aigw.translate;

/** Completion text of a stream for token estimation (translated or relayed), the first {@link Identity#MAX_TEXT_CHARS} kept, all counted. */
final class StreamedTextBuffer {
    private final StringBuilder text = new StringBuilder();
    private long chars;

    void add(String s) {
        chars += s.length();
        int room = Identity.MAX_TEXT_CHARS - text.length();
        if (room > 0) {
            text.append(s, 0, Math.min(room, s.length()));
        }
    }

    StreamTranslator.StreamedText snapshot() {
        return chars == 0 ? StreamTranslator.StreamedText.NONE : new StreamTranslator.StreamedText(text.toString(), chars);
    }
}

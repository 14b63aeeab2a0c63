package dev.aigw.translate.canonical;

/**
 * @param stream       the client wants a stream
 * @param includeUsage the client wants usage in the stream (OpenAI stream_options.include_usage;
 *                     Anthropic and Gemini clients always get it)
 */
public record StreamOptions(boolean stream, boolean includeUsage) {
    public static final StreamOptions NONE = new StreamOptions(false, false);
}

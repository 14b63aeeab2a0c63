package dev.aigw.translate;

/**
 * Token usage in one vocabulary whatever the provider.
 *
 * <p>{@code input} counts every prompt token, cached or not (OpenAI's prompt_tokens meaning);
 * Anthropic reports uncached input apart from cache reads and writes, so its three counters are
 * summed here. {@code cacheRead} and {@code cacheWrite} are subsets of {@code input};
 * {@code reasoning} is a subset of {@code output}.
 */
public record Usage(long input, long output, long total, long cacheRead, long cacheWrite, long reasoning) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

    public static Usage of(long input, long output, long cacheRead, long cacheWrite, long reasoning) {
        return new Usage(input, output, input + output, cacheRead, cacheWrite, reasoning);
    }
}

package dev.aigw.translate.canonical;

/**
 * What a provider format can carry, so client-side decisions (defaults, warnings) need not know the format.
 *
 * @param requiresMaxTokens  a request without a max-token count is refused (Anthropic, so codecs send a default)
 * @param maxTemperature     the highest temperature accepted (1 for Anthropic, 2 for OpenAI and Gemini)
 * @param thinkingSignatures replayed thinking keeps its signature (Anthropic, Bedrock-Claude)
 * @param cacheHints         explicit cache breakpoints are honoured (Anthropic, Bedrock)
 * @param deferredTools      tool search ({@code defer_loading}) exists
 */
public record Capabilities(boolean requiresMaxTokens, double maxTemperature, boolean thinkingSignatures,
                           boolean cacheHints, boolean deferredTools) {
}

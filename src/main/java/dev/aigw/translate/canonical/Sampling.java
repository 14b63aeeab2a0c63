package dev.aigw.translate.canonical;

import java.util.List;
import java.util.Optional;

/**
 * Decoding controls. Empty means the client did not set it; encoders write only what is set,
 * except a max-token count for providers that require one ({@link Capabilities#requiresMaxTokens()}).
 *
 * @param maxTokens  output token limit (OpenAI max_completion_tokens/max_tokens, Anthropic
 *                   max_tokens, Gemini maxOutputTokens, Bedrock maxTokens)
 * @param candidates number of choices (OpenAI n, Gemini candidateCount)
 */
public record Sampling(Optional<Double> temperature, Optional<Double> topP, Optional<Integer> topK,
                       Optional<Long> maxTokens, List<String> stop, Optional<Long> seed,
                       Optional<Double> presencePenalty, Optional<Double> frequencyPenalty,
                       Optional<Integer> candidates) {

    public static final Sampling NONE = new Sampling(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Sampling {
        stop = List.copyOf(stop);
    }
}

package dev.aigw.translate.canonical;

import dev.aigw.translate.Usage;
import java.util.List;
import java.util.Optional;

/**
 * A whole (non-streamed) answer: one choice.
 *
 * @param id           the provider's response id, empty when it gave none (codecs then generate one)
 * @param model        the model that answered, empty when the provider does not say (Bedrock)
 * @param content      answer parts in order: text, thinking, tool calls
 * @param finish       why it stopped
 * @param stopSequence the stop sequence that matched, where the provider says
 */
public record ChatResponse(Optional<String> id, Optional<String> model, List<Part> content, FinishReason finish,
                           Optional<String> stopSequence, Usage usage) {
    public ChatResponse {
        content = List.copyOf(content);
    }
}

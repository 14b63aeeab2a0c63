package dev.aigw.translate;

import java.util.Optional;

/** Factory for the supported pairs. */
public final class Translators {
    private Translators() {
    }

    /**
     * The translator for a pair; for {@code client == backend} an {@link Identity} that passes
     * bodies through and still reports usage.
     */
    public static Optional<Translator> create(Schema client, Schema backend) {
        if (client == backend) {
            return Optional.of(new Identity(client));
        }
        return switch (client) {
            case OPENAI_CHAT -> switch (backend) {
                case ANTHROPIC_MESSAGES -> Optional.of(new OpenAiChatToAnthropicMessages());
                case GEMINI_GENERATE -> Optional.of(new OpenAiChatToGeminiGenerate());
                case BEDROCK_CONVERSE -> Optional.of(new OpenAiChatToBedrockConverse());
                default -> Optional.empty();
            };
            case ANTHROPIC_MESSAGES -> switch (backend) {
                case OPENAI_CHAT -> Optional.of(new AnthropicMessagesToOpenAiChat());
                case GEMINI_GENERATE -> Optional.of(new AnthropicMessagesToGeminiGenerate());
                case BEDROCK_CONVERSE -> Optional.of(new AnthropicMessagesToBedrockConverse());
                default -> Optional.empty();
            };
            case GEMINI_GENERATE -> switch (backend) {
                case OPENAI_CHAT -> Optional.of(new GeminiGenerateToOpenAiChat());
                case ANTHROPIC_MESSAGES -> Optional.of(new GeminiGenerateToAnthropicMessages());
                case BEDROCK_CONVERSE -> Optional.of(new GeminiGenerateToBedrockConverse());
                default -> Optional.empty();
            };
            default -> Optional.empty();
        };
    }
}

package dev.aigw.translate;

import dev.aigw.translate.canonical.Capabilities;
import java.util.Optional;

/**
 * The translator for a (client, backend) pair: {@link Identity} for the same format on both sides,
 * otherwise the client's codec composed with the backend's through the canonical model.
 */
public final class Translators {
    private Translators() {
    }

    /** The client side of a format, empty when the gateway does not serve clients of it (Bedrock). */
    static Optional<ClientCodec> client(Schema s) {
        return switch (s) {
            case OPENAI_CHAT -> Optional.of(OpenAiChatClient.INSTANCE);
            case ANTHROPIC_MESSAGES -> Optional.of(AnthropicMessagesClient.INSTANCE);
            case GEMINI_GENERATE -> Optional.of(GeminiGenerateClient.INSTANCE);
            // Per exchange: it remembers the request's custom tools and the fields its answer echoes.
            case OPENAI_RESPONSES -> Optional.of(new ResponsesClient());
            default -> Optional.empty();
        };
    }

    static Optional<ProviderCodec> provider(Schema s) {
        return switch (s) {
            case ANTHROPIC_MESSAGES -> Optional.of(AnthropicMessagesProvider.INSTANCE);
            case OPENAI_CHAT -> Optional.of(OpenAiChatProvider.INSTANCE);
            case GEMINI_GENERATE -> Optional.of(GeminiGenerateProvider.INSTANCE);
            case BEDROCK_CONVERSE -> Optional.of(BedrockConverseProvider.INSTANCE);
            default -> Optional.empty();
        };
    }

    /** What each provider format can carry (see {@link Capabilities}). */
    static Capabilities capabilities(Schema s) {
        return switch (s) {
            // The Responses API is OpenAI's own: as Chat (it is only passed through to OpenAI, never encoded).
            case OPENAI_CHAT, GEMINI_GENERATE, OPENAI_RESPONSES, OPENAI_EMBEDDINGS -> new Capabilities(false, 2.0, false, false, false);
            case ANTHROPIC_MESSAGES -> new Capabilities(true, 1.0, true, true, true);
            case BEDROCK_CONVERSE -> new Capabilities(true, 1.0, true, true, false);
        };
    }

    /**
     * The translator for a pair; for {@code client == backend} an {@link Identity} that passes
     * bodies through and still reports usage.
     */
    public static Optional<Translator> create(Schema client, Schema backend) {
        if (client == backend) {
            return Optional.of(new Identity(client));
        }
        Optional<ClientCodec> c = client(client);
        Optional<ProviderCodec> p = provider(backend);
        if (c.isPresent() && p.isPresent()) {
            return Optional.of(new Composed(c.get(), p.get()));
        }
        return Optional.empty();
    }
}

package dev.aigw.proxy;

import dev.aigw.provider.AnthropicProvider;
import dev.aigw.provider.AzureOpenAiProvider;
import dev.aigw.provider.BedrockProvider;
import dev.aigw.provider.GeminiProvider;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.OpenAiProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.Providers;
import dev.aigw.provider.VertexAiProvider;
import dev.aigw.translate.Embeddings;
import dev.aigw.translate.Identity;
import dev.aigw.translate.Schema;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;

import java.util.Optional;

/**
 * Which wire format an attempt's upstream body is in, and the translator to it, for a client
 * format and a provider: the Responses API passes through to providers that serve it and is
 * translated to the chat API of the others; embeddings go to each provider's embedding API;
 * everything else to the provider's native format.
 */
final class TranslatorChoice {
    private TranslatorChoice() {
    }

    /** The format the upstream body is in; empty for a provider without one (never, today). */
    static Optional<Schema> wire(Schema client, Provider p) {
        if (client == Schema.OPENAI_RESPONSES && Providers.servesResponses(p)) return Optional.of(Schema.OPENAI_RESPONSES);
        if (client == Schema.OPENAI_EMBEDDINGS) return Optional.of(Schema.OPENAI_EMBEDDINGS);
        return Providers.schema(p);
    }

    static Optional<Translator> create(Schema client, Provider p) {
        if (client == Schema.OPENAI_EMBEDDINGS) {
            return switch (p) {
                case OpenAiProvider o -> Optional.of(new Identity(Schema.OPENAI_EMBEDDINGS));
                case AzureOpenAiProvider a -> Optional.of(new Identity(Schema.OPENAI_EMBEDDINGS));
                case GeminiProvider g -> Optional.of(new Embeddings(Embeddings.Target.GEMINI));
                case VertexAiProvider v -> Optional.of(new Embeddings(Embeddings.Target.VERTEX));
                case BedrockProvider b -> Optional.of(new Embeddings(Embeddings.bedrockTarget(b.spec().model())));
                case AnthropicProvider a -> Optional.empty(); // Anthropic has no embeddings API
                case MockProvider m -> Optional.empty();
            };
        }
        Optional<Schema> wire = wire(client, p);
        return wire.flatMap(w -> Translators.create(client, w));
    }

    /** Why {@link #create} found nothing, for the 501 the client gets. */
    static String unsupported(Schema client, Provider p) {
        if (client == Schema.OPENAI_EMBEDDINGS) {
            return "the " + p.kind() + " provider has no embeddings API; route embeddings to OpenAI, Azure OpenAI, "
                    + "Gemini, Vertex AI or Bedrock";
        }
        return "translating " + client.id() + " requests to " + wire(client, p).map(Schema::id).orElse("?") + " ("
                + p.kind() + ") is not supported yet; send the provider's own format instead";
    }
}

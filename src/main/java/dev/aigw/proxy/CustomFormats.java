package dev.aigw.proxy;

import dev.aigw.route.ProviderRules;
import dev.aigw.translate.Schema;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of an agentgateway {@code custom} provider's formats a request goes to: its own format
 * as it is when the provider lists it, else the first listed format the gateway can translate it
 * to (Completions ↔ Messages, Responses → Completions or Messages, Gemini → Completions or
 * Messages); embeddings only to Embeddings, counts only to AnthropicTokenCount.
 */
final class CustomFormats {
    private static final Map<Schema, List<Schema>> REACH = Map.of(
            Schema.OPENAI_CHAT, List.of(Schema.ANTHROPIC_MESSAGES),
            Schema.ANTHROPIC_MESSAGES, List.of(Schema.OPENAI_CHAT),
            Schema.OPENAI_RESPONSES, List.of(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES),
            Schema.GEMINI_GENERATE, List.of(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES));

    private CustomFormats() {
    }

    static Optional<ProviderRules.Format> choose(ClientFormat format, Schema client, List<ProviderRules.Format> formats) {
        if (format instanceof ClientFormat.CountTokens) {
            return formats.stream().filter(f -> f.type().equals("AnthropicTokenCount")).findFirst();
        }
        if (client == null) return Optional.empty();
        for (ProviderRules.Format f : formats) if (f.wire().equals(Optional.of(client))) return Optional.of(f);
        List<Schema> reach = REACH.getOrDefault(client, List.of());
        for (ProviderRules.Format f : formats) {
            if (f.wire().isPresent() && reach.contains(f.wire().get())) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** The translator from the client's format to the chosen format's. */
    static Optional<Translator> translator(Schema client, ProviderRules.Format f) {
        return f.wire().flatMap(w -> Translators.create(client, w));
    }

    /** Why no format fits, for the 501 the client gets. */
    static String unreachable(String provider, ClientFormat format, Schema client, List<ProviderRules.Format> formats) {
        String what = format instanceof ClientFormat.CountTokens ? "a token count (AnthropicTokenCount)"
                : "a request " + (client == null ? "in no known format" : "in the " + client.id() + " format");
        return "custom provider " + provider + " lists formats " + formats.stream().map(ProviderRules.Format::type).toList()
                + ", none of which " + what + " can be sent or translated to";
    }
}

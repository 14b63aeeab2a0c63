package dev.aigw.proxy;

import dev.aigw.translate.Schema;

import java.util.Optional;

/**
 * Which API the client speaks, read from the end of its path: {@code …/chat/completions} is
 * OpenAI, {@code …/v1/messages} Anthropic, {@code …:generateContent} Gemini, a GET of
 * {@code …/models} the model list. Anything else is the provider's own format, passed as is.
 */
sealed interface ClientFormat {
    record Api(Schema schema) implements ClientFormat {
    }

    record ModelList() implements ClientFormat {
    }

    /** Anthropic's {@code /v1/messages/count_tokens}: nothing is generated, no tokens are spent. */
    record CountTokens() implements ClientFormat {
    }

    record Native() implements ClientFormat {
    }

    static ClientFormat detect(String method, String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.endsWith("/chat/completions")) return new Api(Schema.OPENAI_CHAT);
        if (p.endsWith("/v1/messages")) return new Api(Schema.ANTHROPIC_MESSAGES);
        if (p.endsWith("/v1/messages/count_tokens")) return new CountTokens();
        if (p.endsWith(":generateContent") || p.endsWith(":streamGenerateContent")) {
            return new Api(Schema.GEMINI_GENERATE);
        }
        if (method.equals("GET") && p.endsWith("/models")) return new ModelList();
        return new Native();
    }

    /** The format the client's errors are rendered in (null: OpenAI's shape, for clients in no known API). */
    default Schema errorSchema() {
        if (this instanceof CountTokens) return Schema.ANTHROPIC_MESSAGES;
        return this instanceof Api a ? a.schema() : null;
    }

    default Optional<Schema> api() {
        return this instanceof Api a ? Optional.of(a.schema()) : Optional.empty();
    }
}

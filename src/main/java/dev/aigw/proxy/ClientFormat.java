package dev.aigw.proxy;

import dev.aigw.translate.Schema;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which API the client speaks, read from the end of its path: {@code …/chat/completions} is
 * OpenAI Chat, {@code …/responses} the Responses API, {@code …/embeddings} embeddings,
 * {@code …/v1/messages} Anthropic, {@code …:generateContent} Gemini, a GET of {@code …/models}
 * the model list; the providers' other endpoints (files, batches, images, audio, moderations,
 * models, count tokens) are passed through. A POST elsewhere is the provider's own format;
 * anything else is not served. A Backend's {@code routes} replace these defaults ({@link AiPaths}).
 */
sealed interface ClientFormat {
    record Api(Schema schema) implements ClientFormat {
    }

    record ModelList() implements ClientFormat {
    }

    /** Anthropic's {@code /v1/messages/count_tokens}: nothing is generated, no tokens are spent. */
    record CountTokens() implements ClientFormat {
    }

    /** The Responses API's {@code POST …/responses/input_tokens}: a count, nothing generated. */
    record ResponsesInputTokens() implements ClientFormat {
    }

    record Native() implements ClientFormat {
    }

    /**
     * Forwarded to the provider as it came (method, path below the route's prefix, query, body
     * streamed both ways), with the Backend's credential; {@code meter}: usage read from the answer.
     */
    record Passthrough(boolean meter) implements ClientFormat {
    }

    /** A path the route does not serve: 404 with the reason. */
    record Unserved(String reason) implements ClientFormat {
    }

    /** The providers' endpoints other than generation, passed through by default. */
    Pattern OTHER_ENDPOINTS = Pattern.compile(".*/(files|uploads|batches|images|audio|moderations|models|vector_stores"
            + "|fine_tuning|responses|messages/batches)(/.*)?|.*:(countTokens|embedContent|batchEmbedContents)");

    static ClientFormat detect(String method, String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.endsWith("/chat/completions")) return new Api(Schema.OPENAI_CHAT);
        if (p.endsWith("/v1/messages")) return new Api(Schema.ANTHROPIC_MESSAGES);
        if (p.endsWith("/v1/messages/count_tokens")) return new CountTokens();
        if (p.endsWith(":generateContent") || p.endsWith(":streamGenerateContent")) {
            return new Api(Schema.GEMINI_GENERATE);
        }
        if (method.equals("POST") && p.endsWith("/responses/input_tokens")) return new ResponsesInputTokens();
        if (method.equals("POST") && p.endsWith("/responses")) {
            return new Api(Schema.OPENAI_RESPONSES);
        }
        if (method.equals("POST") && p.endsWith("/embeddings")) return new Api(Schema.OPENAI_EMBEDDINGS);
        if (method.equals("GET") && p.endsWith("/models")) return new ModelList();
        if (OTHER_ENDPOINTS.matcher(p).matches()) return new Passthrough(true);
        if (method.equals("POST")) return new Native();
        return new Unserved(method + " " + path + " is not an API this route serves");
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

package dev.aigw.translate;

import java.util.Arrays;
import java.util.Optional;

/** Wire formats, named by the ids used in configuration and golden-test folder names. */
public enum Schema {
    OPENAI_CHAT("openai-chat", StreamFraming.SSE),
    ANTHROPIC_MESSAGES("anthropic-messages", StreamFraming.SSE),
    GEMINI_GENERATE("gemini-generate", StreamFraming.SSE),
    /** Amazon Bedrock Converse / ConverseStream. */
    BEDROCK_CONVERSE("bedrock-converse", StreamFraming.AWS_EVENT_STREAM),
    /** OpenAI's Responses API ({@code POST …/responses}). */
    OPENAI_RESPONSES("openai-responses", StreamFraming.SSE),
    /** OpenAI's embeddings ({@code POST …/embeddings}); never streamed. */
    OPENAI_EMBEDDINGS("openai-embeddings", StreamFraming.SSE);

    private final String id;
    private final StreamFraming streamFraming;

    Schema(String id, StreamFraming streamFraming) {
        this.id = id;
        this.streamFraming = streamFraming;
    }

    public String id() {
        return id;
    }

    /** How this schema frames a streamed response, so the proxy picks the matching parser. */
    public StreamFraming streamFraming() {
        return streamFraming;
    }

    public static Optional<Schema> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}

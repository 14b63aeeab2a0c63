package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * What policies (guards, webhooks, prompt enrichment, rejections) may know of one API format's
 * bodies and events, asked of the format instead of switched on: where the text is, how turns are
 * added, how the format says no. One stateless instance per format ({@link #of}).
 */
public interface BodyFormat {

    static BodyFormat of(Schema schema) {
        return switch (schema == null ? Schema.OPENAI_CHAT : schema) {
            case OPENAI_CHAT -> OpenAiChatBodies.INSTANCE;
            case ANTHROPIC_MESSAGES -> AnthropicMessagesBodies.INSTANCE;
            case GEMINI_GENERATE -> GeminiGenerateBodies.INSTANCE;
            case BEDROCK_CONVERSE -> BedrockConverseBodies.INSTANCE;
            case OPENAI_RESPONSES -> ResponsesBodies.INSTANCE;
            case OPENAI_EMBEDDINGS -> EmbeddingsBodies.INSTANCE;
        };
    }

    /** A message a policy adds to the conversation. @param role system, user or assistant */
    record Turn(String role, String content) {
    }

    /** Prompt text of a request body: system, messages; tool calls, images and other parts are not slots. */
    List<TextSlot> requestText(ObjectNode body);

    /**
     * The tool traffic of a request that {@link #requestText} leaves out: the arguments of the
     * conversation's tool calls (role {@code tool_call}) and tool results (role {@code tool}), for
     * guards scoped to ToolInput and ToolOutput. None by default.
     */
    default List<TextSlot> toolText(ObjectNode body) {
        return List.of();
    }

    /** Answer text of a whole response body. */
    List<TextSlot> responseText(ObjectNode body);

    /** True when a whole response calls tools. */
    boolean hasToolCalls(ObjectNode response);

    /** Adds turns before and after the client's, in the format's own places (system text where system goes). */
    void enrich(ObjectNode body, List<Turn> prepend, List<Turn> append);

    /** A policy's refusal in the format's error shape; 5xx means the policy itself failed. */
    ObjectNode rejection(int status, String message);

    /** A whole response holding only {@code text}, the way a stream's held text is judged. */
    ObjectNode responseWithText(String text);

    // ---------------------------------------------------------------- streams of the format

    /** The answer text one stream event adds (empty for none). */
    String streamText(ObjectNode event);

    /** True when a stream event starts or carries a tool call. */
    boolean streamCallsTool(ObjectNode event);

    /** True when a stream event carries answer text that {@link #setStreamText} can replace. */
    boolean carriesStreamText(ObjectNode event);

    void setStreamText(ObjectNode event, String text);

    /**
     * Runs one parsed stream event through a text guard: each text the event carries is fed, per
     * choice, block or candidate ({@code index}), and replaced by what the guard lets out; held
     * text is released where that index ends. Returns the events to send in its place (none when
     * only held text was in it).
     */
    List<SseEvent> guardStream(SseEvent event, ObjectNode data, StreamTextGuard guard);

    /**
     * After {@link #setStreamText} rewrote a held stream's text to {@code text}: the events that
     * repeat the whole text (the Responses API's done events and final response) get it too.
     */
    default List<SseEvent> withWholeText(List<SseEvent> events, String text) {
        return events;
    }

    /** A stream event carrying only {@code text} for {@code index}, shaped like {@code template} where the format repeats fields. */
    SseEvent textEvent(int index, String text, ObjectNode template);

    /** {@code released} followed by {@code event}: held text goes out before the event that ends it. */
    static List<SseEvent> after(List<SseEvent> released, SseEvent event) {
        List<SseEvent> out = new java.util.ArrayList<>(released);
        out.add(event);
        return out;
    }

    /** The policy side of {@link #guardStream}: holds and masks text per index. */
    interface StreamTextGuard {
        /** Appends text for an index and returns what may go out now; {@code template} is kept from the first. */
        String feed(int index, String text, Supplier<ObjectNode> template);

        /** Everything still held for an index ("" when nothing). */
        String releaseAll(int index);

        /** True when text of the index is still held. */
        boolean holds(int index);

        /** Every index's held text as {@link #textEvent}s. */
        List<SseEvent> flush();
    }
}

package dev.aigw.translate.canonical;

/** Why generation stopped, in one vocabulary; each codec maps its own words to and from it. */
public enum FinishReason {
    /** Natural end of the turn (OpenAI stop, Anthropic end_turn, Gemini STOP, Bedrock end_turn). */
    END_TURN,
    /** A client stop sequence matched. */
    STOP_SEQUENCE,
    /** The output token limit was hit. */
    MAX_TOKENS,
    /** The context window filled up (Anthropic model_context_window_exceeded). */
    CONTEXT_WINDOW,
    /** The model called tools and waits for their results. */
    TOOL_USE,
    /** A safety or guardrail system stopped or blocked the answer. */
    CONTENT_FILTER,
    /** The model refused (Anthropic refusal). */
    REFUSAL,
    /** A long-running turn paused (Anthropic pause_turn). */
    PAUSE,
    /** Anything else the provider named (Gemini MALFORMED_FUNCTION_CALL, OTHER). */
    OTHER
}

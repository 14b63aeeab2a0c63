package dev.aigw.translate.canonical;

/** Whether and which tool the model must call. */
public sealed interface ToolChoice {

    record Auto() implements ToolChoice {
    }

    record None() implements ToolChoice {
    }

    /** Some tool must be called (OpenAI required, Anthropic any, Gemini ANY). */
    record Required() implements ToolChoice {
    }

    record Named(String name) implements ToolChoice {
    }

    ToolChoice AUTO = new Auto();
    ToolChoice NONE = new None();
    ToolChoice REQUIRED = new Required();
}

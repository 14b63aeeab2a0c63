package dev.aigw.translate.canonical;

/**
 * Who speaks a message. {@link #SYSTEM} in {@link ChatRequest#messages()} is a system message in the
 * middle of the conversation (OpenAI system/developer messages, Anthropic {@code role: "system"}
 * turns Claude Code sends); the leading system prompt is {@link ChatRequest#system()}.
 * Tool results travel as {@link Part.ToolResult} parts of a {@link #TOOL} message.
 */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL
}

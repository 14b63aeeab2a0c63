package dev.aigw.translate;

import java.util.Arrays;
import java.util.Optional;

/** Wire formats, named by the ids used in configuration and golden-test folder names. */
public enum Schema {
    OPENAI_CHAT("openai-chat"),
    ANTHROPIC_MESSAGES("anthropic-messages"),
    GEMINI_GENERATE("gemini-generate");

    private final String id;

    Schema(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Schema> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}

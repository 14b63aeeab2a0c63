package dev.aigw.translate.canonical;

import java.util.List;
import java.util.Optional;

/**
 * One turn of the conversation.
 *
 * @param role  who speaks
 * @param parts content in order
 * @param name  OpenAI's participant name, empty elsewhere
 */
public record Message(Role role, List<Part> parts, Optional<String> name) {
    public Message {
        parts = List.copyOf(parts);
    }

    public Message(Role role, List<Part> parts) {
        this(role, parts, Optional.empty());
    }
}

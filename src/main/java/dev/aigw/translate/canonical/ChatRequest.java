package dev.aigw.translate.canonical;

import java.util.List;
import java.util.Optional;

/**
 * A chat request in every format's superset.
 *
 * @param model      the model the client named, empty when its format carries none in the body (Gemini)
 * @param system     the leading system prompt as text parts (cache hints kept)
 * @param messages   the conversation; {@link Role#SYSTEM} messages here stand where the client put them
 * @param toolChoice empty leaves the provider's default
 * @param parallelToolCalls empty leaves the provider's default; false forbids parallel calls
 * @param user       an end-user id for abuse tracking (OpenAI user, Anthropic metadata.user_id)
 * @param extensions fields only the client's format has
 */
public record ChatRequest(Optional<String> model, List<Part.Text> system, List<Message> messages, List<Tool> tools,
                          Optional<ToolChoice> toolChoice, Optional<Boolean> parallelToolCalls, Sampling sampling,
                          Optional<Reasoning> reasoning, Optional<OutputFormat> output, StreamOptions stream,
                          Optional<String> user, List<Extension> extensions) {

    public ChatRequest {
        system = List.copyOf(system);
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        extensions = List.copyOf(extensions);
    }

    public Optional<Extension> extension(String field) {
        return extensions.stream().filter(e -> e.field().equals(field)).findFirst();
    }
}

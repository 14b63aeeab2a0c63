package dev.aigw.provider;

import java.util.Optional;

/**
 * An LLM provider of a Backend, ready to serve: it turns a client's request into the request its
 * API expects. Immutable; one instance per provider per config snapshot.
 */
public sealed interface Provider
        permits OpenAiProvider, AzureOpenAiProvider, AnthropicProvider, GeminiProvider, VertexAiProvider,
        BedrockProvider, MockProvider {

    /** The provider kind as written in the Backend: {@code openai}, {@code gemini}, ... */
    String kind();

    /** The provider's name in its Backend (the priority-group name, or its position). */
    String name();

    /** The model the Backend pins, if any (it wins over the request's). */
    Optional<String> model();

    /** Where requests go, after overrides. */
    Target target();

    UpstreamRequest prepare(ClientCall call) throws ProviderException;
}

package dev.aigw.translate.canonical;

import java.util.Optional;

/**
 * A prompt-cache breakpoint after the element that carries it: Anthropic's {@code cache_control}
 * ({@code {"type":"ephemeral","ttl":"1h"}}), Bedrock's {@code cachePoint} block. Formats without
 * explicit breakpoints (OpenAI, Gemini) cache implicitly and drop it.
 *
 * @param type {@code ephemeral} today
 * @param ttl  for example {@code 5m} or {@code 1h}; empty leaves the provider's default
 */
public record CacheHint(String type, Optional<String> ttl) {
    public static final CacheHint EPHEMERAL = new CacheHint("ephemeral", Optional.empty());
}

package dev.aigw.config;

import java.util.Map;

/** A {@code Secret}: its keys and values. Values never print: see {@link SecretValue}. */
public record SecretResource(ResourceKey key, Map<String, SecretValue> data, Location location) {
}

package dev.aigw.config;

/**
 * A secret's value, held only in memory. {@code toString} is redacted so a value cannot reach a
 * log by accident; {@link Unresolved} is a {@code ${VAR}} whose variable was not set.
 */
public sealed interface SecretValue {
    record Present(String value) implements SecretValue {
        @Override
        public String toString() {
            return "<redacted>";
        }
    }

    record Unresolved(String reason) implements SecretValue {
    }
}

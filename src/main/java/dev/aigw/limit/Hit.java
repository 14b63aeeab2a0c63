package dev.aigw.limit;

import java.util.List;
import java.util.Map;

/**
 * One descriptor as it applies to one request: its evaluated entries and what to count now.
 * {@code amount} 0 means "check only" (the descriptor is charged after the response).
 */
public record Hit(Descriptor descriptor, List<Map.Entry<String, String>> values, long amount) {
    public Hit {
        values = List.copyOf(values);
    }

    public Hit withAmount(long a) {
        return new Hit(descriptor, values, a);
    }
}

package dev.aigw.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every resource the gateway knows, by the source that supplied it (a file set, later the
 * Kubernetes API). A source replaces its whole set at once, so a change is never half-applied;
 * the caller then compiles {@link #all()} into a snapshot.
 */
public final class ResourceStore {
    private final Map<String, List<RawResource>> bySource = new LinkedHashMap<>();

    /** Replaces what {@code source} supplied; returns what it supplied before (to roll back). */
    public synchronized List<RawResource> replace(String source, List<RawResource> resources) {
        List<RawResource> prev = bySource.put(source, List.copyOf(resources));
        return prev == null ? List.of() : prev;
    }

    public synchronized List<RawResource> all() {
        List<RawResource> out = new ArrayList<>();
        bySource.values().forEach(out::addAll);
        return out;
    }

    /** {@link #all()} as it would be with {@code source} replaced, without changing the store. */
    public synchronized List<RawResource> allWith(String source, List<RawResource> resources) {
        List<RawResource> out = new ArrayList<>();
        bySource.forEach((s, rs) -> out.addAll(s.equals(source) ? resources : rs));
        if (!bySource.containsKey(source)) out.addAll(resources);
        return out;
    }
}

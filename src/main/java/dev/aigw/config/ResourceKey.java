package dev.aigw.config;

/** Identity of a resource: its kind, namespace and name (kind as written, e.g. {@code Backend}). */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {
    public static final String DEFAULT_NAMESPACE = "default";

    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }

    public String ref() {
        return namespace + "/" + name;
    }

    @Override
    public int compareTo(ResourceKey o) {
        int c = kind.compareTo(o.kind);
        if (c != 0) return c;
        c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }
}

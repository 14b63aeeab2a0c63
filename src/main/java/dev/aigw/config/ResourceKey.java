package dev.aigw.config;

import java.util.Objects;

/**
 * Identity of a resource: its kind, namespace and name (kind as written, e.g. {@code Backend}).
 * {@code equals} and {@code hashCode} are written out: a record's own are linked through an
 * {@code invokedynamic} (ObjectMethods) on first use, which the AOT cache does not hold, and the
 * first config read hashes every key (~10-20 ms of a start; docs/benchmarks.md).
 */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {
    public static final String DEFAULT_NAMESPACE = "default";

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ResourceKey k && Objects.equals(kind, k.kind)
                && Objects.equals(namespace, k.namespace) && Objects.equals(name, k.name);
    }

    @Override
    public int hashCode() {
        return (Objects.hashCode(kind) * 31 + Objects.hashCode(namespace)) * 31 + Objects.hashCode(name);
    }

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

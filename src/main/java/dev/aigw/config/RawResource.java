package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;

/**
 * A resource as written, before typed parsing: apiVersion, kind, metadata and the whole body.
 * {@code locator} maps nodes of {@code body} back to the line they came from.
 */
public record RawResource(String apiVersion, ResourceKey key, ObjectNode body, Location location,
                          Instant created, long generation, Map<JsonNode, Location> locator,
                          Map<String, Location> lines, String base) {

    public RawResource(String apiVersion, ResourceKey key, ObjectNode body, Location location, Instant created,
                       long generation, Map<JsonNode, Location> locator) {
        this(apiVersion, key, body, location, created, generation, locator, Map.of(), "");
    }

    /** {@code metadata.labels}, as strings, in the order written: what label selectors of every kind match. */
    public Map<String, String> labels() {
        Map<String, String> l = new java.util.LinkedHashMap<>();
        body.path("metadata").path("labels").properties().forEach(e -> l.put(e.getKey(), e.getValue().asText()));
        return l;
    }

    /**
     * The line of the node at a JSON pointer into the body ({@code /spec/ai/llm}), or of its
     * nearest ancestor that has one. Works for booleans, nulls and copied nodes, which identity
     * lookups ({@link #at(JsonNode)}) miss.
     */
    public Location at(String pointer) {
        String p = pointer;
        while (true) {
            Location l = lines == null ? null : lines.get(base + p);
            if (l != null) return l;
            if (p.isEmpty()) break;
            int slash = p.lastIndexOf('/');
            p = slash < 0 ? "" : p.substring(0, slash);
        }
        if (locator != null && pointer.length() > 0) {
            JsonNode n = body.at(pointer);
            if (!n.isMissingNode()) return at(n);
        }
        return location;
    }

    /**
     * The line of the value at a JSON pointer: a mapping or list by its first entry (where the
     * YAML parser starts it), a scalar by its own line, which booleans and nulls share with their
     * key. What a message about a whole mapping ("... is required") points at.
     */
    public Location valueAt(String pointer) {
        if (locator != null && !locator.isEmpty()) {
            JsonNode n = pointer.isEmpty() ? body : body.at(pointer);
            if (n.isContainerNode()) {
                Location l = locator.get(n);
                if (l != null) return l;
            }
        }
        return at(pointer);
    }

    /** The line a node of the body was written on, or the resource's own line. */
    public Location at(JsonNode node) {
        if (node == null || locator == null) return location;
        Location l = locator.get(node);
        return l == null ? location : l;
    }

    public String kind() {
        return key.kind();
    }

    public String namespace() {
        return key.namespace();
    }

    public String name() {
        return key.name();
    }
}

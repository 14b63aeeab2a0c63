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
                          Instant created, long generation, Map<JsonNode, Location> locator) {

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

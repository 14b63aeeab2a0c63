package dev.aigw.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.Location;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns an object read from the API server into the {@link RawResource} the compiler reads:
 * the whole object as a tree, located as {@code kubernetes:Backend ns/name}. Secrets keep
 * {@code data} (base64, decoded by the parser) and {@code stringData} when a server returns it.
 */
final class KubeResources {
    /** The source name in the {@link dev.aigw.config.ResourceStore}. */
    static final String SOURCE = "kubernetes";

    // fabric8 8 serializes with Jackson 3; the config package reads Jackson 2 trees: cross via JSON text.
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeResources() {
    }

    static RawResource toRaw(KubernetesSerialization serialization, Kind kind, GenericKubernetesResource obj) {
        ObjectNode body;
        try {
            body = (ObjectNode) JSON.readTree(serialization.asJson(obj));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read " + kind.kind + " as JSON: " + e.getOriginalMessage(), e);
        }
        // The generic list/watch may leave these out; the parser checks the group against apiVersion.
        if (!body.hasNonNull("apiVersion")) body.put("apiVersion", kind.apiVersion());
        if (!body.hasNonNull("kind")) body.put("kind", kind.kind);
        var meta = obj.getMetadata();
        String ns = meta.getNamespace() == null || meta.getNamespace().isEmpty()
                ? (kind.namespaced ? ResourceKey.DEFAULT_NAMESPACE : "") : meta.getNamespace();
        ResourceKey key = new ResourceKey(kind.kind, ns, meta.getName());
        Instant created = Instant.EPOCH;
        if (meta.getCreationTimestamp() != null) {
            try {
                created = Instant.parse(meta.getCreationTimestamp());
            } catch (DateTimeParseException ignored) {
                // the API server always writes RFC 3339; leave EPOCH for anything else
            }
        }
        long generation = meta.getGeneration() == null ? 0 : meta.getGeneration();
        return new RawResource(body.path("apiVersion").asText(), key, body, location(key), created, generation,
                Map.of());
    }

    static Location location(ResourceKey key) {
        return new Location(SOURCE + ":" + key, 0);
    }
}

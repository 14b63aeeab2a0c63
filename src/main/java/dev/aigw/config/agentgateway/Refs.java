package dev.aigw.config.agentgateway;

import java.util.Map;
import java.util.Optional;

/** References shared by the agentgateway kinds, as the API writes them. */
public final class Refs {
    private Refs() {
    }

    /** Gateway API {@code BackendObjectReference}: a Service (group "") or another backend kind; no namespace = the referrer's. */
    public record BackendObjectRef(Optional<String> group, Optional<String> kind, String name,
                                   Optional<String> namespace, Optional<Integer> port) {
    }

    /** A Secret in the referrer's namespace. */
    public record SecretObjectRef(String name, Optional<String> group, Optional<String> kind) {
    }

    /** A key of a Secret in the referrer's namespace; {@code key} has a per-use default. */
    public record SecretKeyRef(String name, Optional<String> group, Optional<String> kind, Optional<String> key) {
    }

    /** {@code targetRefs[]}: a resource in the policy's namespace, optionally a section of it. */
    public record TargetRef(String group, String kind, String name, Optional<String> sectionName,
                            Optional<Integer> port) {
    }

    /** {@code targetSelectors[]}: every resource of a kind in the policy's namespace whose labels match. */
    public record TargetSelector(String group, String kind, Map<String, String> matchLabels,
                                 Optional<String> sectionName, Optional<Integer> port) {
    }

    /** {@code {matchLabels}}. */
    public record LabelSelector(Map<String, String> matchLabels) {
    }
}

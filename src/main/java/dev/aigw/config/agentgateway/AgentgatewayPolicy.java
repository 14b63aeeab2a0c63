package dev.aigw.config.agentgateway;

import dev.aigw.config.RawJson;
import dev.aigw.config.Location;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.agentgateway.Refs.TargetRef;
import dev.aigw.config.agentgateway.Refs.TargetSelector;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An {@code AgentgatewayPolicy} (agentgateway.dev/v1alpha1), bound and validated.
 *
 * @param targets what the policy attaches to: {@code spec.targetRefs} as written, or the resources
 *                {@code spec.targetSelectors} pick in this snapshot ({@link TargetSelection})
 */
public record AgentgatewayPolicy(ResourceKey key, Instant created, Spec spec, Location location, List<TargetRef> targets) {

    public AgentgatewayPolicy {
        targets = List.copyOf(targets);
    }

    /** Targets by reference only (no selection). */
    public AgentgatewayPolicy(ResourceKey key, Instant created, Spec spec, Location location) {
        this(key, created, spec, location, spec.targetRefs());
    }

    /**
     * Exactly one of {@code targetRefs} or {@code targetSelectors}; at least one of
     * {@code traffic}, {@code frontend}, {@code backend}.
     */
    public record Spec(List<TargetRef> targetRefs, List<TargetSelector> targetSelectors,
                       Optional<Strategy> strategy, Optional<RawJson> frontend, Optional<Traffic> traffic,
                       Optional<BackendPolicies> backend) {
    }

    public enum Inheritance { Default, Override }

    public record Strategy(Optional<Inheritance> inheritance) {
    }
}

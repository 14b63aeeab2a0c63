package dev.aigw.route;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.agentgateway.Refs.TargetRef;

import java.util.Optional;

/**
 * Where an AgentgatewayPolicy's target attaches it to one route rule served on one Gateway
 * listener, least to most precise: the Gateway, its listener ({@code sectionName}), the HTTPRoute,
 * the rule ({@code sectionName} = the rule's name). Targets name resources in the policy's namespace.
 * One reading for every {@code spec.traffic} and {@code backend.ai} merge.
 */
enum AttachmentLevel {
    GATEWAY, LISTENER, ROUTE, RULE;

    /** The level at which {@code t} (of a policy in {@code namespace}) reaches the rule; empty when it does not. */
    static Optional<AttachmentLevel> of(TargetRef t, String namespace, ResourceKey gateway, String listener,
                                        HttpRouteResource route, HttpRouteResource.Rule rule) {
        if (t.kind().equals("Gateway") && namespace.equals(gateway.namespace()) && t.name().equals(gateway.name())) {
            if (t.sectionName().isEmpty()) return Optional.of(GATEWAY);
            return t.sectionName().get().equals(listener) ? Optional.of(LISTENER) : Optional.empty();
        }
        if (t.kind().equals("HTTPRoute") && namespace.equals(route.key().namespace()) && t.name().equals(route.key().name())) {
            if (t.sectionName().isEmpty()) return Optional.of(ROUTE);
            return rule.name().equals(t.sectionName()) ? Optional.of(RULE) : Optional.empty();
        }
        return Optional.empty();
    }
}

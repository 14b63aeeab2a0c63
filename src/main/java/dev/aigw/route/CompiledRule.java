package dev.aigw.route;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.policy.AiPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTPRoute rule, ready to serve: its filters, weighted destinations, timeouts, retry policy
 * (Gateway API {@code retry}, empty when the rule has none), the route's stream keep-alive
 * interval (annotation {@code ai.gateway.dev/stream-keepalive}, empty when off), and the AI
 * policy merged from the TrafficPolicies that reach it (on the Gateway listener it is served on).
 */
public record CompiledRule(ResourceKey route, int index, Optional<String> name,
                           List<HttpRouteResource.Filter> filters, List<Weighted> destinations,
                           HttpRouteResource.Timeouts timeouts, Optional<HttpRouteResource.Retry> retry,
                           Optional<Duration> streamKeepAlive, Optional<AiPolicy> policy) {

    public CompiledRule(ResourceKey route, int index, Optional<String> name, List<HttpRouteResource.Filter> filters,
                        List<Weighted> destinations, HttpRouteResource.Timeouts timeouts) {
        this(route, index, name, filters, destinations, timeouts, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public CompiledRule(ResourceKey route, int index, Optional<String> name, List<HttpRouteResource.Filter> filters,
                        List<Weighted> destinations, HttpRouteResource.Timeouts timeouts,
                        Optional<HttpRouteResource.Retry> retry, Optional<Duration> streamKeepAlive) {
        this(route, index, name, filters, destinations, timeouts, retry, streamKeepAlive, Optional.empty());
    }

    public CompiledRule(ResourceKey route, int index, Optional<String> name, List<HttpRouteResource.Filter> filters,
                        List<Weighted> destinations, HttpRouteResource.Timeouts timeouts, Optional<AiPolicy> policy) {
        this(route, index, name, filters, destinations, timeouts, Optional.empty(), Optional.empty(), policy);
    }

    public CompiledRule withPolicy(Optional<AiPolicy> policy) {
        return policy.equals(this.policy) ? this
                : new CompiledRule(route, index, name, filters, destinations, timeouts, retry, streamKeepAlive, policy);
    }

    /** The same rule with an AgentgatewayPolicy's traffic settings applied (see {@code AgentgatewayTraffic}). */
    public CompiledRule withTraffic(List<HttpRouteResource.Filter> filters, HttpRouteResource.Timeouts timeouts,
                                    Optional<HttpRouteResource.Retry> retry) {
        return new CompiledRule(route, index, name, filters, destinations, timeouts, retry, streamKeepAlive, policy);
    }

    public record Weighted(Destination destination, int weight) {
    }

    /** {@code route ns/name rule N} (or the rule's name): how logs and errors name a rule. */
    public String id() {
        return route.ref() + (name.map(n -> "/" + n).orElse("#" + index));
    }

    /** Picks a destination by weight; empty when no backend can take traffic (Gateway API: 500). */
    public Optional<Destination> pick() {
        int total = 0;
        for (Weighted w : destinations) total += w.weight();
        if (total == 0) return Optional.empty();
        int r = destinations.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(total);
        for (Weighted w : destinations) {
            r -= w.weight();
            if (r < 0) return Optional.of(w.destination());
        }
        return Optional.of(destinations.getLast().destination());
    }
}

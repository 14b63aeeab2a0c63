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
                           Optional<Duration> streamKeepAlive, Optional<AiPolicy> policy, String id) {

    /**
     * {@code id} is {@link #idOf} of the rule's route, index and name, made once: every request
     * names its rule to telemetry, whose meters and dashboard cells are keyed by it (a string
     * built per request was hashed and compared afresh in each).
     */
    public CompiledRule {
        if (!id.equals(idOf(route, index, name))) throw new IllegalArgumentException("rule id " + id + " is not its route's");
    }

    public CompiledRule(ResourceKey route, int index, Optional<String> name, List<HttpRouteResource.Filter> filters,
                        List<Weighted> destinations, HttpRouteResource.Timeouts timeouts,
                        Optional<HttpRouteResource.Retry> retry, Optional<Duration> streamKeepAlive, Optional<AiPolicy> policy) {
        this(route, index, name, filters, destinations, timeouts, retry, streamKeepAlive, policy, idOf(route, index, name));
    }

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

    /** {@code ns/name#N} (or {@code ns/name/ruleName}): how logs, errors and metrics name a rule. */
    public static String idOf(ResourceKey route, int index, Optional<String> name) {
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

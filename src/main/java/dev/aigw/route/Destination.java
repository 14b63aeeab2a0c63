package dev.aigw.route;

import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.LoadBalancing;
import dev.aigw.provider.Provider;

import java.util.List;
import java.util.Optional;

/** Where a rule sends requests: LLM providers, plain hosts, or nowhere (with the reason). */
public sealed interface Destination {
    String name();

    /**
     * A Backend of type AI: priority groups of providers, and how each group spreads requests
     * (the Backend's {@code ai.gateway.dev/load-balancing} annotation), and which API each path
     * suffix serves ({@code spec.ai.routes}). {@code agentgateway}: present for an
     * AgentgatewayBackend, whose data-plane rules differ (the route's URLRewrite applies to the
     * path before {@code routes} match; per-provider policies).
     */
    record Ai(String name, List<List<Provider>> groups, LoadBalancing balancing, dev.aigw.config.AiRoutes routes,
              Optional<AgentgatewayRules> agentgateway) implements Destination {
        public Ai(String name, List<List<Provider>> groups) {
            this(name, groups, LoadBalancing.ROUND_ROBIN);
        }

        public Ai(String name, List<List<Provider>> groups, LoadBalancing balancing) {
            this(name, groups, balancing, dev.aigw.config.AiRoutes.NONE);
        }

        public Ai(String name, List<List<Provider>> groups, LoadBalancing balancing, dev.aigw.config.AiRoutes routes) {
            this(name, groups, balancing, routes, Optional.empty());
        }

        public Provider primary() {
            return groups.getFirst().getFirst();
        }

        /** What applies to one provider only (agentgateway's per-provider policies); {@link ProviderRules#NONE} when nothing. */
        public ProviderRules rules(Provider p) {
            return agentgateway.map(a -> a.of(p)).orElse(ProviderRules.NONE);
        }

        /** Whether some provider has AI policy fields of its own (then body rewrites run per attempt). */
        public boolean transformsPerProvider() {
            return agentgateway.map(AgentgatewayRules::transformsPerProvider).orElse(false);
        }
    }

    /** A Backend of type Static, or a Service: plain HTTP proxying. */
    record Static(String name, List<HostPort> hosts) implements Destination {
    }

    /** A reference that did not resolve: requests get 500 with this reason. */
    record Unavailable(String name, String reason) implements Destination {
    }
}

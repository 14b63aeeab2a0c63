package dev.aigw.route;

import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.LoadBalancing;
import dev.aigw.provider.Provider;

import java.util.List;

/** Where a rule sends requests: LLM providers, plain hosts, or nowhere (with the reason). */
public sealed interface Destination {
    String name();

    /**
     * A Backend of type AI: priority groups of providers, and how each group spreads requests
     * (the Backend's {@code ai.gateway.dev/load-balancing} annotation), and which API each path
     * suffix serves ({@code spec.ai.routes}).
     */
    record Ai(String name, List<List<Provider>> groups, LoadBalancing balancing, dev.aigw.config.AiRoutes routes)
            implements Destination {
        public Ai(String name, List<List<Provider>> groups) {
            this(name, groups, LoadBalancing.ROUND_ROBIN);
        }

        public Ai(String name, List<List<Provider>> groups, LoadBalancing balancing) {
            this(name, groups, balancing, dev.aigw.config.AiRoutes.NONE);
        }

        public Provider primary() {
            return groups.getFirst().getFirst();
        }
    }

    /** A Backend of type Static, or a Service: plain HTTP proxying. */
    record Static(String name, List<HostPort> hosts) implements Destination {
    }

    /** A reference that did not resolve: requests get 500 with this reason. */
    record Unavailable(String name, String reason) implements Destination {
    }
}

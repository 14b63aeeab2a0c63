package dev.aigw.route;

import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.provider.Provider;

import java.util.List;

/** Where a rule sends requests: LLM providers, plain hosts, or nowhere (with the reason). */
public sealed interface Destination {
    String name();

    /** A Backend of type AI: priority groups of providers (the first provider serves until failover lands). */
    record Ai(String name, List<List<Provider>> groups) implements Destination {
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

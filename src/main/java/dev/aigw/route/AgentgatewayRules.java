package dev.aigw.route;

import dev.aigw.provider.Provider;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The per-provider settings of an AgentgatewayBackend ({@code groups[].providers[].policies},
 * merged over the Backend's and an AgentgatewayPolicy's), by provider instance.
 */
public final class AgentgatewayRules {
    private final Map<Provider, ProviderRules> providers;
    private final boolean transformsPerProvider;

    public AgentgatewayRules(Map<Provider, ProviderRules> providers) {
        IdentityHashMap<Provider, ProviderRules> m = new IdentityHashMap<>(providers);
        this.providers = java.util.Collections.unmodifiableMap(m);
        this.transformsPerProvider = m.values().stream().anyMatch(r -> r.ai().isPresent());
    }

    public ProviderRules of(Provider p) {
        ProviderRules r = providers.get(p);
        return r == null ? ProviderRules.NONE : r;
    }

    public boolean transformsPerProvider() {
        return transformsPerProvider;
    }

    @Override
    public String toString() {
        return "AgentgatewayRules" + providers.values();
    }
}

package dev.aigw.route;

import dev.aigw.cel.CelExpression;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.policy.Defaults;
import dev.aigw.translate.Schema;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What applies to one provider of an AgentgatewayBackend alone: its own AI body rewrites (a
 * provider's {@code policies.ai}: prompt, defaults/overrides, modelAliases) and its health rule
 * ({@code policies.health}, else the Backend's, else an AgentgatewayPolicy's {@code backend.health}).
 */
public record ProviderRules(Optional<ProviderAi> ai, Optional<HealthRule> health, List<Format> formats) {
    public static final ProviderRules NONE = new ProviderRules(Optional.empty(), Optional.empty(), List.of());

    /**
     * One format of an agentgateway {@code custom} provider, in its listed order: {@code type}
     * (agentgateway's name), the provider at that format's path, and the wire format it speaks.
     */
    public record Format(String type, dev.aigw.provider.Provider provider, Optional<Schema> wire) {
    }

    /**
     * A provider's {@code policies.ai} body rewrites, merged over the rule's at each attempt:
     * each field replaces the rule's (defaults by field name).
     */
    public record ProviderAi(Optional<TrafficPolicyResource.Enrichment> enrichment, Defaults defaults,
                             Map<String, String> modelAliases) {

        public Optional<TrafficPolicyResource.Enrichment> enrichmentOver(Optional<TrafficPolicyResource.Enrichment> rule) {
            return enrichment.or(() -> rule);
        }

        /** Split when compiled: merging only when both the provider and the rule have defaults. */
        public Defaults defaultsOver(Defaults rule) {
            return defaults.over(rule);
        }

        public Map<String, String> aliasesOver(Map<String, String> rule) {
            return modelAliases.isEmpty() ? rule : modelAliases;
        }
    }

    /**
     * agentgateway's {@code health}: {@code unhealthy} (CEL over {@code response.code} and
     * {@code response.headers}; empty = 5xx, 429 and connect failures) marks an answer as a failure;
     * {@code consecutiveFailures} failures in a row, or a health score under {@code healthThreshold}
     * percent, evict the provider for {@code duration} × the times it was evicted (a 429's
     * {@code Retry-After} sets the time instead); back from eviction its score is {@code restoreHealth}.
     */
    public record HealthRule(Optional<CelExpression> unhealthy, Duration duration, int consecutiveFailures,
                             Optional<Integer> healthThreshold, int restoreHealth) {
        public static final Duration DEFAULT_DURATION = Duration.ofSeconds(3);

        /** Whether an answer with this status (and headers, lower-case names) counts against the provider. */
        public boolean unhealthy(int status, Map<String, String> headers) {
            if (unhealthy.isEmpty()) return status >= 500 || status == 429;
            return unhealthy.get().test(Map.of("response", Map.of("code", (long) status, "headers", headers)));
        }

        @Override
        public String toString() {
            return "health[" + unhealthy.map(CelExpression::source).orElse("5xx/429/connect") + ", evict " + duration
                    + " x times after " + consecutiveFailures + " in a row" + healthThreshold.map(t -> " or score < " + t + "%").orElse("")
                    + "]";
        }
    }
}

package dev.aigw.route;

import dev.aigw.cel.CelExpression;
import dev.aigw.config.AiRoutes;
import dev.aigw.config.BackendResource;
import dev.aigw.config.FieldValues;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.agentgateway.AgentgatewayPolicy;
import dev.aigw.config.agentgateway.AiBackendPolicy;
import dev.aigw.config.agentgateway.BackendPolicies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an AgentgatewayBackend takes from the AgentgatewayPolicies that target it, under its own
 * {@code spec.policies} (agentgateway's merge: AgentgatewayPolicy &lt; Backend {@code policies} &lt;
 * provider {@code policies}; each field atomic): {@code backend.ai.routes} and {@code backend.health}
 * ({@code sectionName} picks one provider). Compiles each provider's {@link ProviderRules}.
 */
final class AgentgatewayBackends {
    private final List<AgentgatewayPolicy> policies;
    private final List<Problem> problems;
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    /** One health block serves every provider it applies to: compiled (and reported) once per snapshot. */
    private final Map<BackendResource.Health, Optional<ProviderRules.HealthRule>> healthRules = new java.util.HashMap<>();

    AgentgatewayBackends(List<AgentgatewayPolicy> policies, List<Problem> problems) {
        List<AgentgatewayPolicy> sorted = new ArrayList<>(policies);
        // The oldest wins a conflict, then namespace/name (Gateway API policy attachment).
        sorted.sort(Comparator.comparing(AgentgatewayPolicy::created).thenComparing(p -> p.key().namespace())
                .thenComparing(p -> p.key().name()));
        this.policies = List.copyOf(sorted);
        this.problems = problems;
    }

    /** The Backend's routes, else the first targeting policy's; agentgateway's default ({@code Completions}) last. */
    AiRoutes routes(BackendResource b, AiRoutes own) {
        AiRoutes routes = own;
        if (!routes.configured()) {
            for (AgentgatewayPolicy p : targeting(b.key(), Optional.empty())) {
                var r = p.spec().backend().flatMap(BackendPolicies::ai).map(a -> a.routes()).orElse(Map.of());
                if (!r.isEmpty()) {
                    routes = AiRoutes.of(r);
                    break;
                }
            }
        }
        return routes.configured() ? routes.orElse(AiRoutes.RouteType.Completions) : routes;
    }

    /**
     * The rule with the {@code backend.ai.routes} of policies on its Gateway, listener, HTTPRoute
     * or rule (most precise first) given to its AgentgatewayBackends that have none of their own
     * or from a policy on the Backend (those are more important, agentgateway's backend merge).
     */
    CompiledRule withRoutes(CompiledRule c, ResourceKey gateway, String listener, HttpRouteResource route,
                            HttpRouteResource.Rule rule) {
        if (c.destinations().stream().noneMatch(w -> w.destination() instanceof Destination.Ai)) return c;
        Optional<Map<String, AiBackendPolicy.RouteType>> found = Optional.empty();
        AgentgatewayPolicy from = null;
        // Most precise first: the rule, the HTTPRoute, the listener, the Gateway.
        List<AttachmentLevel> precise = List.of(AttachmentLevel.RULE, AttachmentLevel.ROUTE, AttachmentLevel.LISTENER,
                AttachmentLevel.GATEWAY);
        for (int i = 0; i < precise.size() && found.isEmpty(); i++) {
            AttachmentLevel level = precise.get(i);
            for (AgentgatewayPolicy p : policies) {
                var r = p.spec().backend().flatMap(BackendPolicies::ai).map(AiBackendPolicy::routes).orElse(Map.of());
                if (r.isEmpty() || !reaches(p, level, gateway, listener, route, rule)) continue;
                found = Optional.of(r);
                from = p;
                break;
            }
        }
        if (found.isEmpty()) return c;
        if (c.destinations().stream().anyMatch(w -> w.destination() instanceof Destination.Ai a && a.agentgateway().isEmpty())
                && warned.add(from.key() + " " + c.id())) {
            problems.add(Problem.warning(from.location(), from.key().toString(), "backend.ai.routes applies to "
                    + "AgentgatewayBackends; rule " + c.id() + " also leads to a kgateway Backend, which keeps its own "
                    + "spec.ai.routes"));
        }
        boolean open = c.destinations().stream().anyMatch(w -> w.destination() instanceof Destination.Ai a
                && a.agentgateway().isPresent() && !a.routes().configured());
        if (!open) return c;
        AiRoutes routes = AiRoutes.of(found.get()).orElse(AiRoutes.RouteType.Completions);
        List<CompiledRule.Weighted> ws = new ArrayList<>();
        for (CompiledRule.Weighted w : c.destinations()) {
            ws.add(w.destination() instanceof Destination.Ai a && a.agentgateway().isPresent() && !a.routes().configured()
                    ? new CompiledRule.Weighted(new Destination.Ai(a.name(), a.groups(), a.balancing(), routes,
                    a.agentgateway()), w.weight()) : w);
        }
        return new CompiledRule(c.route(), c.index(), c.name(), c.filters(), List.copyOf(ws), c.timeouts(), c.retry(),
                c.streamKeepAlive(), c.policy());
    }

    private static boolean reaches(AgentgatewayPolicy p, AttachmentLevel level, ResourceKey gateway, String listener,
                                   HttpRouteResource route, HttpRouteResource.Rule rule) {
        return p.targets().stream().anyMatch(t -> AttachmentLevel.of(t, p.key().namespace(), gateway, listener, route, rule)
                .filter(level::equals).isPresent());
    }

    /** One provider's rules: its own AI rewrites and the health rule that applies to it. */
    ProviderRules rules(BackendResource b, BackendResource.Llm llm, List<ProviderRules.Format> formats) {
        Optional<ProviderRules.ProviderAi> ai = llm.policies().ai().map(AgentgatewayBackends::providerAi);
        Optional<BackendResource.Health> health = llm.policies().health();
        String where = b.key().toString();
        String field = "policies.health.unhealthyCondition";
        if (health.isEmpty()) {
            for (Optional<String> section : List.of(Optional.of(llm.name()), Optional.<String>empty())) {
                for (AgentgatewayPolicy p : targeting(b.key(), section)) {
                    Optional<BackendPolicies.Health> h = p.spec().backend().flatMap(BackendPolicies::health);
                    if (h.isPresent()) {
                        health = Optional.of(dev.aigw.config.agentgateway.BackendValidation.health(h.get(), p.location()));
                        where = p.key().toString();
                        field = "spec.backend.health.unhealthyCondition";
                        break;
                    }
                }
                if (health.isPresent()) break;
            }
        }
        Optional<ProviderRules.HealthRule> rule = Optional.empty();
        if (health.isPresent()) {
            String w = where;
            String f = field;
            rule = healthRules.computeIfAbsent(health.get(), h -> compile(h, w, f));
        }
        return ai.isEmpty() && rule.isEmpty() && formats.isEmpty() ? ProviderRules.NONE
                : new ProviderRules(ai, rule, List.copyOf(formats));
    }

    private Optional<ProviderRules.HealthRule> compile(BackendResource.Health h, String where, String field) {
        Optional<CelExpression> cel = Optional.empty();
        if (h.unhealthyCondition().isPresent()) {
            try {
                cel = Optional.of(CelExpression.compile(h.unhealthyCondition().get()));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(h.location(), where, field + ": " + e.getMessage()));
                return Optional.empty();
            }
        }
        // Neither threshold set: one unhealthy answer evicts (agentgateway's default).
        int consecutive = h.consecutiveFailures().filter(n -> n > 0).orElse(h.healthThreshold().isPresent() ? 0 : 1);
        return Optional.of(new ProviderRules.HealthRule(cel, h.duration().orElse(ProviderRules.HealthRule.DEFAULT_DURATION),
                consecutive, h.healthThreshold(), h.restoreHealth().orElse(100)));
    }

    private static ProviderRules.ProviderAi providerAi(TrafficPolicyResource.Ai a) {
        List<TrafficPolicyResource.FieldDefault> defaults = a.defaults().orElse(List.of()).stream()
                .map(d -> new TrafficPolicyResource.FieldDefault(d.field(), FieldValues.typed(d.value()), d.override()))
                .toList();
        return new ProviderRules.ProviderAi(a.promptEnrichment(), dev.aigw.policy.Defaults.of(defaults),
                a.modelAliases().orElse(Map.of()));
    }

    /** The policies that target this Backend ({@code section}: those naming that provider; empty: the whole Backend). */
    private List<AgentgatewayPolicy> targeting(ResourceKey backend, Optional<String> section) {
        List<AgentgatewayPolicy> out = new ArrayList<>();
        for (AgentgatewayPolicy p : policies) {
            if (!p.key().namespace().equals(backend.namespace())) continue;
            boolean hit = p.targets().stream().anyMatch(t -> t.kind().equals("AgentgatewayBackend")
                    && t.name().equals(backend.name()) && t.sectionName().equals(section));
            if (hit) out.add(p);
        }
        return out;
    }
}

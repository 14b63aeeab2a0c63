package dev.aigw.route;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.agentgateway.AgentgatewayPolicy;
import dev.aigw.config.agentgateway.Refs.TargetRef;
import dev.aigw.config.agentgateway.Traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Attaches AgentgatewayPolicies' {@code spec.traffic} to route rules and applies what this
 * gateway serves of it: {@code timeouts}, {@code retry}, {@code headerModifiers}, {@code cors}.
 *
 * <p>Merge (agentgateway's): shallow, each field of {@code traffic} atomic; least to most
 * important: Gateway, Gateway listener ({@code sectionName}), HTTPRoute, route rule
 * ({@code sectionName} = rule name). Same level: the oldest {@code creationTimestamp} wins, then
 * namespace/name. {@code strategy.inheritance: Override} on a Gateway policy makes it win over
 * the lower levels. The HTTPRoute rule's own {@code timeouts} and {@code retry} win over a
 * policy's (they are the rule's own settings); a policy's header modifiers run after the rule's
 * own filters.
 */
final class AgentgatewayTraffic {
    private static final Comparator<AgentgatewayPolicy> IMPORTANCE = Comparator
            .comparing(AgentgatewayPolicy::created)
            .thenComparing(p -> p.key().namespace())
            .thenComparing(p -> p.key().name())
            .reversed();

    private final List<AgentgatewayPolicy> policies;

    AgentgatewayTraffic(List<AgentgatewayPolicy> policies) {
        List<AgentgatewayPolicy> sorted = new ArrayList<>();
        for (AgentgatewayPolicy p : policies) if (p.spec().traffic().isPresent()) sorted.add(p);
        sorted.sort(IMPORTANCE);
        this.policies = List.copyOf(sorted);
    }

    /** The merged traffic settings of one rule on one listener; empty when no policy reaches it. */
    Optional<Traffic> trafficFor(ResourceKey gateway, String listener, HttpRouteResource route,
                                 HttpRouteResource.Rule rule) {
        if (policies.isEmpty()) return Optional.empty();
        List<List<AgentgatewayPolicy>> levels = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>());
        for (AgentgatewayPolicy p : policies) {
            boolean override = p.spec().strategy().flatMap(AgentgatewayPolicy.Strategy::inheritance)
                    .orElse(AgentgatewayPolicy.Inheritance.Default) == AgentgatewayPolicy.Inheritance.Override;
            for (TargetRef t : p.targets()) {
                AttachmentLevel.of(t, p.key().namespace(), gateway, listener, route, rule).ifPresent(l -> levels.get(switch (l) {
                    case GATEWAY -> override ? 4 : 0;
                    case LISTENER -> override ? 4 : 1;
                    case ROUTE -> 2;
                    case RULE -> 3;
                }).add(p));
            }
        }
        Traffic merged = null;
        for (List<AgentgatewayPolicy> level : levels) {
            for (AgentgatewayPolicy p : level) {
                Traffic t = p.spec().traffic().get();
                merged = merged == null ? t : merge(merged, t);
            }
        }
        return Optional.ofNullable(merged);
    }

    /** {@code b} over {@code a}, field by field. */
    static Traffic merge(Traffic a, Traffic b) {
        return new Traffic(b.phase().or(a::phase), b.rateLimit().or(a::rateLimit),
                b.apiKeyAuthentication().or(a::apiKeyAuthentication), b.jwtAuthentication().or(a::jwtAuthentication),
                b.basicAuthentication().or(a::basicAuthentication), b.authorization().or(a::authorization),
                b.cors().or(a::cors), b.headerModifiers().or(a::headerModifiers), b.timeouts().or(a::timeouts),
                b.retry().or(a::retry), b.transformation().or(a::transformation), b.extProc().or(a::extProc),
                b.extAuth().or(a::extAuth), b.csrf().or(a::csrf), b.hostRewrite().or(a::hostRewrite),
                b.directResponse().or(a::directResponse), b.buffer().or(a::buffer), b.delay().or(a::delay));
    }

    /** The rule with the served traffic settings applied. */
    static CompiledRule apply(CompiledRule rule, Traffic t) {
        List<HttpRouteResource.Filter> filters = new ArrayList<>(rule.filters());
        t.headerModifiers().ifPresent(h -> {
            h.request().ifPresent(f -> filters.add(new HttpRouteResource.RequestHeaderModifier(modifier(f))));
            h.response().ifPresent(f -> filters.add(new HttpRouteResource.ResponseHeaderModifier(modifier(f))));
        });
        t.cors().ifPresent(c -> filters.add(new HttpRouteResource.Cors(c.allowOrigins(), c.allowCredentials().orElse(false),
                c.allowMethods(), c.allowHeaders(), c.exposeHeaders(), c.maxAge())));
        HttpRouteResource.Timeouts timeouts = rule.timeouts();
        if (timeouts.request().isEmpty() && t.timeouts().flatMap(Traffic.Timeouts::request).isPresent()) {
            timeouts = new HttpRouteResource.Timeouts(Optional.of(t.timeouts().get().request().get().value()),
                    timeouts.backendRequest());
        }
        Optional<HttpRouteResource.Retry> retry = rule.retry();
        if (retry.isEmpty() && t.retry().isPresent()) {
            Traffic.Retry r = t.retry().get();
            retry = Optional.of(new HttpRouteResource.Retry(r.codes(), r.attempts(),
                    r.backoff().map(dev.aigw.config.GoDuration::value)));
        }
        return rule.withTraffic(List.copyOf(filters), timeouts, retry);
    }

    private static HttpRouteResource.HeaderModifier modifier(Traffic.HeaderFilter f) {
        java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> add = new java.util.LinkedHashMap<>();
        f.set().forEach(h -> set.put(h.name(), h.value()));
        f.add().forEach(h -> add.put(h.name(), h.value()));
        return new HttpRouteResource.HeaderModifier(java.util.Map.copyOf(set), java.util.Map.copyOf(add), f.remove());
    }
}

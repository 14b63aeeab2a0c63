package dev.aigw.policy;

import dev.aigw.config.BackendResource;
import dev.aigw.config.GatewayResource;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.SecretResource;
import dev.aigw.config.SecretValue;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Ai;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;
import dev.aigw.config.TrafficPolicyResource.TargetRef;
import dev.aigw.provider.Credential;
import dev.aigw.provider.Providers;

import java.util.*;
import java.util.function.Function;

/**
 * Attaches TrafficPolicies to route rules and compiles the result, once per snapshot.
 *
 * <p>Merge order, least to most important; a more important policy wins field by field
 * ({@code routeType}, {@code promptEnrichment}, each {@code defaults[]} field by name,
 * {@code promptGuard.request.customResponse / regex / webhook / moderation / guardrails},
 * {@code promptGuard.response.regex / webhook / guardrails}):
 * <ol>
 * <li>policies targeting the Gateway (a {@code sectionName} there names a listener),</li>
 * <li>policies targeting the whole HTTPRoute,</li>
 * <li>policies targeting the rule ({@code sectionName} = the rule's name).</li>
 * </ol>
 * Several policies on the same target follow Gateway API policy attachment: the oldest
 * {@code creationTimestamp} wins a conflict, then the first by namespace/name.
 *
 * <p>Regexes and webhook header expressions are compiled once per policy resource and shared by every rule it reaches. A
 * target that does not exist is an UNRESOLVED problem: the config is served without that
 * attachment.
 */
public final class PolicyCompiler {
    /**
     * Least important first, so the most important is folded last: at one level, a TrafficPolicy
     * before an AgentgatewayPolicy (the successor API wins a conflict), then the newest first.
     */
    private static final Comparator<TrafficPolicyResource> IMPORTANCE = Comparator
            .comparing((TrafficPolicyResource p) -> !p.key().kind().startsWith("Agentgateway")).reversed()
            .thenComparing(Comparator.comparing(TrafficPolicyResource::created)
                    .thenComparing(p -> p.key().namespace())
                    .thenComparing(p -> p.key().name())
                    .reversed());

    private final List<TrafficPolicyResource> policies;
    private final Function<ResourceKey, SecretResource> secrets;
    private final List<Problem> problems;
    private final Map<TrafficPolicyResource.Regex, RegexGuard> regexes = new IdentityHashMap<>();
    private final Map<TrafficPolicyResource.Moderation, AiPolicy.Moderation> moderations = new IdentityHashMap<>();
    private final Map<TrafficPolicyResource.Moderation, TrafficPolicyResource> moderationOwner = new IdentityHashMap<>();
    private final Map<TrafficPolicyResource.Webhook, AiPolicy.GuardWebhook> webhooks = new IdentityHashMap<>();
    private final Map<TrafficPolicyResource.Guardrail, CloudGuard> guardrails = new IdentityHashMap<>();
    private final Map<TrafficPolicyResource.Guardrail, TrafficPolicyResource> guardrailOwner = new IdentityHashMap<>();
    private final Map<List<Object>, Optional<AiPolicy>> cache = new HashMap<>();
    private final Set<ResourceKey> referenced = new HashSet<>();
    private final Set<String> missingRefs = new HashSet<>();

    public PolicyCompiler(List<TrafficPolicyResource> policies, Function<ResourceKey, SecretResource> secrets,
                          List<Problem> problems) {
        List<TrafficPolicyResource> sorted = new ArrayList<>(policies);
        sorted.sort(IMPORTANCE);
        this.policies = List.copyOf(sorted);
        this.secrets = secrets;
        this.problems = problems;
        for (TrafficPolicyResource p : policies) {
            p.ai().request().flatMap(TrafficPolicyResource.RequestGuard::moderation)
                    .ifPresent(m -> moderationOwner.put(m, p));
            p.ai().request().ifPresent(r -> r.guardrails().forEach(g -> guardrailOwner.put(g, p)));
            p.ai().response().ifPresent(r -> r.guardrails().forEach(g -> guardrailOwner.put(g, p)));
        }
    }

    /** Reports every target that does not exist (UNRESOLVED: served without it). */
    public void checkTargets(Map<ResourceKey, HttpRouteResource> routes, Map<ResourceKey, GatewayResource> gateways) {
        checkTargets(routes, gateways, Set.of());
    }

    /** Also AgentgatewayBackend targets ({@code backends}: the keys of those that exist). */
    public void checkTargets(Map<ResourceKey, HttpRouteResource> routes, Map<ResourceKey, GatewayResource> gateways,
                             Set<ResourceKey> backends) {
        for (TrafficPolicyResource p : policies) {
            for (TargetRef t : p.targetRefs()) {
                String what = t.kind() + " " + t.namespace() + "/" + t.name();
                if (t.kind().equals("AgentgatewayBackend")) {
                    if (!backends.contains(new ResourceKey("AgentgatewayBackend", t.namespace(), t.name()))) {
                        unresolved(p, t, "target " + what + " not found; the policy is not applied there");
                    }
                } else if (!t.kind().equals("Gateway") && !t.kind().equals("HTTPRoute")) {
                    continue; // other kinds were reported when the policy was read
                } else if (t.kind().equals("Gateway")) {
                    GatewayResource g = gateways.get(new ResourceKey("Gateway", t.namespace(), t.name()));
                    if (g == null) {
                        unresolved(p, t, "target " + what + " not found; the policy is not applied there");
                    } else if (t.sectionName().isPresent()
                            && g.listeners().stream().noneMatch(l -> l.name().equals(t.sectionName().get()))) {
                        unresolved(p, t, "target " + what + " has no listener named " + t.sectionName().get()
                                + "; the policy is not applied there");
                    }
                } else {
                    HttpRouteResource r = routes.get(new ResourceKey("HTTPRoute", t.namespace(), t.name()));
                    if (r == null) {
                        unresolved(p, t, "target " + what + " not found; the policy is not applied there");
                    } else if (t.sectionName().isPresent() && r.rules().stream()
                            .noneMatch(rule -> rule.name().equals(t.sectionName()))) {
                        unresolved(p, t, "target " + what + " has no rule named " + t.sectionName().get()
                                + " (sectionName names a rule by its name); the policy is not applied there");
                    }
                }
            }
        }
    }

    /** Warns about TrafficPolicies with no targetRefs that no HTTPRoute ExtensionRef names: they do nothing. Call after attaching. */
    public void reportUnattached() {
        for (TrafficPolicyResource p : policies) {
            // An AgentgatewayPolicy is never named by an ExtensionRef; one whose targetSelectors pick
            // nothing has its own warning ("selects no HTTPRoute ...").
            if (p.targetRefs().isEmpty() && !referenced.contains(p.key()) && !p.key().kind().equals("AgentgatewayPolicy")) {
                problems.add(Problem.warning(p.location(), p.key().toString(), "has no targetRefs and no HTTPRoute "
                        + "ExtensionRef filter names it: it applies nowhere"));
            }
        }
    }

    private void unresolved(TrafficPolicyResource p, TargetRef t, String message) {
        problems.add(Problem.unresolved(t.location(), p.key().toString(), message));
    }

    /** The merged policy of one rule of a route, served on one Gateway listener; empty when none applies. */
    public Optional<AiPolicy> policyFor(ResourceKey gateway, String listener, HttpRouteResource route,
                                        HttpRouteResource.Rule rule) {
        List<TrafficPolicyResource> gw = new ArrayList<>();
        List<TrafficPolicyResource> rt = new ArrayList<>();
        List<TrafficPolicyResource> rl = new ArrayList<>();
        List<TrafficPolicyResource> be = new ArrayList<>();
        List<TrafficPolicyResource> own = new ArrayList<>();
        Set<ResourceKey> agwBackends = new HashSet<>();
        for (HttpRouteResource.BackendRef ref : rule.backendRefs()) {
            if (ref.kind().equals("AgentgatewayBackend")) {
                agwBackends.add(new ResourceKey("AgentgatewayBackend", ref.namespace(), ref.name()));
            }
        }
        for (HttpRouteResource.Filter f : rule.filters()) {
            if (!(f instanceof HttpRouteResource.ExtensionRef ext)) continue;
            Optional<TrafficPolicyResource> p = policies.stream().filter(x -> (x.key().kind().equals("TrafficPolicy")
                    || x.key().kind().equals("RoutePolicy")) && x.key().namespace().equals(route.key().namespace())
                    && x.key().name().equals(ext.name())).findFirst();
            if (p.isPresent()) {
                referenced.add(p.get().key());
                add(rl, p.get());
            } else if (missingRefs.add(route.key() + "/" + ext.name())) {
                problems.add(Problem.unresolved(rule.location(), route.key().toString(), "rule " + rule.index()
                        + ": ExtensionRef TrafficPolicy " + route.key().namespace() + "/" + ext.name()
                        + " not found; the rule is served without it"));
            }
        }
        for (TrafficPolicyResource p : policies) {
            for (TargetRef t : p.targetRefs()) {
                if (t.kind().equals("AgentgatewayBackend")) {
                    if (agwBackends.contains(new ResourceKey("AgentgatewayBackend", t.namespace(), t.name()))) {
                        add(p.key().kind().equals("AgentgatewayBackend") ? own : be, p);
                    }
                } else if (t.kind().equals("Gateway")) {
                    if (t.namespace().equals(gateway.namespace()) && t.name().equals(gateway.name())
                            && t.sectionName().map(listener::equals).orElse(true)) add(gw, p);
                } else if (t.namespace().equals(route.key().namespace()) && t.name().equals(route.key().name())) {
                    if (t.sectionName().isEmpty()) add(rt, p);
                    else if (rule.name().equals(t.sectionName())) add(rl, p);
                }
            }
        }
        if (gw.isEmpty() && rt.isEmpty() && rl.isEmpty() && be.isEmpty() && own.isEmpty()) return Optional.empty();
        List<TrafficPolicyResource> ordered = new ArrayList<>(gw);
        ordered.addAll(rt);
        ordered.addAll(rl);
        ordered.addAll(be);
        ordered.addAll(own);
        List<Object> key = List.copyOf(ordered.stream().map(TrafficPolicyResource::key).map(Object.class::cast).toList());
        return cache.computeIfAbsent(key, k -> Optional.of(compile(ordered)));
    }

    private static void add(List<TrafficPolicyResource> list, TrafficPolicyResource p) {
        if (!list.contains(p)) list.add(p);
    }

    /** Folds {@code ordered} (least important first) into one policy and compiles it. */
    AiPolicy compile(List<TrafficPolicyResource> ordered) {
        Ai merged = Ai.EMPTY;
        for (TrafficPolicyResource p : ordered) merged = merge(merged, p.ai());
        Optional<AiPolicy.RequestGuard> request = merged.request().map(r -> new AiPolicy.RequestGuard(
                r.customResponse().orElse(TrafficPolicyResource.CustomResponse.DEFAULT),
                r.regex().map(this::regex).filter(g -> !g.isEmpty()),
                r.webhook().map(w -> webhook(w, ordered)),
                r.moderation().map(this::moderation), guardrails(r.guardrails())));
        Optional<AiPolicy.ResponsePolicy> response = merged.response().map(r -> new AiPolicy.ResponsePolicy(
                r.regex().map(this::regex).filter(g -> !g.isEmpty()).map(RegexGuard::masking),
                r.webhook().map(w -> webhook(w, ordered)), guardrails(r.guardrails())));
        List<FieldDefault> defaults = merged.defaults().orElse(List.of()).stream()
                .map(d -> new FieldDefault(d.field(), dev.aigw.config.FieldValues.typed(d.value()), d.override())).toList();
        return new AiPolicy(ordered.stream().map(TrafficPolicyResource::key).toList(),
                merged.routeType().orElse(TrafficPolicyResource.RouteType.CHAT), merged.promptEnrichment(),
                defaults, request, response, merged.modelAliases().orElse(Map.of()),
                merged.promptCaching().map(c -> new dev.aigw.translate.PromptCaching.Config(c.cacheSystem(),
                        c.cacheMessages(), c.cacheTools(), c.minTokens(), c.cacheMessageOffset())),
                transformations(merged.transformations(), ordered), transformations(merged.finalTransformations(), ordered));
    }

    /** Validated when the policy was read (PolicyValidation); a failure here is still reported as an error. */
    private Transformations transformations(Optional<List<TrafficPolicyResource.FieldExpression>> fields,
                                            List<TrafficPolicyResource> ordered) {
        try {
            return Transformations.compile(fields.orElse(List.of()));
        } catch (IllegalArgumentException e) {
            TrafficPolicyResource last = ordered.getLast();
            problems.add(Problem.error(last.location(), last.key().toString(), e.getMessage()));
            return Transformations.NONE;
        }
    }

    /**
     * A webhook with its {@code headers} compiled, once per policy resource (shared by every rule it
     * reaches). Validated when the policy was read (PolicyValidation, at the header's line); a failure
     * here is still reported as an error, at the policy that wrote the webhook, and the webhook is
     * called without those headers (an error keeps the snapshot from being served).
     */
    private AiPolicy.GuardWebhook webhook(TrafficPolicyResource.Webhook w, List<TrafficPolicyResource> ordered) {
        return webhooks.computeIfAbsent(w, x -> {
            try {
                return AiPolicy.GuardWebhook.of(x);
            } catch (IllegalArgumentException e) {
                TrafficPolicyResource owner = ordered.stream().filter(p -> writes(p, x)).findFirst().orElse(ordered.getLast());
                problems.add(Problem.error(owner.location(), owner.key().toString(), e.getMessage()));
                return new AiPolicy.GuardWebhook(x, WebhookHeaders.NONE);
            }
        });
    }

    private static boolean writes(TrafficPolicyResource p, TrafficPolicyResource.Webhook w) {
        return p.ai().request().flatMap(TrafficPolicyResource.RequestGuard::webhook).filter(x -> x == w).isPresent()
                || p.ai().response().flatMap(TrafficPolicyResource.ResponseGuard::webhook).filter(x -> x == w).isPresent();
    }

    /** {@code b} over {@code a}, field by field. */
    static Ai merge(Ai a, Ai b) {
        Optional<List<FieldDefault>> defaults = a.defaults();
        if (b.defaults().isPresent()) defaults = Optional.of(Defaults.byField(a.defaults().orElse(List.of()), b.defaults().get()));
        Optional<TrafficPolicyResource.RequestGuard> request = a.request();
        if (b.request().isPresent()) {
            var x = a.request();
            var y = b.request().get();
            request = Optional.of(new TrafficPolicyResource.RequestGuard(
                    y.customResponse().or(() -> x.flatMap(TrafficPolicyResource.RequestGuard::customResponse)),
                    y.regex().or(() -> x.flatMap(TrafficPolicyResource.RequestGuard::regex)),
                    y.webhook().or(() -> x.flatMap(TrafficPolicyResource.RequestGuard::webhook)),
                    y.moderation().or(() -> x.flatMap(TrafficPolicyResource.RequestGuard::moderation)),
                    y.guardrails().isEmpty() ? x.map(TrafficPolicyResource.RequestGuard::guardrails).orElse(List.of())
                            : y.guardrails()));
        }
        Optional<TrafficPolicyResource.ResponseGuard> response = a.response();
        if (b.response().isPresent()) {
            var x = a.response();
            var y = b.response().get();
            response = Optional.of(new TrafficPolicyResource.ResponseGuard(
                    y.regex().or(() -> x.flatMap(TrafficPolicyResource.ResponseGuard::regex)),
                    y.webhook().or(() -> x.flatMap(TrafficPolicyResource.ResponseGuard::webhook)),
                    y.guardrails().isEmpty() ? x.map(TrafficPolicyResource.ResponseGuard::guardrails).orElse(List.of())
                            : y.guardrails()));
        }
        return new Ai(b.routeType().or(a::routeType), b.promptEnrichment().or(a::promptEnrichment), defaults,
                request, response, b.modelAliases().or(a::modelAliases), b.promptCaching().or(a::promptCaching),
                b.transformations().or(a::transformations), b.finalTransformations().or(a::finalTransformations));
    }

    /** The cloud guards with their credentials, once per policy resource (shared by every rule it reaches). */
    private List<CloudGuard> guardrails(List<TrafficPolicyResource.Guardrail> gs) {
        List<CloudGuard> out = new ArrayList<>();
        for (TrafficPolicyResource.Guardrail g : gs) {
            out.add(guardrails.computeIfAbsent(g, x -> CloudGuards.compile(x, guardrailOwner.get(x), secrets, problems)));
        }
        return out;
    }

    private RegexGuard regex(TrafficPolicyResource.Regex r) {
        return regexes.computeIfAbsent(r, RegexGuard::compile);
    }

    private AiPolicy.Moderation moderation(TrafficPolicyResource.Moderation m) {
        return moderations.computeIfAbsent(m, this::compileModeration);
    }

    private AiPolicy.Moderation compileModeration(TrafficPolicyResource.Moderation m) {
        String host = m.host().map(BackendResource.HostPort::host).orElse("api.openai.com");
        int port = m.host().map(BackendResource.HostPort::port).orElse(443);
        String path = m.path().orElse("/v1/moderations");
        TrafficPolicyResource owner = moderationOwner.get(m);
        Optional<String> unavailable = Optional.empty();
        Credential cred = switch (m.auth()) {
            case BackendResource.AuthToken.Passthrough p -> new Credential.Passthrough();
            case BackendResource.AuthToken.Ambient a -> new Credential.None();
            case BackendResource.AuthToken.Inline in -> switch (in.value()) {
                case SecretValue.Present v -> new Credential.Token(Providers.stripBearer(v.value()));
                case SecretValue.Unresolved u -> {
                    unavailable = Optional.of(u.reason());
                    yield new Credential.None();
                }
            };
            case BackendResource.AuthToken.SecretRef ref -> {
                String ns = owner == null ? ResourceKey.DEFAULT_NAMESPACE : owner.key().namespace();
                SecretResource s = secrets.apply(new ResourceKey("Secret", ns, ref.name()));
                List<String> reasons = new ArrayList<>();
                Credential token = s == null ? null : Providers.secretToken(s, "Authorization", reasons);
                if (token != null) yield token;
                unavailable = Optional.of(s == null ? "secret " + ref.name() + " not found in " + ns
                        : String.join("; ", reasons));
                yield new Credential.None();
            }
        };
        if (unavailable.isPresent()) {
            // An AgentgatewayPolicy's secretRef: at the field that names the Secret; kgateway's at the policy.
            Optional<BackendResource.FieldAt> written = m.auth() instanceof BackendResource.AuthToken.SecretRef ref
                    ? ref.written() : Optional.empty();
            problems.add(Problem.unresolved(written.map(BackendResource.FieldAt::location)
                            .orElse(owner == null ? dev.aigw.config.Location.UNKNOWN : owner.location()),
                    owner == null ? "" : owner.key().toString(),
                    written.map(BackendResource.FieldAt::path).orElse("promptGuard.request.moderation") + ": "
                            + unavailable.get() + "; requests it guards are rejected with 500"));
        }
        return new AiPolicy.Moderation(host, port, port == 443, path, m.model(), cred, unavailable);
    }
}

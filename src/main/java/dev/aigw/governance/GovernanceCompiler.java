package dev.aigw.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.aigw.auth.ApiKeys;
import dev.aigw.auth.AuthChain;
import dev.aigw.auth.AuthMode;
import dev.aigw.auth.Authorization;
import dev.aigw.auth.BasicAuth;
import dev.aigw.auth.CredentialLocation;
import dev.aigw.auth.JwtAuth;
import dev.aigw.cel.CelExpression;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.agentgateway.AgentgatewayPolicy;
import dev.aigw.config.agentgateway.PolicyValidation;
import dev.aigw.config.agentgateway.Refs;
import dev.aigw.config.agentgateway.TargetSelection;
import dev.aigw.config.agentgateway.Traffic;
import dev.aigw.limit.Descriptor;
import dev.aigw.limit.FailureMode;
import dev.aigw.limit.GlobalLimiter;
import dev.aigw.limit.LimitUnit;
import dev.aigw.limit.LocalBucket;
import dev.aigw.limit.RouteLimits;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles the AgentgatewayPolicy {@code traffic} governance of one resource set into a
 * {@link Governance}. Attachment: a policy targets Gateways (optionally one listener by
 * {@code sectionName}), HTTPRoutes, or one rule of an HTTPRoute (by rule {@code name}); a rule's
 * settings merge field by field, the most specific level winning (Gateway &lt; listener &lt;
 * HTTPRoute &lt; rule; at one level the oldest policy), except {@code authorization}, whose rules
 * from every level combine. Secret references resolve in the policy's namespace.
 *
 * <p>Problems: a policy that does not compile (bad CEL, a key entry that is not a key) is an
 * ERROR; a Secret that is missing is UNRESOLVED, and the rules that policy governs refuse every
 * request with 500 and the reason until it appears (a broken auth policy never opens a route).
 * This class is over 400 lines' worth of mapping kept in one place because every part of it is
 * one field of the same API.
 */
public final class GovernanceCompiler {
    private static final String AGW = "agentgateway.dev";

    /** The compiled table and what was wrong. */
    public record Result(Governance governance, List<Problem> problems) {
    }

    private record Src(AgentgatewayPolicy policy, RawResource raw) {
    }

    /** A field's value and the policy it came from. */
    private record From<T>(T value, Src src) {
    }

    private static final class Merged {
        From<Traffic.RateLimit> rateLimit;
        From<Traffic.ApiKeyAuthentication> apiKey;
        From<Traffic.JwtAuthentication> jwt;
        From<Traffic.BasicAuthentication> basic;
        final List<From<Traffic.Authorization>> authorization = new ArrayList<>();

        boolean isEmpty() {
            return rateLimit == null && apiKey == null && jwt == null && basic == null && authorization.isEmpty();
        }

        void layer(List<Src> policies) {
            // Oldest first wins at one level: apply newest first, so older ones overwrite.
            List<Src> ordered = new ArrayList<>(policies);
            ordered.sort(Comparator.comparing((Src s) -> s.policy().created()).thenComparing(s -> s.policy().key().ref()).reversed());
            for (Src s : ordered) {
                Traffic t = s.policy().spec().traffic().orElseThrow();
                t.rateLimit().ifPresent(v -> rateLimit = new From<>(v, s));
                t.apiKeyAuthentication().ifPresent(v -> apiKey = new From<>(v, s));
                t.jwtAuthentication().ifPresent(v -> jwt = new From<>(v, s));
                t.basicAuthentication().ifPresent(v -> basic = new From<>(v, s));
                t.authorization().ifPresent(v -> authorization.add(new From<>(v, s)));
            }
        }

        String identity() {
            return System.identityHashCode(rateLimit == null ? null : rateLimit.value) + ":" + id(apiKey) + ":" + id(jwt) + ":" + id(basic)
                    + ":" + authorization.stream().map(a -> Integer.toString(System.identityHashCode(a.value))).toList();
        }

        private static String id(From<?> f) {
            return f == null ? "-" : Integer.toString(System.identityHashCode(f.value));
        }
    }

    private final GovernanceRuntime rt;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Map<String, String>> secrets = new HashMap<>();
    private final Map<String, Map<String, String>> secretLabels = new HashMap<>();
    private final Map<String, Map<String, String>> configMaps = new HashMap<>();
    private final Map<String, Map<String, String>> configMapLabels = new HashMap<>();

    private GovernanceCompiler(GovernanceRuntime rt) {
        this.rt = rt;
    }

    public static Result compile(Collection<RawResource> resources, long generation, GovernanceRuntime rt) {
        return new GovernanceCompiler(rt).run(resources, generation);
    }

    private Result run(Collection<RawResource> resources, long generation) {
        List<Src> policies = new ArrayList<>();
        List<RawResource> routes = new ArrayList<>();
        List<RawResource> parameters = new ArrayList<>();
        List<RawResource> invalid = new ArrayList<>();
        List<RawResource> secretRaws = new ArrayList<>();
        List<RawResource> configMapRaws = new ArrayList<>();
        for (RawResource r : resources) {
            String kind = r.key().kind();
            String group = r.apiVersion().contains("/") ? r.apiVersion().substring(0, r.apiVersion().indexOf('/')) : "";
            switch (kind) {
                // Decoded only if a policy needs them (below): a config without governance pays a list append.
                case "Secret" -> secretRaws.add(r);
                case "ConfigMap" -> configMapRaws.add(r);
                case "HTTPRoute" -> routes.add(r);
                case "AgentgatewayParameters" -> parameters.add(r);
                case "AgentgatewayPolicy" -> {
                    if (!group.equals(AGW) || !governs(r)) continue;
                    // The resource parser reports the policy's own problems; here only whether it binds.
                    PolicyValidation.Parsed parsed = PolicyValidation.parse(r, new ArrayList<>(), (ns, ref) -> Optional.empty(),
                            resources);
                    AgentgatewayPolicy p = parsed == null ? null : parsed.policy();
                    if (p == null && governs(r)) {
                        // Invalid but meant to govern: its targets refuse rather than go unguarded.
                        invalid.add(r);
                        continue;
                    }
                    if (p != null && p.spec().traffic().isPresent() && !p.spec().traffic().get().governance().isEmpty()) {
                        policies.add(new Src(p, r));
                    }
                }
                default -> {
                }
            }
        }
        boolean catalogSources = parameters.stream().anyMatch(p -> p.body().path("spec").has("modelCatalog"));
        if (policies.isEmpty() && invalid.isEmpty() && !catalogSources) {
            rt.overrideCatalog(null);
            return new Result(Governance.EMPTY, List.copyOf(problems));
        }
        for (RawResource r : secretRaws) {
            secrets.put(r.key().ref(), secretData(r));
            secretLabels.put(r.key().ref(), r.labels());
        }
        for (RawResource r : configMapRaws) {
            Map<String, String> d = new LinkedHashMap<>();
            r.body().path("data").properties().forEach(e -> d.put(e.getKey(), e.getValue().asText()));
            configMaps.put(r.key().ref(), d);
            configMapLabels.put(r.key().ref(), r.labels());
        }
        rt.overrideCatalog(catalogs(parameters));
        if (policies.isEmpty() && invalid.isEmpty()) return new Result(Governance.EMPTY, List.copyOf(problems));
        Map<String, RuleGate> gates = new HashMap<>();
        Map<String, RuleGate> byIdentity = new HashMap<>();
        for (RawResource route : routes) {
            String ns = route.key().namespace();
            JsonNode rules = route.body().path("spec").path("rules");
            for (JsonNode parent : route.body().path("spec").path("parentRefs")) {
                if (!parent.path("kind").asText("Gateway").equals("Gateway")) continue;
                String gw = parent.path("namespace").asText(ns) + "/" + parent.path("name").asText();
                String section = parent.path("sectionName").asText(null);
                int n = Math.max(1, rules.size());
                for (int i = 0; i < n; i++) {
                    String ruleName = rules.path(i).path("name").asText(null);
                    Merged m = new Merged();
                    m.layer(matching(policies, "Gateway", gw, null, false));
                    if (section != null) m.layer(matching(policies, "Gateway", gw, section, true));
                    m.layer(matching(policies, "HTTPRoute", route.key().ref(), null, false));
                    if (ruleName != null) m.layer(matching(policies, "HTTPRoute", route.key().ref(), ruleName, true));
                    String gateKey = Governance.key(gw, route.key().ref(), i);
                    String bad = invalidTarget(invalid, resources, gw, section, route.key().ref(), ruleName);
                    if (bad != null) {
                        gates.put(gateKey, RuleGate.broken("AgentgatewayPolicy " + bad + " governs this route but is invalid "
                                + "(see its problems); requests are refused until it is fixed"));
                        continue;
                    }
                    if (m.isEmpty()) continue;
                    RuleGate g = byIdentity.computeIfAbsent(m.identity(), k -> gate(m, gateKey));
                    gates.put(gateKey, g);
                }
            }
        }
        rt.buckets().retainOnly(gates.keySet());
        return new Result(new Governance(generation, gates), List.copyOf(problems));
    }

    private static boolean governs(RawResource r) {
        JsonNode t = r.body().path("spec").path("traffic");
        for (String f : List.of("rateLimit", "apiKeyAuthentication", "jwtAuthentication", "basicAuthentication", "authorization")) {
            if (t.has(f)) return true;
        }
        return false;
    }

    /** The first invalid governing policy whose raw targetRefs (or selectors) reach this rule, as ns/name; else null. */
    private static String invalidTarget(List<RawResource> invalid, Collection<RawResource> all, String gw, String section,
                                        String routeRef, String ruleName) {
        for (RawResource r : invalid) {
            String ns = r.key().namespace();
            for (Refs.TargetRef t : TargetSelection.rawTargets(r, all)) {
                String ref = ns + "/" + t.name();
                String sec = t.sectionName().orElse(null);
                boolean hit = switch (t.kind()) {
                    case "Gateway" -> ref.equals(gw) && (sec == null || sec.equals(section));
                    case "HTTPRoute" -> ref.equals(routeRef) && (sec == null || sec.equals(ruleName));
                    default -> false;
                };
                if (hit) return r.key().ref();
            }
        }
        return null;
    }

    /** The policies targeting {@code kind ns/name}: with {@code exactSection}, those naming that section; else those naming none. */
    private static List<Src> matching(List<Src> policies, String kind, String ref, String section, boolean exactSection) {
        List<Src> out = new ArrayList<>();
        for (Src s : policies) {
            String ns = s.policy().key().namespace();
            for (Refs.TargetRef t : s.policy().targets()) {
                if (!t.kind().equals(kind) || !(ns + "/" + t.name()).equals(ref)) continue;
                if (exactSection ? t.sectionName().filter(section::equals).isPresent() : t.sectionName().isEmpty()) out.add(s);
            }
        }
        return out;
    }

    // ---- one rule's gate ----

    private RuleGate gate(Merged m, String gateKey) {
        List<String> broken = new ArrayList<>();
        Optional<ApiKeys> apiKeys = Optional.empty();
        Optional<JwtAuth> jwt = Optional.empty();
        Optional<BasicAuth> basic = Optional.empty();
        try {
            if (m.apiKey != null) apiKeys = apiKeys(m.apiKey, broken);
            if (m.jwt != null) jwt = Optional.of(jwt(m.jwt));
            if (m.basic != null) basic = basic(m.basic, broken);
            List<Authorization.Rule> rules = new ArrayList<>();
            for (From<Traffic.Authorization> a : m.authorization) {
                Authorization.Action action = Authorization.action(a.value().action().map(Enum::name).orElse("Allow"));
                List<String> exprs = a.value().policy().matchExpressions();
                for (int i = 0; i < exprs.size(); i++) {
                    try {
                        rules.add(new Authorization.Rule(action, CelExpression.compile(exprs.get(i))));
                    } catch (IllegalArgumentException e) {
                        throw new Bad(a.src(), "/spec/traffic/authorization/policy/matchExpressions/" + i, e.getMessage());
                    }
                }
            }
            RouteLimits limits = m.rateLimit == null ? RouteLimits.NONE : limits(m.rateLimit, gateKey, broken);
            if (!broken.isEmpty()) return RuleGate.broken(String.join("; ", broken));
            return new RuleGate(new AuthChain(jwt, basic, apiKeys, new Authorization(rules)), limits, Optional.empty());
        } catch (Bad b) {
            problems.add(Problem.error(b.src.raw().at(b.pointer), b.src.policy().key().toString(), pointerPath(b.pointer) + ": " + b.getMessage()));
            return RuleGate.broken("the route's AgentgatewayPolicy " + b.src.policy().key().ref() + " does not compile: " + b.getMessage());
        }
    }

    private static String pointerPath(String pointer) {
        return pointer.substring(1).replace('/', '.');
    }

    private static final class Bad extends RuntimeException {
        final Src src;
        final String pointer;

        Bad(Src src, String pointer, String message) {
            super(message, null, false, false);
            this.src = src;
            this.pointer = pointer;
        }
    }

    private static AuthMode mode(Optional<? extends Enum<?>> m) {
        return AuthMode.parse(m.map(Enum::name).orElse("Strict"));
    }

    private static CredentialLocation location(Optional<Traffic.ExtractionLocation> l, Src src, String at) {
        if (l.isEmpty()) return CredentialLocation.BEARER;
        if (l.get().header().isEmpty()) {
            throw new Bad(src, at + "/location", "only location.header is served (queryParameter, cookie and expression are not served yet)");
        }
        return new CredentialLocation(l.get().header().get().name(), l.get().header().get().prefix().orElse(""));
    }

    private Optional<ApiKeys> apiKeys(From<Traffic.ApiKeyAuthentication> f, List<String> broken) {
        Traffic.ApiKeyAuthentication a = f.value();
        String ns = f.src().policy().key().namespace();
        String at = "/spec/traffic/apiKeyAuthentication";
        ApiKeys.Builder b = new ApiKeys.Builder();
        List<String[]> entries = new ArrayList<>();   // {where, value, hashedOnly}
        if (a.secretRef().isPresent()) {
            String ref = ns + "/" + a.secretRef().get().name();
            Map<String, String> data = secrets.get(ref);
            if (data == null) {
                unresolved(f.src(), at + "/secretRef", "Secret " + ref + " not found");
                broken.add("API keys Secret " + ref + " not found");
                return Optional.empty();
            }
            data.forEach((k, v) -> entries.add(new String[]{"Secret " + ref + " key " + k, v, ""}));
        } else if (a.secretSelector().isPresent()) {
            select(secretLabels, ns, a.secretSelector().get().matchLabels()).forEach(ref ->
                    secrets.get(ref).forEach((k, v) -> entries.add(new String[]{"Secret " + ref + " key " + k, v, ""})));
        } else if (a.configMapSelector().isPresent()) {
            select(configMapLabels, ns, a.configMapSelector().get().matchLabels()).forEach(ref ->
                    configMaps.get(ref).forEach((k, v) -> entries.add(new String[]{"ConfigMap " + ref + " key " + k, v, "hashed"})));
        }
        for (String[] e : entries) {
            try {
                b.add(e[0], e[1], !e[2].isEmpty());
            } catch (IllegalArgumentException ex) {
                throw new Bad(f.src(), at, ex.getMessage());
            }
        }
        ApiKeys keys = b.build(mode(a.mode()), location(a.location(), f.src(), at));
        if (keys.size() == 0 && keys.mode() == AuthMode.STRICT) {
            problems.add(Problem.warning(f.src().raw().at(at), f.src().policy().key().toString(),
                    "apiKeyAuthentication: no API keys found; every request is refused"));
        }
        return Optional.of(keys);
    }

    private static List<String> select(Map<String, Map<String, String>> labels, String ns, Map<String, String> want) {
        List<String> out = new ArrayList<>();
        labels.forEach((ref, l) -> {
            if (ref.startsWith(ns + "/") && l.entrySet().containsAll(want.entrySet())) out.add(ref);
        });
        out.sort(null);
        return out;
    }

    private JwtAuth jwt(From<Traffic.JwtAuthentication> f) {
        Traffic.JwtAuthentication j = f.value();
        String at = "/spec/traffic/jwtAuthentication";
        List<JwtAuth.Provider> providers = new ArrayList<>();
        for (int i = 0; i < j.providers().size(); i++) {
            Traffic.JwtProvider p = j.providers().get(i);
            JwtAuth.Keys keys;
            if (p.jwks().inline().isPresent()) {
                try {
                    keys = new JwtAuth.Keys.Inline(JWKSet.parse(p.jwks().inline().get()));
                } catch (java.text.ParseException e) {
                    throw new Bad(f.src(), at + "/providers/" + i + "/jwks/inline", "is not a JSON Web Key Set: " + e.getMessage());
                }
            } else {
                Traffic.RemoteJwks r = p.jwks().remote().orElseThrow();
                URI uri;
                if (r.url().isPresent()) {
                    uri = URI.create(r.url().get());
                } else {
                    Refs.BackendObjectRef br = r.backendRef().orElseThrow();
                    String host = br.name() + "." + br.namespace().orElse(f.src().policy().key().namespace()) + ".svc";
                    String path = r.jwksPath().orElse("/");
                    uri = URI.create("http://" + host + ":" + br.port().orElse(80) + (path.startsWith("/") ? path : "/" + path));
                }
                Duration cache = r.cacheDuration().map(dev.aigw.config.GoDuration::value).orElse(Duration.ofMinutes(5));
                keys = new JwtAuth.Keys.Remote(rt.jwks(uri, cache));
            }
            providers.add(new JwtAuth.Provider(p.issuer(), p.audiences(), keys));
        }
        return new JwtAuth(mode(j.mode()), location(j.location(), f.src(), at), providers, Clock.systemUTC());
    }

    private Optional<BasicAuth> basic(From<Traffic.BasicAuthentication> f, List<String> broken) {
        Traffic.BasicAuthentication b = f.value();
        String at = "/spec/traffic/basicAuthentication";
        List<String> lines = b.users();
        String where = "basicAuthentication.users";
        if (b.secretRef().isPresent()) {
            String ref = f.src().policy().key().namespace() + "/" + b.secretRef().get().name();
            String key = b.secretRef().get().key().orElse(".htaccess");
            Map<String, String> data = secrets.get(ref);
            if (data == null || !data.containsKey(key)) {
                unresolved(f.src(), at + "/secretRef", "Secret " + ref + (data == null ? " not found" : " has no key " + key));
                broken.add("basic-auth Secret " + ref + " unavailable");
                return Optional.empty();
            }
            lines = List.of(data.get(key));
            where = "Secret " + ref + " key " + key;
        }
        try {
            return Optional.of(BasicAuth.of(mode(b.mode()), b.realm().orElse(null), lines, where));
        } catch (IllegalArgumentException e) {
            throw new Bad(f.src(), at, e.getMessage());
        }
    }

    private RouteLimits limits(From<Traffic.RateLimit> f, String gateKey, List<String> broken) {
        Traffic.RateLimit r = f.value();
        String at = "/spec/traffic/rateLimit";
        if (!r.conditional().isEmpty()) throw new Bad(f.src(), at + "/conditional", "conditional rate limits are not served yet");
        List<LocalBucket> locals = new ArrayList<>();
        for (int i = 0; i < r.local().size(); i++) {
            Traffic.LocalRateLimit l = r.local().get(i);
            Duration per = switch (l.unit()) {
                case Seconds -> Duration.ofSeconds(1);
                case Minutes -> Duration.ofMinutes(1);
                case Hours -> Duration.ofHours(1);
            };
            boolean tokens = l.tokens().isPresent();
            long amount = tokens ? l.tokens().get() : l.requests().orElseThrow();
            locals.add(rt.buckets().bucket(gateKey, i, new LocalBucket.Spec(amount, per, l.burst().orElse(0), tokens)));
        }
        Optional<RouteLimits.Global> global = Optional.empty();
        if (r.global().isPresent()) global = Optional.ofNullable(global(r.global().get(), f.src(), at + "/global", broken));
        return new RouteLimits(locals, global, Clock.systemUTC());
    }

    private RouteLimits.Global global(Traffic.GlobalRateLimit g, Src src, String at, List<String> broken) {
        FailureMode mode = g.failureMode().map(m -> m == Traffic.FailureMode.FailOpen ? FailureMode.FAIL_OPEN : FailureMode.FAIL_CLOSED)
                .orElse(FailureMode.FAIL_CLOSED);
        String url = g.url().orElse(null);
        boolean redis = url != null && (url.startsWith("redis://") || url.startsWith("rediss://"));
        List<Descriptor> ds = new ArrayList<>();
        for (int i = 0; i < g.descriptors().size(); i++) {
            Traffic.Descriptor d = g.descriptors().get(i);
            String dp = at + "/descriptors/" + i;
            if (d.limitOverride().isPresent()) throw new Bad(src, dp + "/limitOverride", "limitOverride is not served yet");
            List<Descriptor.Entry> entries = new ArrayList<>();
            for (int j = 0; j < d.entries().size(); j++) {
                try {
                    entries.add(new Descriptor.Entry(d.entries().get(j).name(), CelExpression.compile(d.entries().get(j).expression())));
                } catch (IllegalArgumentException e) {
                    throw new Bad(src, dp + "/entries/" + j + "/expression", e.getMessage());
                }
            }
            Optional<CelExpression> cost;
            try {
                cost = d.cost().map(CelExpression::compile);
            } catch (IllegalArgumentException e) {
                throw new Bad(src, dp + "/cost", e.getMessage());
            }
            Optional<Descriptor.Limit> limit = Optional.empty();
            if (d.limit().isPresent()) {
                try {
                    limit = Optional.of(new Descriptor.Limit(LimitUnit.parse(d.limit().get().unit()), d.limit().get().requestsPerUnit()));
                } catch (IllegalArgumentException e) {
                    throw new Bad(src, dp + "/limit", e.getMessage());
                }
            } else if (redis) {
                throw new Bad(src, dp + "/limit", "a descriptor counted in Redis needs its limit: {unit: second|minute|hour|day|month, requestsPerUnit: N}");
            }
            boolean tokens = d.unit().map(u -> u == Traffic.DescriptorUnit.Tokens).orElse(false);
            ds.add(new Descriptor(d.name().orElse(""), entries, tokens, cost, limit));
        }
        String password = null;
        if (g.secretRef().isPresent()) {
            String ref = src.policy().key().namespace() + "/" + g.secretRef().get().name();
            Map<String, String> data = secrets.get(ref);
            if (data == null) {
                unresolved(src, at + "/secretRef", "Secret " + ref + " not found");
                broken.add("rate-limit credentials Secret " + ref + " not found");
                return null;
            }
            password = data.get("password");
        }
        GlobalLimiter limiter;
        if (redis) {
            if (URI.create(url).getUserInfo() != null && URI.create(url).getUserInfo().contains(":")) {
                throw new Bad(src, at + "/url", "put the Redis password in a Secret (secretRef, key password), not in the url");
            }
            limiter = rt.redis(url, password, g.domain(), mode);
        } else if (url != null) {
            URI u = URI.create(url);
            boolean tls = u.getScheme().equals("https") || u.getScheme().equals("grpcs");
            limiter = rt.rls(u.getHost(), u.getPort() > 0 ? u.getPort() : tls ? 443 : 8081, tls, g.domain(), mode);
        } else {
            Refs.BackendObjectRef br = g.backendRef().orElseThrow();
            String host = br.name() + "." + br.namespace().orElse(src.policy().key().namespace()) + ".svc";
            limiter = rt.rls(host, br.port().orElse(8081), false, g.domain(), mode);
        }
        return new RouteLimits.Global(limiter, ds);
    }

    /**
     * AgentgatewayParameters {@code spec.modelCatalog.sources[]}: each {@code {configMapRef: {name, key?}}}
     * (or {@code {name, key?}}) names a ConfigMap in the parameters' namespace; {@code key} one of its
     * keys, else every key holds a catalog. Later sources override earlier ones per model.
     */
    private dev.aigw.cost.Catalog catalogs(List<RawResource> parameters) {
        dev.aigw.cost.Catalog c = null;
        for (RawResource p : parameters) {
            JsonNode sources = p.body().path("spec").path("modelCatalog").path("sources");
            for (int i = 0; i < sources.size(); i++) {
                JsonNode s = sources.get(i).has("configMapRef") ? sources.get(i).get("configMapRef") : sources.get(i);
                String at = "/spec/modelCatalog/sources/" + i;
                String ref = p.key().namespace() + "/" + s.path("name").asText();
                Map<String, String> data = configMaps.get(ref);
                if (data == null) {
                    problems.add(Problem.unresolved(p.at(at), p.key().toString(), "spec.modelCatalog.sources[" + i + "]: ConfigMap "
                            + ref + " not found; costs use the default catalog"));
                    continue;
                }
                for (var e : data.entrySet()) {
                    if (s.hasNonNull("key") && !s.get("key").asText().equals(e.getKey())) continue;
                    try {
                        dev.aigw.cost.Catalog one = dev.aigw.cost.Catalog.parse(e.getValue().getBytes(StandardCharsets.UTF_8),
                                "ConfigMap " + ref + " key " + e.getKey());
                        c = c == null ? one : c.overriddenBy(one);
                    } catch (IllegalArgumentException ex) {
                        problems.add(Problem.error(p.at(at), p.key().toString(), "spec.modelCatalog.sources[" + i + "]: " + ex.getMessage()));
                    }
                }
            }
        }
        return c;
    }

    private void unresolved(Src src, String pointer, String message) {
        problems.add(Problem.unresolved(src.raw().at(pointer), src.policy().key().toString(),
                pointerPath(pointer) + ": " + message + "; the routes it governs answer 500 until it is there"));
    }

    private static Map<String, String> secretData(RawResource r) {
        Map<String, String> d = new LinkedHashMap<>();
        r.body().path("data").properties().forEach(e -> {
            try {
                d.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText().replaceAll("\\s", "")), StandardCharsets.UTF_8).strip());
            } catch (IllegalArgumentException ignored) {
                // reported by the resource parser
            }
        });
        r.body().path("stringData").properties().forEach(e -> d.put(e.getKey(), e.getValue().asText()));
        return d;
    }
}

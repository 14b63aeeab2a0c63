package dev.aigw.route;

import dev.aigw.config.BackendResource;
import dev.aigw.config.GatewayResource;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.Location;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.ResourceParser;
import dev.aigw.config.SecretResource;
import dev.aigw.config.SecretValue;
import dev.aigw.policy.PolicyCompiler;
import dev.aigw.provider.Credential;
import dev.aigw.provider.Provider;
import dev.aigw.provider.Providers;

import java.time.Instant;
import java.util.*;
import java.util.function.Function;

/**
 * Compiles resources into a {@link Snapshot}: resolves Secrets into credentials, Backends (both
 * kinds) into destinations, attaches HTTPRoutes to Gateway listeners with the policies of both
 * APIs, and orders each port's route table. Errors in a resource leave it out; broken references
 * compile into {@link Destination.Unavailable} so the route answers 500 with the reason. (About 400
 * lines: TLS listeners and attachment share the compile's problem list and maps; credentials live
 * apart in {@link Credentials}, agentgateway traffic in {@link AgentgatewayTraffic}.)
 */
public final class SnapshotCompiler {
    /** The Gateway the seed's routes attach to when the config defines none (kgateway's setup step). */
    public static final ResourceKey IMPLICIT_GATEWAY = new ResourceKey("Gateway", "kgateway-system", "ai-gateway");

    /**
     * @param implicitGateway whether {@link #IMPLICIT_GATEWAY} stands in when no Gateway is
     *                        defined (files: yes; in Kubernetes mode the cluster's Gateways decide)
     */
    public record Options(int implicitPort, Function<String, String> env, boolean implicitGateway) {
        public Options(int implicitPort, Function<String, String> env) {
            this(implicitPort, env, true);
        }
    }

    public record Result(Snapshot snapshot, List<Problem> problems) {
        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }
    }

    private final Options options;
    private final List<Problem> problems = new ArrayList<>();
    private AgentgatewayBackends agw;

    private SnapshotCompiler(Options options) {
        this.options = options;
    }

    public static Result compile(Collection<RawResource> resources, long generation, Options options) {
        return new SnapshotCompiler(options).run(resources, generation);
    }

    private Result run(Collection<RawResource> resources, long generation) {
        Map<ResourceKey, RawResource> unique = new LinkedHashMap<>();
        for (RawResource r : resources) {
            RawResource prev = unique.putIfAbsent(r.key(), r);
            if (prev != null) {
                problems.add(Problem.error(r.location(), r.key().toString(), "defined twice (also at "
                        + prev.location() + "); each resource must be defined once"));
            }
        }
        ResourceParser parser = new ResourceParser(options.env());
        ResourceParser.Parsed parsed = parser.parse(unique.values());
        problems.addAll(parser.problems());

        Map<ResourceKey, SecretResource> secrets = new HashMap<>();
        for (SecretResource s : parsed.secrets()) secrets.put(s.key(), s);
        Map<ResourceKey, Destination> backends = new HashMap<>();
        agw = new AgentgatewayBackends(parsed.agentgatewayPolicies(), problems);
        for (BackendResource b : parsed.backends()) backends.put(b.key(), backend(b, secrets, agw));

        Map<String, Map<String, String>> nsLabels = new HashMap<>();
        for (RawResource r : unique.values()) {
            if (!r.kind().equals("Namespace")) continue;
            nsLabels.put(r.name(), r.labels());
        }

        List<GatewayResource> gateways = new ArrayList<>(parsed.gateways());
        boolean implicit = gateways.isEmpty() && options.implicitGateway();
        if (implicit) {
            gateways.add(new GatewayResource(IMPLICIT_GATEWAY, "kgateway", List.of(new GatewayResource.Listener("http",
                    options.implicitPort(), "HTTP", Optional.empty(), GatewayResource.From.ALL, Map.of())),
                    new Location("<implicit>", 0)));
        }
        Map<ResourceKey, GatewayResource> gatewayByKey = new HashMap<>();
        List<Snapshot.ListenerInfo> listeners = new ArrayList<>();
        for (GatewayResource g : gateways) {
            gatewayByKey.put(g.key(), g);
            for (GatewayResource.Listener l : g.listeners()) {
                listeners.add(new Snapshot.ListenerInfo(g.key().ref(), l.name(), l.port(), implicit));
            }
        }

        Map<ResourceKey, HttpRouteResource> routeByKey = new HashMap<>();
        for (HttpRouteResource route : parsed.routes()) routeByKey.put(route.key(), route);
        PolicyCompiler policies = new PolicyCompiler(parsed.policies(), secrets::get, problems);
        java.util.Set<ResourceKey> agwBackends = new java.util.HashSet<>();
        parsed.agentgatewayBackends().forEach(b -> agwBackends.add(b.key()));
        policies.checkTargets(routeByKey, gatewayByKey, agwBackends);
        AgentgatewayTraffic traffic = new AgentgatewayTraffic(parsed.agentgatewayPolicies());
        agentgatewayTargets(parsed.agentgatewayPolicies(), routeByKey, gatewayByKey);

        Map<Integer, List<RouteTable.Entry>> byPort = new TreeMap<>();
        for (GatewayResource g : gateways) for (GatewayResource.Listener l : g.listeners()) byPort.putIfAbsent(l.port(), new ArrayList<>());
        for (HttpRouteResource route : parsed.routes()) {
            attach(route, gatewayByKey, backends, nsLabels, byPort, policies, traffic);
        }
        policies.reportUnattached();
        Map<Integer, Snapshot.TlsCertificate> tls = new TreeMap<>();
        java.util.Set<Integer> unservable = tlsPorts(gateways, secrets, tls);
        Map<Integer, RouteTable> tables = new TreeMap<>();
        byPort.forEach((port, entries) -> {
            if (!unservable.contains(port)) tables.put(port, new RouteTable(entries));
        });
        List<Problem> sorted = new ArrayList<>(problems);
        Snapshot snapshot = new Snapshot(generation, Instant.now(), Collections.unmodifiableMap(tables),
                List.copyOf(listeners), List.copyOf(sorted), List.copyOf(unique.values()), Map.copyOf(tls));
        return new Result(snapshot, List.copyOf(sorted));
    }

    /**
     * The certificate of each HTTPS port, from its listener's Secret ({@code tls.crt}, {@code tls.key}).
     * Returns the ports that cannot be served: an HTTPS port without a usable certificate is left
     * closed (with the reason) rather than served in plain text.
     */
    private java.util.Set<Integer> tlsPorts(List<GatewayResource> gateways, Map<ResourceKey, SecretResource> secrets,
                                            Map<Integer, Snapshot.TlsCertificate> out) {
        java.util.Set<Integer> unservable = new java.util.TreeSet<>();
        Map<Integer, String> protocolOf = new HashMap<>();
        for (GatewayResource g : gateways) {
            for (GatewayResource.Listener l : g.listeners()) {
                String prior = protocolOf.putIfAbsent(l.port(), l.protocol());
                if (prior != null && !prior.equals(l.protocol())) {
                    problems.add(Problem.error(g.location(), g.key().toString(), "listener " + l.name() + ": port "
                            + l.port() + " is used by both HTTP and HTTPS listeners; give them different ports"));
                }
                if (l.certificate().isEmpty()) continue;
                ResourceKey ref = l.certificate().get();
                SecretResource s = secrets.get(ref);
                String why = null;
                if (s == null) why = "certificate secret " + ref.ref() + " not found";
                else if (!(s.data().get("tls.crt") instanceof SecretValue.Present crt)
                        || !(s.data().get("tls.key") instanceof SecretValue.Present key)) {
                    why = "certificate secret " + ref.ref() + " has no tls.crt and tls.key";
                } else if (!crt.value().contains("-----BEGIN CERTIFICATE-----")
                        || !key.value().matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
                    why = "certificate secret " + ref.ref() + ": tls.crt and tls.key must be PEM (a CERTIFICATE and a PRIVATE KEY block)";
                } else {
                    Snapshot.TlsCertificate cert = new Snapshot.TlsCertificate(crt.value(), key.value());
                    Snapshot.TlsCertificate other = out.putIfAbsent(l.port(), cert);
                    if (other != null && !other.equals(cert)) {
                        problems.add(Problem.error(g.location(), g.key().toString(), "listener " + l.name()
                                + ": HTTPS listeners on port " + l.port() + " use different certificates; choosing by "
                                + "SNI is not supported, so give them one certificate or different ports"));
                    }
                }
                if (why != null) {
                    unservable.add(l.port());
                    problems.add(Problem.unresolved(g.location(), g.key().toString(), "listener " + l.name()
                            + " (HTTPS, port " + l.port() + "): " + why + "; the port is not opened"));
                }
            }
        }
        return unservable;
    }

    /**
     * A traffic-only AgentgatewayPolicy whose target does not exist is unresolved, like a
     * TrafficPolicy's (policies with {@code backend.ai} are checked by the policy compiler).
     */
    private void agentgatewayTargets(List<dev.aigw.config.agentgateway.AgentgatewayPolicy> policies,
                                     Map<ResourceKey, HttpRouteResource> routes, Map<ResourceKey, GatewayResource> gateways) {
        for (var p : policies) {
            if (p.spec().backend().flatMap(dev.aigw.config.agentgateway.BackendPolicies::ai).isPresent()) continue;
            for (var t : p.targets()) {
                ResourceKey k = new ResourceKey(t.kind(), p.key().namespace(), t.name());
                boolean found = switch (t.kind()) {
                    case "Gateway" -> gateways.containsKey(k) && t.sectionName().map(s -> gateways.get(k).listeners()
                            .stream().anyMatch(l -> l.name().equals(s))).orElse(true);
                    case "HTTPRoute" -> routes.containsKey(k) && t.sectionName().map(s -> routes.get(k).rules()
                            .stream().anyMatch(rule -> rule.name().equals(Optional.of(s)))).orElse(true);
                    default -> true; // other kinds were warned about when the policy was read
                };
                if (!found) {
                    problems.add(Problem.unresolved(p.location(), p.key().toString(), "target " + t.kind() + " "
                            + k.ref() + t.sectionName().map(s -> " section " + s).orElse("")
                            + " not found; the policy is not applied there"));
                }
            }
        }
    }

    // ---- backends ----

    private Destination backend(BackendResource b, Map<ResourceKey, SecretResource> secrets, AgentgatewayBackends agw) {
        boolean agentgateway = b.key().kind().equals("AgentgatewayBackend");
        Map<Provider, ProviderRules> rules = new IdentityHashMap<>();
        String name = b.key().ref();
        return switch (b.spec()) {
            case BackendResource.Static s -> new Destination.Static(name, s.hosts());
            case BackendResource.Ai ai -> {
                List<List<Provider>> groups = new ArrayList<>();
                List<String> reasons = new ArrayList<>();
                List<String> located = new ArrayList<>(); // of the reasons, those reported at their own field
                String passthroughKind = null;
                for (List<BackendResource.Llm> group : ai.groups()) {
                    List<Provider> ps = new ArrayList<>();
                    for (BackendResource.Llm llm : group) {
                        Credential cred = Credentials.of(b, llm, secrets, reasons, located, problems);
                        if (cred == null) continue;
                        if (cred instanceof Credential.Passthrough pt) {
                            // A client's key is for one vendor: the first Passthrough provider's kind.
                            String kind = Providers.kind(llm.provider());
                            if (passthroughKind == null) passthroughKind = kind;
                            else if (!passthroughKind.equals(kind)) cred = new Credential.Passthrough(Optional.of(passthroughKind), pt.required());
                        }
                        try {
                            Provider provider = Providers.create(llm, cred);
                            ps.add(provider);
                            if (agentgateway) rules.put(provider, agw.rules(b, llm, customFormats(llm, cred)));
                        } catch (IllegalArgumentException e) {
                            // A value that cannot go into the upstream URL: the config is refused, not served.
                            problems.add(Problem.error(b.location(), b.key().toString(), "provider " + llm.name()
                                    + ": " + e.getMessage()));
                        }
                    }
                    groups.add(List.copyOf(ps));
                }
                String reason = String.join("; ", reasons);
                List<String> elsewhere = reasons.stream().filter(x -> !located.contains(x)).toList();
                if (!elsewhere.isEmpty()) {
                    problems.add(Problem.unresolved(b.location(), b.key().toString(), String.join("; ", elsewhere)));
                }
                // Providers whose credentials resolved still serve; the others are left out of their group.
                groups.removeIf(List::isEmpty);
                if (groups.isEmpty()) yield new Destination.Unavailable(name, "Backend " + name + ": " + reason);
                if (!agentgateway) yield new Destination.Ai(name, List.copyOf(groups), ai.balancing(), ai.routes());
                yield new Destination.Ai(name, List.copyOf(groups), ai.balancing(), agw.routes(b, ai.routes()),
                        Optional.of(new AgentgatewayRules(rules)));
            }
        };
    }

    /** A custom provider's formats, each a provider of its own at its path, with the same credential. */
    private static List<ProviderRules.Format> customFormats(BackendResource.Llm llm, Credential cred) {
        List<ProviderRules.Format> out = new ArrayList<>();
        for (BackendResource.CustomFormat f : llm.policies().formats()) {
            dev.aigw.translate.Schema wire = switch (f.type()) {
                case "Completions" -> dev.aigw.translate.Schema.OPENAI_CHAT;
                case "Responses" -> dev.aigw.translate.Schema.OPENAI_RESPONSES;
                case "Embeddings" -> dev.aigw.translate.Schema.OPENAI_EMBEDDINGS;
                case "Messages" -> dev.aigw.translate.Schema.ANTHROPIC_MESSAGES;
                default -> null; // AnthropicTokenCount: relayed as it is
            };
            out.add(new ProviderRules.Format(f.type(), Providers.create(f.llm(), cred), Optional.ofNullable(wire)));
        }
        return out;
    }

    // ---- routes ----

    private void attach(HttpRouteResource route, Map<ResourceKey, GatewayResource> gateways,
                        Map<ResourceKey, Destination> backends, Map<String, Map<String, String>> nsLabels,
                        Map<Integer, List<RouteTable.Entry>> byPort, PolicyCompiler policies,
                        AgentgatewayTraffic traffic) {
        List<CompiledRule> rules = new ArrayList<>();
        for (HttpRouteResource.Rule rule : route.rules()) rules.add(compileRule(route, rule, backends));
        for (HttpRouteResource.ParentRef parent : route.parentRefs()) {
            if (!parent.kind().equals("Gateway")) {
                problems.add(Problem.unresolved(route.location(), route.key().toString(), "parentRef kind "
                        + parent.kind() + " is not supported (expected Gateway)"));
                continue;
            }
            GatewayResource g = gateways.get(new ResourceKey("Gateway", parent.namespace(), parent.name()));
            if (g == null) {
                problems.add(Problem.unresolved(route.location(), route.key().toString(), "parent Gateway "
                        + parent.namespace() + "/" + parent.name() + " not found; the route is not served"));
                continue;
            }
            boolean attachedAny = false;
            for (GatewayResource.Listener l : g.listeners()) {
                if (parent.sectionName().isPresent() && !parent.sectionName().get().equals(l.name())) continue;
                if (parent.port().isPresent() && parent.port().get() != l.port()) continue;
                if (!allowed(l, g, route, nsLabels)) continue;
                List<String> hosts = effectiveHostnames(l.hostname(), route.hostnames());
                if (hosts == null) continue;
                attachedAny = true;
                List<RouteTable.Entry> entries = byPort.get(l.port());
                for (int i = 0; i < rules.size(); i++) {
                    HttpRouteResource.Rule rule = route.rules().get(i);
                    CompiledRule compiled = rules.get(i).withPolicy(policies.policyFor(g.key(), l.name(), route, rule));
                    compiled = agw.withRoutes(compiled, g.key(), l.name(), route, rule);
                    Optional<dev.aigw.config.agentgateway.Traffic> t = traffic.trafficFor(g.key(), l.name(), route, rule);
                    if (t.isPresent()) compiled = AgentgatewayTraffic.apply(compiled, t.get());
                    for (HttpRouteResource.Match m : rule.matches()) {
                        entries.add(new RouteTable.Entry(compiled, m, hosts, route.created()));
                    }
                }
            }
            if (!attachedAny) {
                problems.add(Problem.unresolved(route.location(), route.key().toString(), "not attached to Gateway "
                        + g.key().ref() + parent.sectionName().map(s -> " listener " + s).orElse("")
                        + ": no listener matches its sectionName/port, allows routes from namespace "
                        + route.key().namespace() + ", and shares a hostname with it"));
            }
        }
    }

    private static boolean allowed(GatewayResource.Listener l, GatewayResource g, HttpRouteResource route,
                                   Map<String, Map<String, String>> nsLabels) {
        return switch (l.from()) {
            case ALL -> true;
            case SAME -> g.key().namespace().equals(route.key().namespace());
            case SELECTOR -> {
                Map<String, String> labels = new HashMap<>(nsLabels.getOrDefault(route.key().namespace(), Map.of()));
                labels.put("kubernetes.io/metadata.name", route.key().namespace());
                yield l.namespaceSelector().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
            }
        };
    }

    /** The hostnames a route answers on a listener; null when they do not intersect. */
    static List<String> effectiveHostnames(Optional<String> listenerHost, List<String> routeHosts) {
        if (listenerHost.isEmpty()) return routeHosts;
        String lh = listenerHost.get().toLowerCase(Locale.ROOT);
        if (routeHosts.isEmpty()) return List.of(lh);
        List<String> out = new ArrayList<>();
        for (String rh : routeHosts) {
            if (rh.equals(lh) || RouteTable.hostScore(List.of(lh), rh) > 0) out.add(rh);
            else if (RouteTable.hostScore(List.of(rh), lh) > 0) out.add(lh);
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private CompiledRule compileRule(HttpRouteResource route, HttpRouteResource.Rule rule,
                                     Map<ResourceKey, Destination> backends) {
        List<CompiledRule.Weighted> ds = new ArrayList<>();
        for (HttpRouteResource.BackendRef ref : rule.backendRefs()) {
            ds.add(new CompiledRule.Weighted(destination(route, rule, ref, backends), ref.weight()));
        }
        // agentgateway applies the URLRewrite to the path an AgentgatewayBackend sees (its routes match after it).
        boolean ai = ds.stream().anyMatch(w -> w.destination() instanceof Destination.Ai a && a.agentgateway().isEmpty());
        if (ai && rule.filters().stream().anyMatch(f -> f instanceof HttpRouteResource.UrlRewrite)) {
            problems.add(Problem.warning(rule.location(), route.key().toString(), "rule " + rule.index()
                    + ": URLRewrite does not apply to AI backends (the provider decides the path); ignored for them"));
        }
        if (rule.backendRefs().isEmpty()) {
            problems.add(Problem.warning(rule.location(), route.key().toString(), "rule " + rule.index()
                    + " has no backendRefs: matching requests get 500"));
        }
        return new CompiledRule(route.key(), rule.index(), rule.name(), rule.filters(), List.copyOf(ds), rule.timeouts(),
                rule.retry(), route.streamKeepAlive());
    }

    private Destination destination(HttpRouteResource route, HttpRouteResource.Rule rule,
                                     HttpRouteResource.BackendRef ref, Map<ResourceKey, Destination> backends) {
        String where = ref.namespace() + "/" + ref.name();
        if (ref.kind().equals("AgentgatewayBackend")) {
            if (!ref.group().equals("agentgateway.dev")) {
                return unresolved(rule, route, where, "backendRef kind AgentgatewayBackend needs group agentgateway.dev "
                        + "(found " + (ref.group().isEmpty() ? "none" : ref.group()) + ")");
            }
            Destination d = backends.get(new ResourceKey("AgentgatewayBackend", ref.namespace(), ref.name()));
            if (d == null) return unresolved(rule, route, where, "AgentgatewayBackend " + where + " not found");
            return d;
        }
        if (ref.kind().equals("Backend")) {
            if (!ref.group().equals("gateway.kgateway.dev")) {
                return unresolved(rule, route, where, "backendRef kind Backend needs group gateway.kgateway.dev (found "
                        + (ref.group().isEmpty() ? "none" : ref.group()) + ")");
            }
            Destination d = backends.get(ref.backendKey());
            if (d == null) return unresolved(rule, route, where, "Backend " + where + " not found");
            return d;
        }
        if (ref.kind().equals("Service") && ref.group().isEmpty()) {
            if (ref.port().isEmpty()) return unresolved(rule, route, where, "a Service backendRef needs a port");
            // In a cluster, cluster DNS resolves this; standalone, it fails like any unknown host (502).
            return new Destination.Static("Service " + where, List.of(new BackendResource.HostPort(
                    ref.name() + "." + ref.namespace() + ".svc.cluster.local", ref.port().get())));
        }
        return unresolved(rule, route, where, "backendRef kind " + ref.kind() + " is not supported (expected "
                + "Backend of group gateway.kgateway.dev, AgentgatewayBackend of group agentgateway.dev, or Service)");
    }

    private Destination unresolved(HttpRouteResource.Rule rule, HttpRouteResource route, String name, String reason) {
        problems.add(Problem.unresolved(rule.location(), route.key().toString(), reason));
        return new Destination.Unavailable(name, reason);
    }

}

package dev.aigw.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.gateway.GatewayConversion;
import dev.aigw.config.gateway.GatewaySpec;
import dev.aigw.config.gateway.HttpRouteConversion;
import dev.aigw.config.gateway.HttpRouteSpec;
import dev.aigw.config.kgateway.BackendConversion;
import dev.aigw.config.kgateway.BackendSpec;
import dev.aigw.config.kgateway.TrafficPolicyConversion;
import dev.aigw.config.kgateway.TrafficPolicySpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Turns {@link RawResource}s into typed, validated records, kind by kind. Every problem names
 * the file, line and resource; a resource with an error is left out (and the error refuses the
 * config).
 *
 * <p>This class only dispatches: it checks a resource's top-level fields and apiVersion group,
 * binds its spec strictly onto its family's records ({@link Binder}: unknown fields and wrong
 * types are located errors with a suggestion), and hands the bound spec to the family's one
 * validation pass, which builds the compiled record and reports at JSON pointers through
 * {@link Checker}: {@code config.gateway} ({@link GatewayConversion}, {@link HttpRouteConversion}),
 * {@code config.kgateway} ({@link BackendConversion}, {@link TrafficPolicyConversion}),
 * {@code config.agentgateway} ({@code BackendValidation}, {@code PolicyValidation}), and
 * {@link SecretConversion}.
 */
public final class ResourceParser {
    static final String GATEWAY_API = Values.GATEWAY_API;
    static final String KGATEWAY = Values.KGATEWAY;
    static final String AGENTGATEWAY = "agentgateway.dev";

    private final Function<String, String> env;
    private final List<Problem> problems = new ArrayList<>();

    public ResourceParser(Function<String, String> env) {
        this.env = env;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The typed resources of one kind each; resources with errors are absent. */
    public record Parsed(List<GatewayResource> gateways, List<HttpRouteResource> routes,
                         List<BackendResource> backends, List<SecretResource> secrets,
                         List<TrafficPolicyResource> policies, List<RawResource> ignored,
                         List<dev.aigw.config.agentgateway.AgentgatewayBackend> agentgatewayBackends,
                         List<dev.aigw.config.agentgateway.AgentgatewayPolicy> agentgatewayPolicies) {
        public Parsed(List<GatewayResource> gateways, List<HttpRouteResource> routes, List<BackendResource> backends,
                      List<SecretResource> secrets, List<TrafficPolicyResource> policies, List<RawResource> ignored) {
            this(gateways, routes, backends, secrets, policies, ignored, List.of(), List.of());
        }
    }

    public Parsed parse(Collection<RawResource> raws) {
        List<GatewayResource> gateways = new ArrayList<>();
        List<HttpRouteResource> routes = new ArrayList<>();
        List<BackendResource> backends = new ArrayList<>();
        List<SecretResource> secrets = new ArrayList<>();
        List<TrafficPolicyResource> policies = new ArrayList<>();
        List<RawResource> ignored = new ArrayList<>();
        List<dev.aigw.config.agentgateway.AgentgatewayBackend> agwBackends = new ArrayList<>();
        List<dev.aigw.config.agentgateway.AgentgatewayPolicy> agwPolicies = new ArrayList<>();
        List<RawResource> agw = new ArrayList<>();
        EnvRefs envRefs = new EnvRefs(env);
        for (RawResource r : raws) {
            String group = r.apiVersion().contains("/") ? r.apiVersion().substring(0, r.apiVersion().indexOf('/')) : "";
            Checker c = new Checker(r, problems);
            if (!topLevel(r)) continue;
            switch (r.kind()) {
                case "Gateway" -> {
                    if (group(c, group, GATEWAY_API)) add(gateways, convert(c, GatewaySpec.class, GatewayConversion::convert), c);
                }
                case "HTTPRoute" -> {
                    if (group(c, group, GATEWAY_API)) add(routes, convert(c, HttpRouteSpec.class, HttpRouteConversion::convert), c);
                }
                case "Backend" -> {
                    if (group(c, group, KGATEWAY)) add(backends, convert(c, BackendSpec.class,
                            (s, ch) -> BackendConversion.convert(s, ch, envRefs)), c);
                }
                case "Secret" -> {
                    if (group(c, group, "")) add(secrets, SecretConversion.convert(c, envRefs), c);
                }
                case "TrafficPolicy", "RoutePolicy" -> {
                    if (group(c, group, KGATEWAY)) add(policies, convert(c, TrafficPolicySpec.class,
                            (s, ch) -> TrafficPolicyConversion.convert(s, ch, envRefs)), c);
                }
                // After the loop: they resolve webhook backendRefs against the static Backends.
                case "AgentgatewayBackend", "AgentgatewayPolicy" -> {
                    if (group(c, group, AGENTGATEWAY)) agw.add(r);
                }
                case "AgentgatewayParameters" -> {
                    // Proxy deployment knobs of agentgateway's controller; the raw spec stays reachable in `ignored`.
                    if (group(c, group, AGENTGATEWAY)) {
                        problems.add(Problem.info(r.location(), r.key().toString(), "AgentgatewayParameters configure "
                                + "agentgateway's own proxy deployment; accepted and ignored by this gateway (except spec.modelCatalog, "
                                + "the cost catalog governance reads)"));
                        ignored.add(r);
                    }
                }
                // Accepted; nothing to serve standalone.
                case "GatewayClass", "GatewayParameters", "ReferenceGrant",
                     "ConfigMap", "Namespace" -> ignored.add(r);
                default -> problems.add(Problem.warning(r.location(), r.key().toString(),
                        "kind " + r.kind() + " (" + r.apiVersion() + ") is not used by this gateway; ignored"));
            }
        }
        // Every AgentgatewayBackend is bound before any is validated, so a webhook's backendRef resolves
        // against the bound records whatever the order of the files; each one's problems keep its place.
        Map<ResourceKey, dev.aigw.config.agentgateway.AgentgatewayBackend.Spec> agwSpecs = new HashMap<>();
        Map<ResourceKey, List<Problem>> bindProblems = new HashMap<>();
        for (RawResource r : agw) {
            if (!r.kind().equals("AgentgatewayBackend")) continue;
            List<Problem> own = new ArrayList<>();
            agwSpecs.put(r.key(), dev.aigw.config.agentgateway.BackendValidation.bind(r, own));
            bindProblems.put(r.key(), own);
        }
        var resolve = resolver(backends, agwSpecs);
        for (RawResource r : agw) {
            if (r.kind().equals("AgentgatewayBackend")) {
                problems.addAll(bindProblems.get(r.key()));
                var parsed = dev.aigw.config.agentgateway.BackendValidation.parse(r, agwSpecs.get(r.key()), problems, resolve);
                if (parsed == null) continue;
                agwBackends.add(parsed.backend());
                parsed.resource().ifPresent(backends::add);
                parsed.ai().ifPresent(policies::add);
            } else {
                var parsed = dev.aigw.config.agentgateway.PolicyValidation.parse(r, problems, resolve, raws);
                if (parsed == null) continue;
                agwPolicies.add(parsed.policy());
                parsed.ai().ifPresent(policies::add);
            }
        }
        return new Parsed(gateways, routes, backends, secrets, List.copyOf(policies), ignored, List.copyOf(agwBackends),
                List.copyOf(agwPolicies));
    }

    /**
     * Where a policy's {@code backendRef} (a webhook) leads: a Service by its cluster DNS name, an
     * AgentgatewayBackend or kgateway Backend of type Static by its first host, read from their
     * bound records ({@code kgateway}: the converted Backends; {@code agentgateway}: the bound specs).
     */
    private static dev.aigw.config.agentgateway.AiMapping.Resolver resolver(Collection<BackendResource> kgateway,
            Map<ResourceKey, dev.aigw.config.agentgateway.AgentgatewayBackend.Spec> agentgateway) {
        Map<ResourceKey, BackendResource> byKey = new HashMap<>();
        for (BackendResource b : kgateway) byKey.put(b.key(), b);
        return (referrer, ref) -> {
            String kind = ref.kind().orElse("Service");
            String ns = ref.namespace().orElse(referrer);
            ResourceKey key = new ResourceKey(kind, ns, ref.name());
            if (kind.equals("Service") && ref.group().orElse("").isEmpty()) {
                return ref.port().map(p -> new HostPort(ref.name() + "." + ns + ".svc.cluster.local", p));
            }
            if (kind.equals("AgentgatewayBackend")) {
                var st = Optional.ofNullable(agentgateway.get(key)).flatMap(s -> s.staticBackend());
                if (st.isEmpty() || st.get().host().isEmpty() || st.get().port().isEmpty()) return Optional.empty();
                return Optional.of(new HostPort(st.get().host().get(), ref.port().orElse(st.get().port().get())));
            }
            if (byKey.get(key) instanceof BackendResource b && b.spec() instanceof BackendResource.Static s
                    && !s.hosts().isEmpty()) {
                return Optional.of(new HostPort(s.hosts().getFirst().host(), ref.port().orElse(s.hosts().getFirst().port())));
            }
            return Optional.empty();
        };
    }

    /** The top-level fields of a resource, by kind; the spec shapes are bound by {@link Binder}. */
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> SECRET_TOP = Set.of("apiVersion", "kind", "metadata", "data", "stringData", "type",
            "immutable");

    /** Unknown top-level fields of the kinds read here are errors with a suggestion; false when there was one. */
    private boolean topLevel(RawResource r) {
        Set<String> top = switch (r.kind()) {
            case "Secret" -> SECRET_TOP;
            case "Gateway", "HTTPRoute", "Backend", "TrafficPolicy", "RoutePolicy" -> TOP;
            default -> null;
        };
        if (top == null) return true;
        boolean ok = true;
        for (String f : (Iterable<String>) r.body()::fieldNames) {
            if (top.contains(f)) continue;
            String close = Suggest.closest(f, top);
            problems.add(Problem.error(r.at("/" + YamlResources.escape(f)), r.key().toString(), "unknown field `" + f
                    + "` in " + r.key() + (close == null ? "" : "; did you mean `" + close + "`?") + " (valid: "
                    + String.join(", ", new TreeSet<>(top)) + ")"));
            ok = false;
        }
        return ok;
    }

    /** Whether the apiVersion's group is the one this kind is read from (else an error). */
    private static boolean group(Checker c, String group, String expected) {
        if (group.equals(expected)) return true;
        RawResource r = c.resource();
        c.fail("/apiVersion", "apiVersion " + r.apiVersion() + " is not a " + r.kind()
                + " version this gateway reads (expected " + (expected.isEmpty() ? "v1" : expected + "/...") + ")");
        return false;
    }

    /**
     * Binds the spec strictly onto its family's records ({@link Binder}: unknown fields and values
     * of the wrong type are located errors with a suggestion), then converts it in the family's
     * one validation pass; null after an error.
     */
    private static <S, T> T convert(Checker c, Class<S> type, BiFunction<S, Checker, T> conversion) {
        if (!(c.resource().body().get("spec") instanceof ObjectNode)) {
            c.fail("", "spec is missing");
            return null;
        }
        S spec = c.bind("/spec", type);
        return spec == null ? null : conversion.apply(spec, c);
    }

    private static <T> void add(List<T> list, T value, Checker c) {
        if (value != null && !c.failed()) list.add(value);
    }
}

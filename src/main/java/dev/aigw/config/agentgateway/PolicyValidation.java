package dev.aigw.config.agentgateway;

import dev.aigw.config.Binder;
import dev.aigw.config.Checker;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.agentgateway.Refs.TargetRef;
import dev.aigw.config.agentgateway.Refs.TargetSelector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.aigw.config.agentgateway.TrafficValidation.atMostOne;
import static dev.aigw.config.agentgateway.TrafficValidation.duration;
import static dev.aigw.config.agentgateway.TrafficValidation.exactlyOne;

/**
 * Binds and validates {@code AgentgatewayPolicy}: one pass of the CRD's rules (CEL messages
 * verbatim), then what this gateway serves: targets, sections, the {@code BackendFull} connection
 * policies and {@code auth} (shared with AgentgatewayBackend). {@code backend.ai} is
 * {@link AiValidation}'s.
 */
public final class PolicyValidation {
    static final String AGW = "agentgateway.dev";
    static final String GATEWAY_API = "gateway.networking.k8s.io";
    private static final Set<String> TARGET_KINDS = Set.of("Gateway", "HTTPRoute", "GRPCRoute", "ListenerSet",
            "Service", "AgentgatewayBackend", "InferencePool");
    private static final Set<String> TRAFFIC_KINDS = Set.of("Gateway", "HTTPRoute", "GRPCRoute", "ListenerSet",
            "InferencePool");

    private PolicyValidation() {
    }

    /** The bound, validated policy, or null after an error (the problems are added); targetSelectors select nothing. */
    public static AgentgatewayPolicy parse(RawResource r, List<Problem> problems) {
        Parsed p = parse(r, problems, (ns, ref) -> Optional.empty(), List.of());
        return p == null ? null : p.policy();
    }

    /**
     * A bound, validated policy and its {@code backend.ai} in the TrafficPolicy shape the AI
     * policy engine attaches and merges (same targets; see {@link AiMapping}).
     */
    public record Parsed(AgentgatewayPolicy policy, Optional<TrafficPolicyResource> ai) {
    }

    /** Without the other resources: targetSelectors select nothing. */
    public static Parsed parse(RawResource r, List<Problem> problems, AiMapping.Resolver resolve) {
        return parse(r, problems, resolve, List.of());
    }

    /** {@code all}: the snapshot's resources, whose labels {@code targetSelectors} match. */
    public static Parsed parse(RawResource r, List<Problem> problems, AiMapping.Resolver resolve,
                               Collection<RawResource> all) {
        AgentgatewayPolicy.Spec spec = Binder.bind(r, "/spec", AgentgatewayPolicy.Spec.class, problems);
        if (spec == null) return null;
        Checker c = new Checker(r, problems);
        validate(spec, c);
        List<List<TargetRef>> picked = c.failed() ? List.of() : TargetSelection.selections(spec, r.namespace(), all);
        List<TargetRef> targets = c.failed() ? List.of() : TargetSelection.targets(spec, picked);
        if (!c.failed() && !all.isEmpty()) {
            for (int i = 0; i < spec.targetSelectors().size(); i++) {
                TargetSelector t = spec.targetSelectors().get(i);
                if (picked.get(i).isEmpty()) {
                    c.warning("/spec/targetSelectors/" + i, "selects no " + t.kind() + " in namespace " + r.namespace()
                            + " (matchLabels " + t.matchLabels() + "); the policy applies there once one carries the labels");
                }
            }
        }
        // Where each target was written: its targetRefs entry, or the selector that picked it.
        java.util.function.Function<TargetRef, dev.aigw.config.Location> at = t -> {
            for (int i = 0; i < spec.targetSelectors().size(); i++) {
                TargetSelector s = spec.targetSelectors().get(i);
                if (s.kind().equals(t.kind()) && s.sectionName().equals(t.sectionName())) return r.at("/spec/targetSelectors/" + i);
            }
            return r.at("/spec/targetRefs");
        };
        Optional<TrafficPolicyResource> ai = Optional.empty();
        Optional<AiBackendPolicy> backendAi = spec.backend().flatMap(BackendPolicies::ai);
        if (backendAi.isPresent() && !c.failed()) {
            String list = spec.targetRefs().isEmpty() ? "/spec/targetSelectors/" : "/spec/targetRefs/";
            int n = spec.targetRefs().isEmpty() ? spec.targetSelectors().size() : spec.targetRefs().size();
            for (int i = 0; i < n; i++) {
                boolean backend = spec.targetRefs().isEmpty() ? spec.targetSelectors().get(i).kind().equals("AgentgatewayBackend")
                        : spec.targetRefs().get(i).kind().equals("AgentgatewayBackend");
                boolean section = spec.targetRefs().isEmpty() ? spec.targetSelectors().get(i).sectionName().isPresent()
                        : spec.targetRefs().get(i).sectionName().isPresent();
                if (backend && section) {
                    c.error(list + i + "/sectionName", "backend.ai for one provider of a Backend "
                            + "(sectionName) is not served by this gateway; target the whole Backend");
                }
            }
            TrafficPolicyResource.Ai mapped = AiMapping.toAi(backendAi.get(), "/spec/backend/ai", c, resolve);
            ai = Optional.of(new TrafficPolicyResource(r.key(), r.created(), targets.stream()
                    .map(t -> new TrafficPolicyResource.TargetRef(t.group(), t.kind(), r.key().namespace(), t.name(),
                            t.sectionName(), at.apply(t)))
                    .toList(), mapped, r.location()));
        }
        return c.failed() ? null
                : new Parsed(new AgentgatewayPolicy(r.key(), r.created(), spec, r.location(), targets), ai);
    }

    static void validate(AgentgatewayPolicy.Spec s, Checker c) {
        exactlyOne(c, "/spec", List.of("targetRefs", "targetSelectors"), !s.targetRefs().isEmpty(),
                !s.targetSelectors().isEmpty());
        if (s.traffic().isEmpty() && s.frontend().isEmpty() && s.backend().isEmpty()) {
            c.error("/spec", "At least one of traffic, frontend, or backend must be provided.");
        }
        List<String> kinds = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<Boolean> sections = new ArrayList<>();
        for (TargetRef t : s.targetRefs()) {
            kinds.add(t.kind());
            groups.add(t.group());
            sections.add(t.sectionName().isPresent());
        }
        for (TargetSelector t : s.targetSelectors()) {
            kinds.add(t.kind());
            groups.add(t.group());
            sections.add(t.sectionName().isPresent());
        }
        String targets = s.targetRefs().isEmpty() ? "/spec/targetSelectors" : "/spec/targetRefs";
        if (kinds.size() > 16) c.error(targets, "lists " + kinds.size() + " targets (at most 16)");
        for (int i = 0; i < kinds.size(); i++) {
            String k = kinds.get(i);
            String g = groups.get(i);
            boolean ok = k.equals("Service") && g.isEmpty() || k.equals("AgentgatewayBackend") && g.equals(AGW)
                    || Set.of("Gateway", "HTTPRoute", "GRPCRoute", "ListenerSet").contains(k) && g.equals(GATEWAY_API)
                    || k.equals("InferencePool") && g.equals("inference.networking.k8s.io");
            if (!ok) {
                c.error(targets + "/" + i, "targetRefs may only reference Gateway, HTTPRoute, GRPCRoute, ListenerSet, "
                        + "Service, AgentgatewayBackend, or InferencePool resources");
            }
        }
        if (new HashSet<>(kinds).size() > 1) c.error(targets, "Only one Kind of targetRef can be set on one policy");
        for (int i = 0; i < s.targetRefs().size(); i++) {
            if (s.targetRefs().get(i).port().isPresent() && (s.traffic().isPresent() || s.backend().isPresent())) {
                c.error("/spec/targetRefs/" + i + "/port", "port may only be set on frontend-only policies");
            }
        }
        for (int i = 0; i < s.targetSelectors().size(); i++) {
            if (s.targetSelectors().get(i).port().isPresent() && (s.traffic().isPresent() || s.backend().isPresent())) {
                c.error("/spec/targetSelectors/" + i + "/port", "port may only be set on frontend-only policies");
            }
        }
        if (s.frontend().isPresent()) {
            for (int i = 0; i < kinds.size(); i++) {
                if (!kinds.get(i).equals("Gateway") || sections.get(i)) {
                    c.error(targets + "/" + i, "the 'frontend' field can only target a Gateway");
                }
            }
            c.error("/spec/frontend", "spec.frontend (listener TCP/TLS/HTTP settings, access log, tracing) is not "
                    + "served by this gateway; use the gateway's flags instead");
        }
        s.traffic().ifPresent(t -> {
            for (int i = 0; i < kinds.size(); i++) {
                if (!TRAFFIC_KINDS.contains(kinds.get(i))) {
                    c.error(targets + "/" + i, "the 'traffic' field can only target a Gateway, ListenerSet, GRPCRoute, "
                            + "HTTPRoute, or InferencePool");
                }
                if (t.phase().orElse(Traffic.Phase.PostRouting) == Traffic.Phase.PreRouting
                        && !Set.of("Gateway", "ListenerSet").contains(kinds.get(i))) {
                    c.error(targets + "/" + i, "the 'traffic.phase=PreRouting' field can only target a Gateway or "
                            + "ListenerSet");
                }
            }
            TrafficValidation.validate(t, "/spec/traffic", c);
        });
        s.backend().ifPresent(b -> {
            if (b.ai().isPresent() && kinds.contains("Service")) {
                c.error(targets, "backend.ai may not be used with a Service target");
            }
            backend(b, "/spec/backend", c, true);
            if (b.health().isPresent() && kinds.stream().anyMatch(k -> !k.equals("AgentgatewayBackend"))) {
                c.error("/spec/backend/health", "backend.health is served on AgentgatewayBackend targets (it judges "
                        + "each provider of the Backend); target the AgentgatewayBackend, or set its spec.policies.health");
            }
            // Connection settings attach to the Backend itself here; the policy form would need a
            // per-target provider build this gateway does not do.
            for (String f : List.of("tls", "tcp", "http", "auth")) {
                boolean set = switch (f) {
                    case "tls" -> b.tls().isPresent();
                    case "tcp" -> b.tcp().isPresent();
                    case "http" -> b.http().isPresent();
                    default -> b.auth().isPresent();
                };
                if (set) {
                    c.error("/spec/backend/" + f, "backend." + f + " in an AgentgatewayPolicy is not served by this "
                            + "gateway; set it in the AgentgatewayBackend's spec.policies." + f);
                }
            }
        });
        if (s.strategy().isPresent() && s.strategy().get().inheritance().isPresent() && s.traffic().isEmpty()) {
            c.warning("/spec/strategy", "strategy.inheritance applies to traffic only");
        }
        for (int i = 0; i < kinds.size(); i++) {
            if (Set.of("GRPCRoute", "ListenerSet", "InferencePool", "Service").contains(kinds.get(i))) {
                c.warning(targets + "/" + i, kinds.get(i) + " targets are not served by this gateway; the policy "
                        + "does nothing there");
            }
        }
    }

    /** {@code BackendFull} rules; {@code full}: the policy/Backend form (mcp, extAuth allowed by the schema). */
    public static void backend(BackendPolicies b, String at, Checker c, boolean full) {
        b.auth().ifPresent(a -> auth(a, at + "/auth", c));
        if (b.tcp().isPresent()) {
            c.error(at + "/tcp", "tcp (connectTimeout, keepalive) is not served by this gateway yet");
        }
        if (b.http().isPresent()) {
            c.error(at + "/http", "http (version, requestTimeout) is not served by this gateway yet; use the "
                    + "HTTPRoute's timeouts.backendRequest");
        }
        b.health().ifPresent(h -> h.eviction().ifPresent(e -> {
            String p = at + "/health/eviction";
            duration(e.duration(), p + "/duration", c);
            if (e.duration().isPresent() && e.duration().get().value().toMillis() < 1000) {
                c.error(p + "/duration", "evictionDuration must be at least 1 second");
            }
            c.range(p + "/restoreHealth", e.restoreHealth(), 0, 100);
            c.range(p + "/healthThreshold", e.healthThreshold(), 0, 100);
            c.range(p + "/consecutiveFailures", e.consecutiveFailures(), 0, Integer.MAX_VALUE);
        }));
        b.tcp().ifPresent(t -> duration(t.connectTimeout(), at + "/tcp/connectTimeout", c));
        b.http().ifPresent(h -> duration(h.requestTimeout(), at + "/http/requestTimeout", c));
        b.ai().ifPresent(ai -> AiValidation.ai(ai, at + "/ai", c));
        b.tls().ifPresent(t -> {
            if (!t.caCertificateRefs().isEmpty() || !t.mtlsCertificateRef().isEmpty() || t.insecureSkipVerify().isPresent()
                    || !t.verifySubjectAltNames().isEmpty()) {
                c.error(at + "/tls", "tls.caCertificateRefs, mtlsCertificateRef, insecureSkipVerify and "
                        + "verifySubjectAltNames are not served by this gateway (upstream TLS uses the system roots "
                        + "and --ca-file); only sni is");
            }
        });
        if (!full && (b.mcp().isPresent() || b.extAuth().isPresent())) {
            c.error(at, "a provider's policies may not set mcp or extAuth");
        }
        if (b.mcp().isPresent()) c.error(at + "/mcp", "MCP policies require MCP backend (MCP is not served by this gateway)");
        if (b.tunnel().isPresent()) c.error(at + "/tunnel", "backend.tunnel is not served by this gateway");
        if (b.transformation().isPresent()) c.error(at + "/transformation", "backend.transformation is not served by this gateway");
        if (b.extAuth().isPresent()) c.error(at + "/extAuth", "backend.extAuth is not served by this gateway");
    }

    static void auth(BackendPolicies.Auth a, String p, Checker c) {
        auth(a, p, c, false);
    }

    /** {@code gcp}: whether auth.gcp is served where this auth is (the googleModelArmor guard's). */
    static void auth(BackendPolicies.Auth a, String p, Checker c, boolean gcp) {
        List<String> sources = a.sources();
        atMostOne(c, p, List.of("key", "secretRef", "passthrough", "aws", "azure", "gcp", "oauthTokenExchange",
                "crossAppAccess", "jwtSign"), sources.size());
        if (a.location().isPresent() && !sources.isEmpty() && !Set.of("key", "secretRef", "passthrough").contains(sources.getFirst())) {
            c.error(p + "/location", "location may only be set for key, secretRef, or passthrough auth");
        }
        a.key().ifPresent(k -> c.length(p + "/key", k, 2048));
        a.location().ifPresent(l -> {
            int n = (l.header().isPresent() ? 1 : 0) + (l.queryParameter().isPresent() ? 1 : 0) + (l.cookie().isPresent() ? 1 : 0);
            if (n != 1) c.error(p + "/location", "exactly one of the fields in [header queryParameter cookie] must be set");
            if (l.cookie().isPresent()) c.error(p + "/location/cookie", "a cookie credential location is not served by this gateway");
        });
        for (String unserved : List.of("azure", "gcp", "oauthTokenExchange", "crossAppAccess", "jwtSign")) {
            if (sources.contains(unserved) && !(gcp && unserved.equals("gcp"))) {
                c.error(p + "/" + unserved, "auth." + unserved + " is not served by this gateway (use key, secretRef, "
                        + "passthrough or aws)");
            }
        }
        if (!a.credentials().isEmpty()) c.error(p + "/credentials", "auth.credentials is not served by this gateway");
        a.aws().ifPresent(aws -> {
            if (aws.assumeRole().isPresent()) c.error(p + "/aws/assumeRole", "aws.assumeRole is not served by this gateway");
        });
    }
}

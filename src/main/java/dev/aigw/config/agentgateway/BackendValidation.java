package dev.aigw.config.agentgateway;

import dev.aigw.config.AiRoutes;
import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.AuthHeader;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.Llm;
import dev.aigw.config.BackendResource.ProviderSpec;
import dev.aigw.config.BackendResource.Upstream;
import dev.aigw.config.Binder;
import dev.aigw.config.Checker;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.SecretValue;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.Values;
import dev.aigw.config.agentgateway.AgentgatewayBackend.NamedProvider;
import dev.aigw.config.agentgateway.AgentgatewayBackend.Provider;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.aigw.config.agentgateway.TrafficValidation.exactlyOne;

/**
 * Binds and validates {@code AgentgatewayBackend}, and turns an {@code ai} one into the
 * {@link BackendResource} the providers are built from, with agentgateway's data-plane rules
 * (D {@code llm/mod.rs}, {@code proxy/httpproxy.rs}):
 * <ul>
 * <li>no {@code host}: the provider's default host on 443 with TLS, and its path;</li>
 * <li>{@code host} set: plain HTTP unless {@code policies.tls} is set; the client's path unless
 * {@code path} or {@code pathPrefix} is set; no default credential (vertexai and bedrock then
 * get no Google or AWS default chain);</li>
 * <li>no {@code auth}: the client's own credential passes through (for Anthropic, a client's
 * {@code Authorization: Bearer X} goes upstream as {@code x-api-key: X});</li>
 * <li>Gemini: the native {@code generateContent} API (agentgateway main), not the 1.4.x OpenAI
 * compatibility path.</li>
 * </ul>
 */
public final class BackendValidation {
    private static final Pattern REGION = Pattern.compile("^[a-z0-9-]+$");

    private BackendValidation() {
    }

    /**
     * A bound, validated Backend, what this gateway serves of it ({@code ai} or {@code static}), and
     * its {@code spec.policies.ai} as an AI policy targeting itself (the most important level).
     */
    public record Parsed(AgentgatewayBackend backend, Optional<BackendResource> resource,
                         Optional<dev.aigw.config.TrafficPolicyResource> ai) {
    }

    public static Parsed parse(RawResource r, List<Problem> problems, AiMapping.Resolver resolve) {
        return parse(r, bind(r, problems), problems, resolve);
    }

    /** The spec bound onto its records, or null after an error (the problems are added). */
    public static AgentgatewayBackend.Spec bind(RawResource r, List<Problem> problems) {
        return Binder.bind(r, "/spec", AgentgatewayBackend.Spec.class, problems);
    }

    /** Validates a spec {@link #bind bound} before (null: it did not bind, and this is null). */
    public static Parsed parse(RawResource r, AgentgatewayBackend.Spec spec, List<Problem> problems, AiMapping.Resolver resolve) {
        if (spec == null) return null;
        Checker c = new Checker(r, problems);
        AgentgatewayBackend b = new AgentgatewayBackend(r.key(), spec, r.location());
        Optional<BackendResource> resource = validate(b, c);
        Optional<dev.aigw.config.TrafficPolicyResource> ai = spec.policies().flatMap(BackendPolicies::ai).map(a ->
                new dev.aigw.config.TrafficPolicyResource(r.key(), r.created(), List.of(
                        new dev.aigw.config.TrafficPolicyResource.TargetRef(PolicyValidation.AGW, "AgentgatewayBackend",
                                r.key().namespace(), r.key().name(), Optional.empty(), r.at("/spec/policies/ai"))),
                        AiMapping.toAi(a, "/spec/policies/ai", c, resolve), r.location()));
        return c.failed() ? null : new Parsed(b, resource, ai);
    }

    static Optional<BackendResource> validate(AgentgatewayBackend b, Checker c) {
        AgentgatewayBackend.Spec s = b.spec();
        exactlyOne(c, "/spec", List.of("ai", "static", "dynamicForwardProxy", "mcp", "aws", "a2a"), s.ai().isPresent(),
                s.staticBackend().isPresent(), s.dynamicForwardProxy().isPresent(), s.mcp().isPresent(),
                s.aws().isPresent(), s.a2a().isPresent());
        BackendPolicies policies = s.policies().orElse(BackendPolicies.NONE);
        if (policies.ai().isPresent() && s.ai().isEmpty()) c.error("/spec/policies/ai", "AI policies require AI backend");
        s.policies().ifPresent(p -> PolicyValidation.backend(p, "/spec/policies", c, true));
        for (String kind : List.of("dynamicForwardProxy", "mcp", "aws", "a2a")) {
            boolean set = switch (kind) {
                case "dynamicForwardProxy" -> s.dynamicForwardProxy().isPresent();
                case "mcp" -> s.mcp().isPresent();
                case "aws" -> s.aws().isPresent();
                default -> s.a2a().isPresent();
            };
            if (set) c.error("/spec/" + kind, kind + " backends are not served by this gateway (ai and static are)");
        }
        if (s.staticBackend().isPresent()) {
            AgentgatewayBackend.StaticBackend st = s.staticBackend().get();
            if (st.unixPath().isPresent()) c.error("/spec/static/unixPath", "unixPath is not served by this gateway");
            else if (st.host().isEmpty() || st.port().isEmpty()) c.error("/spec/static", "static needs host and port");
            c.range("/spec/static/port", st.port(), 1, 65535);
            if (c.failed()) return Optional.empty();
            return Optional.of(new BackendResource(b.key(), new BackendResource.Static(List.of(
                    new HostPort(st.host().get(), st.port().get()))), b.location()));
        }
        if (s.ai().isEmpty() || c.failed()) return Optional.empty();
        AgentgatewayBackend.Ai ai = s.ai().get();
        exactlyOne(c, "/spec/ai", List.of("provider", "groups"), ai.provider().isPresent(), !ai.groups().isEmpty());
        List<List<Llm>> groups = new ArrayList<>();
        if (ai.provider().isPresent()) {
            Llm llm = llm(b.key().name(), ai.provider().get(), policies, "/spec/ai/provider", "/spec/policies", c);
            if (llm != null) groups.add(List.of(withPolicies(llm, Optional.empty(), policies.health(), "/spec/policies", c)));
        }
        if (ai.groups().size() > 8) c.error("/spec/ai/groups", "lists " + ai.groups().size() + " groups (at most 8)");
        Set<String> allNames = new HashSet<>();
        for (int g = 0; g < ai.groups().size(); g++) {
            List<NamedProvider> ps = ai.groups().get(g).providers();
            String gp = "/spec/ai/groups/" + g + "/providers";
            if (ps.isEmpty() || ps.size() > 32) c.error(gp, "must list 1 to 32 providers");
            Set<String> names = new HashSet<>();
            List<Llm> group = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                NamedProvider np = ps.get(i);
                String pp = gp + "/" + i;
                if (!names.add(np.name())) c.error(pp + "/name", "provider names must be unique within a group");
                else if (!allNames.add(np.name())) {
                    c.warning(pp + "/name", "provider name " + np.name() + " is also used in another group; policies "
                            + "that pick it by sectionName reach both");
                }
                np.policies().ifPresent(p -> PolicyValidation.backend(p, pp + "/policies", c, false));
                BackendPolicies own = np.policies().orElse(BackendPolicies.NONE);
                BackendPolicies merged = BackendPolicies.merge(policies, own);
                Llm llm = llm(np.name(), np.provider(), merged, pp, own.auth().isPresent() ? pp + "/policies" : "/spec/policies", c);
                Optional<TrafficPolicyResource.Ai> providerAi = own.ai().map(a -> providerAi(a, pp + "/policies/ai", c));
                String healthAt = own.health().isPresent() ? pp + "/policies" : "/spec/policies";
                if (llm != null) group.add(withPolicies(llm, providerAi, merged.health(), healthAt, c));
            }
            groups.add(List.copyOf(group));
        }
        if (c.failed()) return Optional.empty();
        // spec.policies.ai.routes: matched against the path after the route's URLRewrite (route.SnapshotCompiler
        // merges an AgentgatewayPolicy's routes under these and adds agentgateway's default, Completions).
        AiRoutes routes = policies.ai().map(a -> AiRoutes.of(a.routes())).orElse(AiRoutes.NONE);
        return Optional.of(new BackendResource(b.key(), new BackendResource.Ai(List.copyOf(groups),
                BackendResource.LoadBalancing.ROUND_ROBIN, routes), b.location()));
    }

    /**
     * A failover provider's own {@code policies.ai}: the body rewrites it may change per provider
     * (prompt, defaults, overrides, modelAliases). Guards and routes are decided once per request,
     * before a provider is chosen, so they are refused here.
     */
    private static TrafficPolicyResource.Ai providerAi(AiBackendPolicy a, String at, Checker c) {
        if (a.promptGuard().isPresent()) {
            c.error(at + "/promptGuard", "a provider's own promptGuard is not served by this gateway (guards run once per "
                    + "request, before a provider is chosen); set it in the Backend's spec.policies.ai or an AgentgatewayPolicy");
        }
        if (!a.routes().isEmpty()) {
            c.error(at + "/routes", "a provider's own routes are not served by this gateway (the route type is chosen "
                    + "before a provider); set them in the Backend's spec.policies.ai.routes");
        }
        if (a.promptCaching().isPresent() || !a.transformations().isEmpty() || !a.finalTransformations().isEmpty()) {
            c.error(at, "a provider's own promptCaching, transformations and finalTransformations are not served by this "
                    + "gateway (a provider's policies.ai may set prompt, defaults, overrides and modelAliases); set them in "
                    + "the Backend's spec.policies.ai");
        }
        return AiMapping.toAi(a, at, c, (ns, ref) -> Optional.empty());
    }

    /** The provider's own AI policy and the health rule that applies to it ({@code at}: where that health was written). */
    private static Llm withPolicies(Llm llm, Optional<TrafficPolicyResource.Ai> ai, Optional<BackendPolicies.Health> health,
                                    String at, Checker c) {
        Optional<BackendResource.Health> h = health.map(x -> health(x, at + "/health", c));
        if (ai.isEmpty() && h.isEmpty()) return llm;
        return new Llm(llm.name(), llm.provider(), llm.host(), llm.path(), llm.authHeader(), llm.location(),
                llm.upstream(), new BackendResource.ProviderPolicies(ai, h, llm.policies().formats()));
    }

    static BackendResource.Health health(BackendPolicies.Health h, String at, Checker c) {
        h.unhealthyCondition().ifPresent(x -> c.length(at + "/unhealthyCondition", x, 16384));
        return health(h, c.resource().at(at));
    }

    /** {@code health} as the providers are built from it; {@code at}: where it was written. */
    public static BackendResource.Health health(BackendPolicies.Health h, dev.aigw.config.Location at) {
        Optional<BackendPolicies.Eviction> e = h.eviction();
        return new BackendResource.Health(h.unhealthyCondition(),
                e.flatMap(BackendPolicies.Eviction::duration).map(dev.aigw.config.GoDuration::value),
                e.flatMap(BackendPolicies.Eviction::consecutiveFailures), e.flatMap(BackendPolicies.Eviction::healthThreshold),
                e.flatMap(BackendPolicies.Eviction::restoreHealth), at);
    }

    /** One provider, with the policies that apply to it ({@code auth}, {@code tls}; {@code policiesAt}: where its auth was written). */
    static Llm llm(String name, Provider p, BackendPolicies policies, String at, String policiesAt, Checker c) {
        List<String> kinds = p.kinds();
        if (kinds.size() != 1) {
            c.error(at, "exactly one of the fields in [openai azureopenai azure anthropic gemini vertexai bedrock custom] "
                    + "must be set" + (kinds.isEmpty() ? "" : " (found " + String.join(", ", kinds) + ")"));
            return null;
        }
        if (p.host().isPresent() != p.port().isPresent()) c.error(at, "both host and port must be set together");
        if (p.path().isPresent() && p.pathPrefix().isPresent()) c.error(at, "path and pathPrefix are mutually exclusive");
        if (p.pathPrefix().isPresent() && p.host().isEmpty()) c.error(at + "/pathPrefix", "pathPrefix requires host to be set");
        p.path().ifPresent(x -> {
            if (!x.startsWith("/")) c.error(at + "/path", "path " + x + " must start with /");
        });
        p.pathPrefix().ifPresent(x -> {
            if (!x.startsWith("/")) c.error(at + "/pathPrefix", "pathPrefix " + x + " must start with /");
        });
        c.range(at + "/port", p.port(), 1, 65535);
        p.host().ifPresent(h -> {
            if (h.isEmpty() || h.contains("/") || h.contains(" ") || h.contains(":") && !h.startsWith("[")) {
                c.error(at + "/host", h + " is not a host name (expected e.g. api.mistral.ai, with the port in port)");
            }
        });
        boolean hostSet = p.host().isPresent();
        Optional<BackendPolicies.Auth> auth = policies.auth();
        String kind = kinds.getFirst();
        Optional<HostPort> host = hostSet && p.port().isPresent()
                ? Optional.of(new HostPort(p.host().get(), p.port().get())) : Optional.empty();
        Optional<String> path = p.path();
        Optional<AuthHeader> header = auth.flatMap(BackendPolicies.Auth::location).flatMap(BackendPolicies.Location::header)
                .map(h -> new AuthHeader(h.name(), Optional.of(h.prefix().orElse(""))));
        AuthToken token = token(auth, c, policiesAt + "/auth");
        ProviderSpec spec;
        switch (kind) {
            case "openai" -> {
                if (p.openai().get().moderation().isPresent()) {
                    c.error(at + "/openai/moderation", "openai.moderation is not served by this gateway; use "
                            + "promptGuard.request[].openAIModeration");
                }
                spec = new BackendResource.OpenAi(token, p.openai().get().model());
            }
            case "anthropic" -> spec = new BackendResource.Anthropic(token, p.anthropic().get().model(), Optional.empty());
            case "gemini" -> {
                Optional<String> model = p.gemini().get().model();
                if (model.isEmpty()) c.error(at + "/gemini", "this gateway needs gemini.model: it is part of the upstream path");
                spec = new BackendResource.Gemini(token, model.orElse(""), "v1beta");
            }
            case "vertexai" -> {
                AgentgatewayBackend.VertexAi v = p.vertexai().get();
                String region = v.region().orElse("global");
                if (v.model().isEmpty()) c.error(at + "/vertexai", "this gateway needs vertexai.model: it is part of the upstream path");
                String model = v.model().orElse("");
                // No auth and no host: Google Application Default Credentials (agentgateway's default connector).
                AuthToken vt = auth.isEmpty() && !hostSet ? new AuthToken.Ambient() : token;
                spec = new BackendResource.VertexAi(vt, model, "v1", v.projectId(), region, "generateContent",
                        model.startsWith("claude") ? "ANTHROPIC" : "GOOGLE");
                if (!hostSet && !region.equals("global") && (region.equals("us") || region.equals("eu"))) {
                    host = Optional.of(new HostPort("aiplatform." + region + ".rep.googleapis.com", 443));
                }
            }
            case "bedrock" -> {
                AgentgatewayBackend.Bedrock br = p.bedrock().get();
                String region = br.region().orElse("us-east-1");
                if (!REGION.matcher(region).matches()) c.error(at + "/bedrock/region", region + " does not match ^[a-z0-9-]+$");
                if (br.model().isEmpty()) c.error(at + "/bedrock", "this gateway needs bedrock.model: it is part of the upstream path");
                Optional<String> secret = auth.flatMap(BackendPolicies.Auth::aws).flatMap(BackendPolicies.Aws::secretRef)
                        .map(Refs.SecretObjectRef::name);
                if (auth.isPresent() && auth.get().aws().isEmpty()) {
                    c.error(at, "a bedrock provider authenticates with policies.auth.aws (SigV4), not "
                            + String.join(", ", auth.get().sources()));
                }
                spec = new BackendResource.Bedrock(secret, br.model().orElse(""), region,
                        br.guardrail().map(g -> new BackendResource.Guardrail(g.identifier(), g.version())));
            }
            case "azureopenai" -> {
                AgentgatewayBackend.AzureOpenAi az = p.azureopenai().get();
                String endpoint = Values.stripScheme(az.endpoint());
                String version = az.apiVersion().orElse("v1");
                if (version.equals("v1") || version.equals("preview")) {
                    spec = new BackendResource.OpenAi(token, Optional.empty());
                    if (host.isEmpty()) host = Optional.of(new HostPort(endpoint, 443));
                    if (path.isEmpty()) path = Optional.of("/openai/v1/chat/completions"
                            + (version.equals("preview") ? "?api-version=preview" : ""));
                    if (header.isEmpty()) header = Optional.of(new AuthHeader("api-key", Optional.of("")));
                } else {
                    if (az.deploymentName().isEmpty()) c.error(at + "/azureopenai", "deploymentName is required for this apiVersion");
                    spec = new BackendResource.AzureOpenAi(token, endpoint, az.deploymentName().orElse(""), version);
                }
            }
            case "azure" -> {
                AgentgatewayBackend.Azure az = p.azure().get();
                boolean foundry = az.resourceType() == AgentgatewayBackend.AzureResourceType.Foundry;
                if (foundry && az.projectName().isEmpty()) {
                    c.error(at + "/azure", "projectName is required when resourceType is Foundry");
                }
                String version = az.apiVersion().orElse("v1");
                if (!version.equals("v1")) c.error(at + "/azure/apiVersion", "apiVersion " + version + " is not served by "
                        + "this gateway (v1 is)");
                spec = new BackendResource.OpenAi(token, az.model());
                if (host.isEmpty()) host = Optional.of(new HostPort(az.resourceName()
                        + (foundry ? ".services.ai.azure.com" : ".openai.azure.com"), 443));
                if (path.isEmpty()) path = Optional.of(foundry
                        ? "/api/projects/" + az.projectName().orElse("") + "/openai/v1/chat/completions"
                        : "/openai/v1/chat/completions");
                if (header.isEmpty()) header = Optional.of(new AuthHeader("api-key", Optional.of("")));
                if (auth.isEmpty()) {
                    c.error(at, "azure without policies.auth uses Azure's implicit identity, which this gateway does not "
                            + "serve; set policies.auth.secretRef (an API key)");
                }
            }
            default -> {
                return CustomProvider.llm(name, p, policies, at, c, token, header);
            }
        }
        Optional<Boolean> tls = Optional.of(!hostSet || policies.tls().isPresent());
        Upstream upstream = new Upstream(tls, hostSet && p.path().isEmpty() && p.pathPrefix().isEmpty(), p.pathPrefix());
        policies.tls().flatMap(BackendPolicies.Tls::sni).ifPresent(sni -> {
            if (hostSet && !sni.equalsIgnoreCase(p.host().get())) {
                c.error(at, "policies.tls.sni " + sni + " differs from host " + p.host().get() + "; this gateway sends "
                        + "the host as SNI and verifies it (use --connect-to to reach another address)");
            }
        });
        return new Llm(name, spec, host, path, header, c.resource().at(at), upstream);
    }

    /** The credential of {@code policies.auth} (written at {@code at}); none means the client's own passes through. */
    private static AuthToken token(Optional<BackendPolicies.Auth> auth, Checker c, String at) {
        if (auth.isEmpty()) return new AuthToken.Passthrough(false);
        BackendPolicies.Auth a = auth.get();
        if (a.key().isPresent()) return new AuthToken.Inline(new SecretValue.Present(a.key().get()));
        if (a.secretRef().isPresent()) {
            Refs.SecretKeyRef ref = a.secretRef().get();
            String nameAt = at + "/secretRef/name";
            return new AuthToken.SecretRef(ref.name(), ref.key().filter(k -> !k.equals("Authorization")),
                    Optional.of(new BackendResource.FieldAt(dev.aigw.config.Binder.path(nameAt), c.resource().at(nameAt))));
        }
        return new AuthToken.Passthrough(false);
    }
}

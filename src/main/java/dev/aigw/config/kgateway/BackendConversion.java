package dev.aigw.config.kgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.AiRoutes;
import dev.aigw.config.Annotations;
import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.AuthHeader;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.Llm;
import dev.aigw.config.BackendResource.ProviderSpec;
import dev.aigw.config.Checker;
import dev.aigw.config.EnvRefs;
import dev.aigw.config.RawJson;
import dev.aigw.config.SecretValue;
import dev.aigw.config.Values;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A bound kgateway {@link BackendSpec} into the {@link BackendResource} providers are built from,
 * in one validation pass over the three eras' shapes: 2.0 {@code llm.provider.<p>} with
 * {@code hostOverride}/{@code pathOverride}/{@code authHeaderOverride}, 2.1 {@code llm.<p>} with
 * {@code host}/{@code port}/{@code path}/{@code authHeader}, {@code multipool} (2.0) and
 * {@code priorityGroups} (2.1); {@code type: Static} hosts. Inline tokens expand {@code ${VAR}}.
 */
public final class BackendConversion {
    private static final Pattern REGION = Pattern.compile("^[a-z0-9-]+$");
    private static final List<String> PROVIDERS = List.of("openai", "azureopenai", "anthropic", "gemini", "vertexai",
            "bedrock", "mock");

    private final Checker c;
    private final EnvRefs env;

    BackendConversion(Checker c, EnvRefs env) {
        this.c = c;
        this.env = env;
    }

    /** The Backend, or null after an error (reported through {@code c}). */
    public static BackendResource convert(BackendSpec spec, Checker c, EnvRefs env) {
        return new BackendConversion(c, env).backend(spec);
    }

    private BackendResource backend(BackendSpec spec) {
        String type = spec.type().orElse("");
        switch (type) {
            case "AI" -> {
                if (spec.ai().isEmpty()) {
                    c.fail("/spec", "type AI needs spec.ai (with llm, multipool or priorityGroups)");
                    return null;
                }
                BackendSpec.Ai ai = spec.ai().get();
                List<String> present = new ArrayList<>();
                if (ai.llm().isPresent()) present.add("llm");
                if (ai.multipool().isPresent()) present.add("multipool");
                if (!ai.priorityGroups().isEmpty()) present.add("priorityGroups");
                if (present.size() != 1) {
                    c.fail("/spec/ai", "spec.ai must have exactly one of llm, multipool, priorityGroups (found "
                            + (present.isEmpty() ? "none" : String.join(", ", present)) + ")");
                    return null;
                }
                List<List<Llm>> groups = switch (present.getFirst()) {
                    case "llm" -> List.of(List.of(llm(ai.llm().get(), "/spec/ai/llm", null, "llm")));
                    case "multipool" -> multipool(ai.multipool().get());
                    default -> priorityGroups(ai.priorityGroups());
                };
                if (groups.isEmpty()) {
                    c.fail("/spec/ai", present.getFirst() + " has no providers");
                    return null;
                }
                BackendResource.LoadBalancing balancing = loadBalancing(annotations());
                AiRoutes routes = routes(ai.routes());
                if (c.failed()) return null;
                return new BackendResource(c.resource().key(), new BackendResource.Ai(groups, balancing, routes),
                        c.resource().location());
            }
            case "Static" -> {
                Annotations annotations = annotations();
                if (annotations.has(BackendResource.LOAD_BALANCING)) {
                    c.warn(annotations.at(BackendResource.LOAD_BALANCING), BackendResource.LOAD_BALANCING
                            + " applies to type AI Backends only; ignored");
                }
                List<HostPort> hosts = new ArrayList<>();
                List<BackendSpec.Host> written = spec.staticHosts().map(BackendSpec.Static::hosts).orElse(List.of());
                for (int i = 0; i < written.size(); i++) {
                    String at = "/spec/static/hosts/" + i;
                    String host = Values.required(c, at, written.get(i).host(), "host");
                    int port = Values.port(c, at, written.get(i).port(), "port", true);
                    if (host != null) hosts.add(new HostPort(host, port));
                }
                if (hosts.isEmpty()) c.fail("/spec", "type Static needs spec.static.hosts with at least one {host, port}");
                return new BackendResource(c.resource().key(), new BackendResource.Static(List.copyOf(hosts)),
                        c.resource().location());
            }
            default -> {
                c.fail(spec.type().isPresent() ? "/spec/type" : "/spec", "spec.type " + (type.isEmpty() ? "is missing"
                        : type + " is not supported") + " (expected AI or Static)");
                return null;
            }
        }
    }

    private List<List<Llm>> multipool(BackendSpec.Multipool m) {
        List<List<Llm>> groups = new ArrayList<>();
        for (int g = 0; g < m.priorities().size(); g++) {
            String at = "/spec/ai/multipool/priorities/" + g;
            List<BackendSpec.Llm> pool = m.priorities().get(g).pool();
            List<Llm> group = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                group.add(llm(pool.get(i), at + "/pool/" + i, null, "multipool.priorities[" + g + "].pool[" + i + "]"));
            }
            if (group.isEmpty()) c.fail(at, "multipool priority " + g + " has an empty pool");
            groups.add(List.copyOf(group));
        }
        return List.copyOf(groups);
    }

    private List<List<Llm>> priorityGroups(List<BackendSpec.PriorityGroup> written) {
        List<List<Llm>> groups = new ArrayList<>();
        for (int g = 0; g < written.size(); g++) {
            String at = "/spec/ai/priorityGroups/" + g;
            List<BackendSpec.Llm> providers = written.get(g).providers();
            List<Llm> group = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < providers.size(); i++) {
                String pat = at + "/providers/" + i;
                Llm llm = llm(providers.get(i), pat, null, "priorityGroups[" + g + "].providers[" + i + "]");
                if (providers.get(i).name().isPresent() && !names.add(llm.name())) {
                    c.fail(pat + "/name", "provider name " + llm.name() + " is used twice in priority group " + g);
                }
                group.add(llm);
            }
            if (group.isEmpty()) c.fail(at, "priority group " + g + " has no providers");
            groups.add(List.copyOf(group));
        }
        return List.copyOf(groups);
    }

    /** {@code spec.ai.routes}: path suffix → agentgateway RouteType; absent leaves the defaults. */
    private AiRoutes routes(java.util.Map<String, String> routes) {
        if (routes.isEmpty()) return AiRoutes.NONE;
        List<AiRoutes.Entry> entries = new ArrayList<>();
        routes.forEach((suffix, type) -> {
            String at = Values.at("/spec/ai/routes", suffix);
            Optional<AiRoutes.RouteType> t = AiRoutes.RouteType.parse(type == null ? "" : type);
            if (suffix.isBlank() || !suffix.equals("*") && !suffix.startsWith("/") && !suffix.startsWith(":")) {
                c.fail(at, "spec.ai.routes key \"" + suffix + "\" must be a path suffix starting with / (or \"*\")");
            } else if (t.isEmpty()) {
                c.fail(at, "spec.ai.routes[\"" + suffix + "\"]: " + type + " is not a route type ("
                        + AiRoutes.RouteType.names() + ")");
            } else {
                entries.add(new AiRoutes.Entry(suffix, t.get()));
            }
        });
        return new AiRoutes(entries);
    }

    private Annotations annotations() {
        return Annotations.of(c, Set.of(BackendResource.LOAD_BALANCING));
    }

    /** The Backend's {@code ai.gateway.dev/load-balancing} annotation; round-robin when absent. */
    private BackendResource.LoadBalancing loadBalancing(Annotations annotations) {
        Optional<String> v = annotations.get(BackendResource.LOAD_BALANCING);
        if (v.isEmpty()) return BackendResource.LoadBalancing.ROUND_ROBIN;
        for (BackendResource.LoadBalancing lb : BackendResource.LoadBalancing.values()) {
            if (lb.annotation().equals(v.get().trim())) return lb;
        }
        c.fail(annotations.at(BackendResource.LOAD_BALANCING), BackendResource.LOAD_BALANCING + ": " + v.get()
                + " (expected round-robin or least-latency)");
        return BackendResource.LoadBalancing.ROUND_ROBIN;
    }

    /**
     * One provider at {@code at} (named {@code where} in messages). {@code providerAt}: where the
     * provider's own fields are, when not under {@code at} (moderation writes them beside the host).
     */
    Llm llm(BackendSpec.Llm n, String at, String providerAt, String where) {
        // 2.0 nests the provider under llm.provider.<p>; later shapes put it directly under llm.<p>.
        BackendSpec.Providers holder = n.provider().orElseGet(() -> new BackendSpec.Providers(n.openai(), n.azureopenai(),
                n.anthropic(), n.gemini(), n.vertexai(), n.bedrock(), n.mock()));
        String holderAt = n.provider().isPresent() ? at + "/provider" : at;
        List<Optional<?>> each = List.of(holder.openai(), holder.azureopenai(), holder.anthropic(), holder.gemini(),
                holder.vertexai(), holder.bedrock(), holder.mock());
        List<String> found = new ArrayList<>();
        for (int i = 0; i < PROVIDERS.size(); i++) if (each.get(i).isPresent()) found.add(PROVIDERS.get(i));
        if (found.size() != 1) {
            c.fail(holderAt, where + ": expected exactly one provider of " + String.join(", ", new TreeSet<>(PROVIDERS))
                    + (found.isEmpty() ? ", found none" : ", found " + String.join(", ", found)));
            return new Llm(where, new BackendResource.Mock(Optional.empty()), Optional.empty(), Optional.empty(),
                    Optional.empty(), c.at(at));
        }
        String kind = found.getFirst();
        ProviderSpec provider = provider(kind, each.get(PROVIDERS.indexOf(kind)).get(),
                providerAt != null ? providerAt : holderAt + "/" + kind, where + "." + kind);
        Optional<HostPort> host = host(n, at, where);
        Optional<String> path = path(n, at, where);
        Optional<BackendSpec.AuthHeader> ah = n.authHeaderOverride().or(n::authHeader);
        String ahAt = at + (n.authHeaderOverride().isPresent() ? "/authHeaderOverride" : "/authHeader");
        Optional<AuthHeader> authHeader = ah.map(h -> Values.required(c, ahAt, h.headerName(), "headerName"))
                .map(name -> new AuthHeader(name, ah.get().prefix()));
        return new Llm(n.name().orElse(where), provider, host, path, authHeader, c.at(at));
    }

    /** {@code hostOverride} (2.0: a bare host, "host:port" or {host, port}) or {@code host} and {@code port} (2.1). */
    private Optional<HostPort> host(BackendSpec.Llm n, String at, String where) {
        String hoAt = at + "/hostOverride";
        if (n.hostOverride().isPresent() && n.host().isPresent()) c.fail(hoAt, where + ": set either hostOverride or host, not both");
        if (n.hostOverride().isPresent()) {
            JsonNode ho = n.hostOverride().get().tree();
            if (ho.isTextual()) {
                // The seed writes a bare host; "host:port" in the same string is accepted too.
                Values.HostText text = Values.hostPort(c, hoAt, ho.asText(), where + ".hostOverride");
                return Optional.of(hostPort(hoAt, text.host(), text.port().orElse(443), where + ".hostOverride"));
            }
            String h = Values.text(c, hoAt, ho, "host", true);
            int port = ho.has("port") ? Values.port(c, hoAt + "/port", ho.get("port"), "port") : 443;
            return h == null ? Optional.empty() : Optional.of(hostPort(hoAt + "/host", h, port, where + ".hostOverride"));
        }
        if (n.host().isEmpty() && n.port().isEmpty()) return Optional.empty();
        if (n.host().isEmpty() || n.port().isEmpty()) {
            c.fail(at + (n.host().isPresent() ? "/host" : "/port"), where + ": host and port must be set together (found only "
                    + (n.host().isPresent() ? "host" : "port") + ")");
            return Optional.empty();
        }
        return Optional.of(hostPort(at + "/host", n.host().get(), Values.port(c, at + "/port", n.port().get().tree(), "port"),
                where + ".host"));
    }

    /** {@code pathOverride} (a path or {fullPath}) or {@code path} (a path or {full}). */
    private Optional<String> path(BackendSpec.Llm n, String at, String where) {
        String poAt = at + "/pathOverride";
        String pnAt = at + "/path";
        if (n.pathOverride().isPresent() && n.path().isPresent()) c.fail(poAt, where + ": set either pathOverride or path, not both");
        Optional<String> path = Optional.empty();
        if (n.pathOverride().isPresent()) path = Optional.ofNullable(text(n.pathOverride().get(), poAt, "fullPath"));
        else if (n.path().isPresent()) path = Optional.ofNullable(text(n.path().get(), pnAt, "full"));
        if (path.isPresent() && !path.get().startsWith("/")) {
            c.fail(n.pathOverride().isPresent() ? poAt : pnAt, where + ": path override " + path.get() + " must start with /");
        }
        return path;
    }

    private String text(RawJson v, String at, String field) {
        return v.tree().isTextual() ? v.tree().asText() : Values.text(c, at, v.tree(), field, true);
    }

    private HostPort hostPort(String at, String host, int port, String where) {
        String h = Values.stripScheme(host);
        if (h.isEmpty() || h.contains("/") || h.contains(" ")) {
            c.fail(at, where + ": " + host + " is not a host name (expected e.g. api.example.com)");
        }
        return new HostPort(h, port);
    }

    private ProviderSpec provider(String kind, Object p, String at, String where) {
        return switch (p) {
            case BackendSpec.OpenAi o -> new BackendResource.OpenAi(auth(o.authToken(), at, where), o.model().filter(s -> !s.isEmpty()));
            case BackendSpec.AzureOpenAi a -> new BackendResource.AzureOpenAi(auth(a.authToken(), at, where),
                    Values.stripScheme(req(a.endpoint(), at, where, "endpoint")), req(a.deploymentName(), at, where, "deploymentName"),
                    req(a.apiVersion(), at, where, "apiVersion"));
            case BackendSpec.Anthropic a -> new BackendResource.Anthropic(auth(a.authToken(), at, where),
                    a.model().filter(s -> !s.isEmpty()), a.apiVersion().filter(s -> !s.isEmpty()));
            case BackendSpec.Gemini g -> new BackendResource.Gemini(auth(g.authToken(), at, where), req(g.model(), at, where, "model"),
                    req(g.apiVersion(), at, where, "apiVersion"));
            case BackendSpec.VertexAi v -> {
                String publisher = v.publisher().orElse("GOOGLE");
                if (!publisher.equals("GOOGLE") && !publisher.equals("ANTHROPIC")) {
                    c.fail(at + "/publisher", where + ".publisher: " + publisher + " (expected GOOGLE or ANTHROPIC)");
                }
                // Without an authToken, Vertex uses Google Application Default Credentials.
                AuthToken token = v.authToken().isPresent() ? auth(v.authToken(), at, where) : new AuthToken.Ambient();
                yield new BackendResource.VertexAi(token, req(v.model(), at, where, "model"), req(v.apiVersion(), at, where,
                        "apiVersion"), req(v.projectId(), at, where, "projectId"), req(v.location(), at, where, "location"),
                        v.modelPath().orElse("generateContent"), publisher);
            }
            case BackendSpec.Bedrock b -> {
                String region = b.region().orElse("us-east-1");
                if (!REGION.matcher(region).matches()) c.fail(at + "/region", where + ".region: " + region + " does not match ^[a-z0-9-]+$");
                Optional<String> secret = Optional.empty();
                if (b.auth().isPresent()) {
                    String t = b.auth().get().type().orElse("Secret");
                    if (!t.equals("Secret")) c.fail(at + "/auth/type", where + ".auth.type: " + t + " (expected Secret)");
                    secret = Optional.ofNullable(Values.required(c, at + "/auth/secretRef",
                            b.auth().get().secretRef().flatMap(BackendSpec.SecretRef::name), "name"));
                }
                String gat = at + "/guardrail";
                Optional<BackendResource.Guardrail> guardrail = b.guardrail().map(g -> new BackendResource.Guardrail(
                        req(g.identifier(), gat, where + ".guardrail", "identifier"), req(g.version(), gat, where + ".guardrail", "version")));
                yield new BackendResource.Bedrock(secret, req(b.model(), at, where, "model"), region, guardrail);
            }
            case BackendSpec.Mock m -> new BackendResource.Mock(m.model().filter(s -> !s.isEmpty()));
            default -> throw new IllegalStateException(kind);
        };
    }

    /** {@code authToken}: required (kind Inline, SecretRef or Passthrough); an inline token expands {@code ${VAR}}. */
    private AuthToken auth(Optional<BackendSpec.AuthToken> token, String at, String where) {
        if (token.isEmpty()) {
            c.fail(at, where + ": authToken is required (kind Inline, SecretRef or Passthrough)");
            return new AuthToken.Passthrough();
        }
        BackendSpec.AuthToken a = token.get();
        String tat = at + "/authToken";
        String kind = a.kind().orElse("");
        return switch (kind) {
            case "Inline" -> {
                String v = Values.required(c, tat, a.inline(), "inline");
                yield new AuthToken.Inline(v == null ? new SecretValue.Unresolved("no inline token")
                        : env.expand(c, tat + "/inline", v, where + ".authToken.inline"));
            }
            case "SecretRef" -> {
                String name = Values.required(c, tat + "/secretRef", a.secretRef().flatMap(BackendSpec.SecretRef::name), "name");
                Optional<String> ns = a.secretRef().flatMap(BackendSpec.SecretRef::namespace);
                if (ns.isPresent() && !ns.get().equals(c.resource().namespace())) {
                    c.fail(tat + "/secretRef/namespace", where + ".authToken.secretRef: a Backend's secret must be in its own "
                            + "namespace " + c.resource().namespace());
                }
                yield new AuthToken.SecretRef(name == null ? "" : name);
            }
            case "Passthrough" -> new AuthToken.Passthrough();
            default -> {
                c.fail(a.kind().isPresent() ? tat + "/kind" : tat, where + ".authToken.kind: "
                        + (kind.isEmpty() ? "missing" : kind) + " (expected Inline, SecretRef or Passthrough)");
                yield new AuthToken.Passthrough();
            }
        };
    }

    /** A required field of a provider; "" (and an error at the provider) when absent or empty. */
    private String req(Optional<String> v, String at, String where, String field) {
        if (v.isEmpty() || v.get().isEmpty()) {
            c.fail(at, where + "." + field + " is required");
            return "";
        }
        return v.get();
    }
}

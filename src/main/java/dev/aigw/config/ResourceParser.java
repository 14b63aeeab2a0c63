package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.BackendResource.AuthHeader;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.Llm;
import dev.aigw.config.BackendResource.ProviderSpec;
import dev.aigw.config.HttpRouteResource.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns {@link RawResource}s into typed, validated records. Every problem names the file, line
 * and resource; a resource with an error is left out (and the error refuses the config).
 *
 * <p>Each spec is first bound strictly onto its family's records ({@link Binder}: unknown fields
 * and wrong types are located errors with a suggestion). The agentgateway kinds are then read
 * from those records ({@code config.agentgateway}'s validation passes). Why this class is still
 * long: for the Gateway API and kgateway kinds the conversion into the compiled records
 * ({@link GatewayResource}, {@link HttpRouteResource}, {@link BackendResource},
 * {@link TrafficPolicyResource}) still walks the tree, with the messages and locations users and
 * tests rely on; moving it onto the bound records, one family at a time, is the next step.
 */
public final class ResourceParser {
    static final String GATEWAY_API = "gateway.networking.k8s.io";
    static final String KGATEWAY = "gateway.kgateway.dev";
    static final String AGENTGATEWAY = "agentgateway.dev";
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** {@code $NAME} not written as {@code ${NAME}}. */
    private static final Pattern SHELL_VAR = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern REGION = Pattern.compile("^[a-z0-9-]+$");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final Set<String> PROVIDERS =
            Set.of("openai", "azureopenai", "anthropic", "gemini", "vertexai", "bedrock", "mock");

    /** Annotations of this gateway: {@code ai.gateway.dev/...}; others are left to their owners. */
    static final String ANNOTATION_PREFIX = "ai.gateway.dev/";
    private static final Set<String> RETRY_FIELDS = Set.of("codes", "attempts", "backoff");

    private static final Set<String> LLM_FIELDS = Set.of("provider", "hostOverride", "pathOverride",
            "authHeaderOverride", "host", "port", "path", "authHeader", "name");

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
        for (RawResource r : raws) {
            String group = r.apiVersion().contains("/") ? r.apiVersion().substring(0, r.apiVersion().indexOf('/')) : "";
            Ctx c = new Ctx(r);
            if (!strict(r, group)) continue;
            switch (r.kind()) {
                case "Gateway" -> {
                    if (c.expectGroup(group, GATEWAY_API)) add(gateways, gateway(c), c);
                }
                case "HTTPRoute" -> {
                    if (c.expectGroup(group, GATEWAY_API)) add(routes, route(c), c);
                }
                case "Backend" -> {
                    if (c.expectGroup(group, KGATEWAY)) add(backends, backend(c), c);
                }
                case "Secret" -> {
                    if (c.expectGroup(group, "")) add(secrets, secret(c), c);
                }
                case "TrafficPolicy", "RoutePolicy" -> {
                    if (c.expectGroup(group, KGATEWAY)) add(policies, trafficPolicy(c), c);
                }
                // After the loop: they resolve webhook backendRefs against the static Backends.
                case "AgentgatewayBackend", "AgentgatewayPolicy" -> {
                    if (c.expectGroup(group, AGENTGATEWAY)) agw.add(r);
                }
                case "AgentgatewayParameters" -> {
                    // Proxy deployment knobs of agentgateway's controller; the raw spec stays reachable in `ignored`.
                    if (c.expectGroup(group, AGENTGATEWAY)) {
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
        var resolve = resolver(raws);
        for (RawResource r : agw) {
            if (r.kind().equals("AgentgatewayBackend")) {
                var parsed = dev.aigw.config.agentgateway.BackendValidation.parse(r, problems, resolve);
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
     * AgentgatewayBackend or kgateway Backend of type Static by its first host.
     */
    private static dev.aigw.config.agentgateway.AiMapping.Resolver resolver(Collection<RawResource> raws) {
        Map<ResourceKey, RawResource> byKey = new HashMap<>();
        for (RawResource r : raws) byKey.put(r.key(), r);
        return (referrer, ref) -> {
            String kind = ref.kind().orElse("Service");
            String ns = ref.namespace().orElse(referrer);
            if (kind.equals("Service") && ref.group().orElse("").isEmpty()) {
                return ref.port().map(p -> new HostPort(ref.name() + "." + ns + ".svc.cluster.local", p));
            }
            RawResource b = byKey.get(new ResourceKey(kind, ns, ref.name()));
            if (b == null) return Optional.empty();
            JsonNode host = kind.equals("AgentgatewayBackend") ? b.body().path("spec").path("static")
                    : b.body().path("spec").path("static").path("hosts").path(0);
            if (!host.path("host").isTextual() || !host.path("port").canConvertToInt()) return Optional.empty();
            return Optional.of(new HostPort(host.get("host").asText(), ref.port().orElse(host.get("port").asInt())));
        };
    }

    /** The top-level fields of a resource, by kind; the spec shapes are bound by {@link Binder}. */
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> SECRET_TOP = Set.of("apiVersion", "kind", "metadata", "data", "stringData", "type",
            "immutable");

    /**
     * Binds the resource's spec onto its records strictly: unknown fields (and values of the wrong
     * type) are errors with their line and a suggestion. False when the resource is left out.
     */
    private boolean strict(RawResource r, String group) {
        Class<?> spec = switch (r.kind()) {
            case "Gateway" -> group.equals(GATEWAY_API) ? dev.aigw.config.gateway.GatewaySpec.class : null;
            case "HTTPRoute" -> group.equals(GATEWAY_API) ? dev.aigw.config.gateway.HttpRouteSpec.class : null;
            case "Backend" -> group.equals(KGATEWAY) ? dev.aigw.config.kgateway.BackendSpec.class : null;
            case "TrafficPolicy", "RoutePolicy" -> group.equals(KGATEWAY)
                    ? dev.aigw.config.kgateway.TrafficPolicySpec.class : null;
            default -> null;
        };
        Set<String> top = switch (r.kind()) {
            case "Secret" -> SECRET_TOP;
            case "Gateway", "HTTPRoute", "Backend", "TrafficPolicy", "RoutePolicy" -> TOP;
            default -> null;
        };
        boolean ok = true;
        if (top != null) {
            for (String f : (Iterable<String>) r.body()::fieldNames) {
                if (top.contains(f)) continue;
                String close = Suggest.closest(f, top);
                problems.add(Problem.error(r.at("/" + YamlResources.escape(f)), r.key().toString(), "unknown field `" + f
                        + "` in " + r.key() + (close == null ? "" : "; did you mean `" + close + "`?") + " (valid: "
                        + String.join(", ", new TreeSet<>(top)) + ")"));
                ok = false;
            }
        }
        if (spec != null && r.body().get("spec") instanceof com.fasterxml.jackson.databind.node.ObjectNode) {
            ok &= Binder.bind(r, "/spec", spec, problems) != null;
        }
        return ok;
    }

    private <T> void add(List<T> list, T value, Ctx c) {
        if (value != null && !c.failed) list.add(value);
    }

    // ---- Gateway ----

    private GatewayResource gateway(Ctx c) {
        JsonNode spec = c.spec();
        List<GatewayResource.Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode l : spec.path("listeners")) {
            String name = c.text(l, "name", true);
            int port = c.port(l, "port", true);
            String protocol = c.text(l, "protocol", true);
            if (protocol != null && !protocol.equals("HTTP") && !protocol.equals("HTTPS")) {
                c.error(l.get("protocol"), "listener " + name + ": protocol " + protocol
                        + " is not supported (expected HTTP or HTTPS)");
            }
            Optional<ResourceKey> certificate = Optional.empty();
            if ("HTTPS".equals(protocol)) {
                JsonNode tls = l.path("tls");
                String mode = tls.path("mode").asText("Terminate");
                JsonNode ref = tls.path("certificateRefs").path(0);
                if (!mode.equals("Terminate")) {
                    c.error(tls.get("mode"), "listener " + name + ": tls.mode " + mode + " is not supported (expected Terminate)");
                } else if (ref.isMissingNode() || !ref.has("name")) {
                    c.error(l, "listener " + name + ": an HTTPS listener needs tls.certificateRefs with the name of a "
                            + "Secret holding tls.crt and tls.key");
                } else {
                    String kind = ref.path("kind").asText("Secret");
                    if (!kind.equals("Secret")) c.error(ref, "listener " + name + ": certificateRefs kind " + kind
                            + " is not supported (expected Secret)");
                    String ns = ref.path("namespace").asText(c.r.namespace());
                    if (!ns.equals(c.r.namespace())) {
                        c.error(ref, "listener " + name + ": a certificate Secret in another namespace (" + ns
                                + ") needs a ReferenceGrant, which this gateway does not read; put the Secret in "
                                + c.r.namespace());
                    }
                    certificate = Optional.of(new ResourceKey("Secret", ns, ref.get("name").asText()));
                }
            }
            if (name != null && !names.add(name)) c.error(l, "listener name " + name + " is used twice");
            JsonNode ns = l.path("allowedRoutes").path("namespaces");
            String from = ns.path("from").asText("Same");
            GatewayResource.From f = switch (from) {
                case "All" -> GatewayResource.From.ALL;
                case "Same" -> GatewayResource.From.SAME;
                case "Selector" -> GatewayResource.From.SELECTOR;
                default -> {
                    c.error(ns.get("from"), "allowedRoutes.namespaces.from: " + from + " (expected All, Same or Selector)");
                    yield GatewayResource.From.SAME;
                }
            };
            Map<String, String> selector = new TreeMap<>();
            ns.path("selector").path("matchLabels").properties()
                    .forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
            listeners.add(new GatewayResource.Listener(name, port, protocol, Optional.ofNullable(c.text(l, "hostname", false)),
                    f, Map.copyOf(selector), certificate));
        }
        if (listeners.isEmpty()) c.error(spec, "spec.listeners is empty (expected at least one HTTP listener)");
        return new GatewayResource(c.r.key(), spec.path("gatewayClassName").asText(""), List.copyOf(listeners),
                c.r.location());
    }

    // ---- HTTPRoute ----

    private HttpRouteResource route(Ctx c) {
        JsonNode spec = c.spec();
        String ns = c.r.namespace();
        List<ParentRef> parents = new ArrayList<>();
        for (JsonNode p : spec.path("parentRefs")) {
            String name = c.text(p, "name", true);
            if (name == null) continue;
            Integer port = p.has("port") ? c.port(p, "port", true) : null;
            parents.add(new ParentRef(p.path("group").asText(GATEWAY_API), p.path("kind").asText("Gateway"),
                    p.path("namespace").asText(ns), name, Optional.ofNullable(c.text(p, "sectionName", false)),
                    Optional.ofNullable(port)));
        }
        if (parents.isEmpty()) {
            c.error(spec, "spec.parentRefs is empty: name the Gateway this route attaches to "
                    + "(e.g. parentRefs: [{name: ai-gateway, namespace: kgateway-system}])");
        }
        List<String> hostnames = new ArrayList<>();
        for (JsonNode h : spec.path("hostnames")) hostnames.add(h.asText().toLowerCase(Locale.ROOT));
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        JsonNode rulesNode = spec.path("rules");
        if (rulesNode.isEmpty()) {
            // Gateway API defaults to one rule matching everything with no backends.
            rules.add(new Rule(0, Optional.empty(), List.of(new Match(PathMatch.ROOT, List.of(), List.of(),
                    Optional.empty())), List.of(), List.of(), Timeouts.NONE, Optional.empty(), c.r.location()));
        }
        for (JsonNode rn : rulesNode) rules.add(rule(c, rn, i++));
        JsonNode annotations = c.annotations(Set.of(HttpRouteResource.STREAM_KEEPALIVE));
        Duration keepAlive = c.duration(annotations, HttpRouteResource.STREAM_KEEPALIVE);
        if (keepAlive != null && keepAlive.isZero()) {
            c.error(annotations.get(HttpRouteResource.STREAM_KEEPALIVE), HttpRouteResource.STREAM_KEEPALIVE
                    + " must be longer than 0 (e.g. 15s); leave the annotation out to send no keep-alives");
        }
        return new HttpRouteResource(c.r.key(), c.r.created(), List.copyOf(parents), List.copyOf(hostnames),
                List.copyOf(rules), Optional.ofNullable(keepAlive), c.r.location());
    }

    private Rule rule(Ctx c, JsonNode rn, int index) {
        List<Match> matches = new ArrayList<>();
        for (JsonNode m : rn.path("matches")) matches.add(match(c, m));
        if (matches.isEmpty()) matches.add(new Match(PathMatch.ROOT, List.of(), List.of(), Optional.empty()));
        List<Filter> filters = new ArrayList<>();
        for (JsonNode f : rn.path("filters")) {
            Filter filter = filter(c, f);
            if (filter != null) filters.add(filter);
        }
        List<BackendRef> refs = new ArrayList<>();
        for (JsonNode b : rn.path("backendRefs")) {
            String name = c.text(b, "name", true);
            if (name == null) continue;
            int weight = b.path("weight").asInt(1);
            if (weight < 0 || weight > 1_000_000) c.error(b.get("weight"), "backendRefs weight " + weight
                    + " is out of range (expected 0 to 1000000)");
            Integer port = b.has("port") ? c.port(b, "port", true) : null;
            refs.add(new BackendRef(b.path("group").asText(""), b.path("kind").asText("Service"),
                    b.path("namespace").asText(c.r.namespace()), name, Optional.ofNullable(port), weight));
            for (JsonNode f : b.path("filters")) {
                // kgateway's e2e suites attach TrafficPolicies this way; other per-backend filters are refused.
                if (f.path("type").asText("").equals("ExtensionRef")) {
                    Filter ext = filter(c, f);
                    if (ext != null) filters.add(ext);
                    if (rn.path("backendRefs").size() > 1) {
                        problems.add(Problem.warning(c.r.at(f), c.name(), "an ExtensionRef inside one of several "
                                + "backendRefs applies to the whole rule here"));
                    }
                } else {
                    c.error(f, "per-backendRef filters other than ExtensionRef are not supported; put the filter on the rule");
                }
            }
        }
        JsonNode t = rn.path("timeouts");
        Timeouts timeouts = new Timeouts(Optional.ofNullable(c.duration(t, "request")),
                Optional.ofNullable(c.duration(t, "backendRequest")));
        Optional<Retry> retry = rn.has("retry") ? Optional.ofNullable(retry(c, rn.get("retry"), index))
                : Optional.empty();
        if (rn.has("sessionPersistence")) {
            problems.add(Problem.warning(c.r.at(rn.get("sessionPersistence")), c.name(),
                    "rule field sessionPersistence is not applied yet"));
        }
        return new Rule(index, Optional.ofNullable(c.text(rn, "name", false)), List.copyOf(matches),
                List.copyOf(filters), List.copyOf(refs), timeouts, retry, c.r.at(rn));
    }

    /** GEP-1731 {@code retry: {codes, attempts, backoff}}; null after an error. */
    private Retry retry(Ctx c, JsonNode r, int rule) {
        String where = "rule " + rule + " retry";
        if (r.isNull()) return null;
        if (!r.isObject()) {
            c.error(r, where + " must be a mapping with codes, attempts and/or backoff");
            return null;
        }
        r.fieldNames().forEachRemaining(f -> {
            if (!RETRY_FIELDS.contains(f)) {
                c.error(r.get(f), where + "." + f + " is not a retry field (expected codes, attempts, backoff)");
            }
        });
        List<Integer> codes = new ArrayList<>();
        JsonNode cn = r.get("codes");
        if (cn != null && !cn.isNull()) {
            if (!cn.isArray()) {
                c.error(cn, where + ".codes must be a list of HTTP status codes (e.g. [429, 500, 503])");
            } else {
                for (JsonNode code : cn) {
                    if (!code.canConvertToInt() || !code.isIntegralNumber() || code.asInt() < 400 || code.asInt() > 599) {
                        c.error(code, where + ".codes: " + code.asText() + " is not an HTTP status from 400 to 599");
                    } else if (codes.contains(code.asInt())) {
                        c.error(code, where + ".codes: " + code.asInt() + " is listed twice");
                    } else {
                        codes.add(code.asInt());
                    }
                }
            }
        }
        Optional<Integer> attempts = Optional.empty();
        JsonNode an = r.get("attempts");
        if (an != null && !an.isNull()) {
            if (!an.isIntegralNumber() || !an.canConvertToInt() || an.asInt() < 0 || an.asInt() > 10) {
                c.error(an, where + ".attempts: " + an.asText() + " is not a number of retries from 0 to 10");
            } else {
                attempts = Optional.of(an.asInt());
            }
        }
        Optional<Duration> backoff = Optional.ofNullable(c.duration(r, "backoff"));
        if (backoff.isPresent() && backoff.get().compareTo(Duration.ofMinutes(1)) > 0) {
            c.error(r.get("backoff"), where + ".backoff " + r.get("backoff").asText()
                    + " is longer than 1m; the client would rather get the error");
        }
        return new Retry(List.copyOf(codes), attempts, backoff);
    }

    private Match match(Ctx c, JsonNode m) {
        PathMatch path = PathMatch.ROOT;
        JsonNode p = m.get("path");
        if (p != null) {
            String type = p.path("type").asText("PathPrefix");
            String value = p.path("value").asText("/");
            switch (type) {
                case "Exact", "PathPrefix" -> {
                    if (!value.startsWith("/")) c.error(p.get("value"), "path value " + value + " must start with /");
                    path = new PathMatch(type.equals("Exact") ? PathType.EXACT : PathType.PATH_PREFIX, value, null);
                }
                case "RegularExpression" -> path = new PathMatch(PathType.REGULAR_EXPRESSION, value,
                        c.regex(p.get("value"), value));
                default -> c.error(p.get("type"), "path type " + type
                        + " is not supported (expected Exact, PathPrefix or RegularExpression)");
            }
        }
        List<ValueMatch> headers = valueMatches(c, m.path("headers"), true);
        List<ValueMatch> query = valueMatches(c, m.path("queryParams"), false);
        String method = c.text(m, "method", false);
        if (method != null && !Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
                .contains(method)) {
            c.error(m.get("method"), "method " + method + " is not an HTTP method");
        }
        return new Match(path, headers, query, Optional.ofNullable(method));
    }

    private List<ValueMatch> valueMatches(Ctx c, JsonNode list, boolean header) {
        List<ValueMatch> out = new ArrayList<>();
        for (JsonNode h : list) {
            String name = c.text(h, "name", true);
            String value = c.text(h, "value", true);
            if (name == null || value == null) continue;
            String type = h.path("type").asText("Exact");
            Pattern regex = switch (type) {
                case "Exact" -> null;
                case "RegularExpression" -> c.regex(h.get("value"), value);
                default -> {
                    c.error(h.get("type"), "match type " + type + " is not supported (expected Exact or RegularExpression)");
                    yield null;
                }
            };
            out.add(new ValueMatch(header ? name.toLowerCase(Locale.ROOT) : name, value, regex));
        }
        return List.copyOf(out);
    }

    private Filter filter(Ctx c, JsonNode f) {
        String type = f.path("type").asText("");
        return switch (type) {
            case "RequestHeaderModifier" -> new RequestHeaderModifier(headerModifier(f.path("requestHeaderModifier")));
            case "ResponseHeaderModifier" -> new ResponseHeaderModifier(headerModifier(f.path("responseHeaderModifier")));
            case "URLRewrite" -> {
                JsonNode u = f.path("urlRewrite");
                JsonNode path = u.path("path");
                String pt = path.path("type").asText("");
                Optional<String> value = Optional.empty();
                boolean full = false;
                if (pt.equals("ReplaceFullPath")) {
                    value = Optional.of(path.path("replaceFullPath").asText("/"));
                    full = true;
                } else if (pt.equals("ReplacePrefixMatch")) {
                    value = Optional.of(path.path("replacePrefixMatch").asText("/"));
                } else if (!pt.isEmpty()) {
                    c.error(path.get("type"), "urlRewrite.path.type " + pt
                            + " (expected ReplaceFullPath or ReplacePrefixMatch)");
                }
                yield new UrlRewrite(Optional.ofNullable(c.text(u, "hostname", false)), value, full);
            }
            case "ExtensionRef" -> {
                JsonNode e = f.path("extensionRef");
                String kind = c.text(e, "kind", true);
                String name = c.text(e, "name", true);
                String group = e.path("group").asText("");
                if (kind == null || name == null) yield null;
                if (!(kind.equals("TrafficPolicy") || kind.equals("RoutePolicy")) || !group.equals(KGATEWAY)) {
                    c.error(f, "extensionRef " + group + "/" + kind + " is not supported (expected a TrafficPolicy of "
                            + "group " + KGATEWAY + ")");
                    yield null;
                }
                yield new ExtensionRef(group, "TrafficPolicy", name);
            }
            default -> {
                c.error(f, "filter type " + type + " is not supported "
                        + "(expected RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or ExtensionRef)");
                yield null;
            }
        };
    }

    private static HeaderModifier headerModifier(JsonNode m) {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> add = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        for (JsonNode h : m.path("set")) set.put(h.path("name").asText(), h.path("value").asText());
        for (JsonNode h : m.path("add")) add.put(h.path("name").asText(), h.path("value").asText());
        for (JsonNode h : m.path("remove")) remove.add(h.asText());
        return new HeaderModifier(Map.copyOf(set), Map.copyOf(add), List.copyOf(remove));
    }

    // ---- Backend ----

    private BackendResource backend(Ctx c) {
        JsonNode spec = c.spec();
        String type = spec.path("type").asText("");
        switch (type) {
            case "AI" -> {
                JsonNode ai = spec.get("ai");
                if (ai == null || !ai.isObject()) {
                    c.error(spec, "type AI needs spec.ai (with llm, multipool or priorityGroups)");
                    return null;
                }
                List<String> present = new ArrayList<>();
                for (String f : List.of("llm", "multipool", "priorityGroups")) if (ai.has(f)) present.add(f);
                if (present.size() != 1) {
                    c.error(ai, "spec.ai must have exactly one of llm, multipool, priorityGroups (found "
                            + (present.isEmpty() ? "none" : String.join(", ", present)) + ")");
                    return null;
                }
                List<List<Llm>> groups = new ArrayList<>();
                switch (present.getFirst()) {
                    case "llm" -> groups.add(List.of(llm(c, ai.get("llm"), "llm")));
                    case "multipool" -> {
                        int g = 0;
                        for (JsonNode prio : ai.path("multipool").path("priorities")) {
                            List<Llm> group = new ArrayList<>();
                            int i = 0;
                            for (JsonNode p : prio.path("pool")) group.add(llm(c, p, "multipool.priorities[" + g + "].pool[" + i++ + "]"));
                            if (group.isEmpty()) c.error(prio, "multipool priority " + g + " has an empty pool");
                            groups.add(group);
                            g++;
                        }
                    }
                    default -> {
                        int g = 0;
                        for (JsonNode grp : ai.path("priorityGroups")) {
                            List<Llm> group = new ArrayList<>();
                            Set<String> names = new HashSet<>();
                            int i = 0;
                            for (JsonNode p : grp.path("providers")) {
                                Llm llm = llm(c, p, "priorityGroups[" + g + "].providers[" + i++ + "]");
                                if (p.has("name") && !names.add(llm.name())) {
                                    c.error(p.get("name"), "provider name " + llm.name() + " is used twice in priority group " + g);
                                }
                                group.add(llm);
                            }
                            if (group.isEmpty()) c.error(grp, "priority group " + g + " has no providers");
                            groups.add(group);
                            g++;
                        }
                    }
                }
                if (groups.isEmpty()) {
                    c.error(ai, present.getFirst() + " has no providers");
                    return null;
                }
                BackendResource.LoadBalancing balancing = loadBalancing(c);
                AiRoutes routes = aiRoutes(c, ai.get("routes"));
                if (c.failed) return null;
                return new BackendResource(c.r.key(), new BackendResource.Ai(groups.stream().map(List::copyOf).toList(),
                        balancing, routes), c.r.location());
            }
            case "Static" -> {
                JsonNode annotations = c.annotations(Set.of(BackendResource.LOAD_BALANCING));
                if (annotations.has(BackendResource.LOAD_BALANCING)) {
                    problems.add(Problem.warning(c.r.at(annotations.get(BackendResource.LOAD_BALANCING)), c.name(),
                            BackendResource.LOAD_BALANCING + " applies to type AI Backends only; ignored"));
                }
                List<HostPort> hosts = new ArrayList<>();
                for (JsonNode h : spec.path("static").path("hosts")) {
                    String host = c.text(h, "host", true);
                    int port = c.port(h, "port", true);
                    if (host != null) hosts.add(new HostPort(host, port));
                }
                if (hosts.isEmpty()) c.error(spec, "type Static needs spec.static.hosts with at least one {host, port}");
                return new BackendResource(c.r.key(), new BackendResource.Static(List.copyOf(hosts)), c.r.location());
            }
            default -> {
                c.error(spec.get("type") == null ? spec : spec.get("type"), "spec.type " + (type.isEmpty() ? "is missing" : type
                        + " is not supported") + " (expected AI or Static)");
                return null;
            }
        }
    }

    /** {@code spec.ai.routes}: path suffix → agentgateway RouteType; absent leaves the defaults. */
    private static AiRoutes aiRoutes(Ctx c, JsonNode routes) {
        if (routes == null || routes.isNull()) return AiRoutes.NONE;
        if (!routes.isObject()) {
            c.error(routes, "spec.ai.routes must be a map of path suffix to route type (" + AiRoutes.RouteType.names() + ")");
            return AiRoutes.NONE;
        }
        List<AiRoutes.Entry> entries = new ArrayList<>();
        routes.fields().forEachRemaining(f -> {
            java.util.Optional<AiRoutes.RouteType> t = AiRoutes.RouteType.parse(f.getValue().asText(""));
            if (f.getKey().isBlank() || !f.getKey().equals("*") && !f.getKey().startsWith("/") && !f.getKey().startsWith(":")) {
                c.error(f.getValue(), "spec.ai.routes key \"" + f.getKey() + "\" must be a path suffix starting with / (or \"*\")");
            } else if (t.isEmpty()) {
                c.error(f.getValue(), "spec.ai.routes[\"" + f.getKey() + "\"]: " + f.getValue().asText() + " is not a route type ("
                        + AiRoutes.RouteType.names() + ")");
            } else {
                entries.add(new AiRoutes.Entry(f.getKey(), t.get()));
            }
        });
        return new AiRoutes(entries);
    }

    /** The Backend's {@code ai.gateway.dev/load-balancing} annotation; round-robin when absent. */
    private static BackendResource.LoadBalancing loadBalancing(Ctx c) {
        JsonNode annotations = c.annotations(Set.of(BackendResource.LOAD_BALANCING));
        String v = c.text(annotations, BackendResource.LOAD_BALANCING, false);
        if (v == null) return BackendResource.LoadBalancing.ROUND_ROBIN;
        for (BackendResource.LoadBalancing lb : BackendResource.LoadBalancing.values()) {
            if (lb.annotation().equals(v.trim())) return lb;
        }
        c.error(annotations.get(BackendResource.LOAD_BALANCING), BackendResource.LOAD_BALANCING + ": " + v
                + " (expected round-robin or least-latency)");
        return BackendResource.LoadBalancing.ROUND_ROBIN;
    }

    private Llm llm(Ctx c, JsonNode n, String where) {
        // 2.0 nests the provider under llm.provider.<p>; later shapes put it directly under llm.<p>.
        JsonNode holder = n.has("provider") ? n.get("provider") : n;
        List<String> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        holder.fieldNames().forEachRemaining(f -> {
            if (PROVIDERS.contains(f)) found.add(f);
            else if (holder != n || !LLM_FIELDS.contains(f)) unknown.add(f);
        });
        if (found.size() != 1 || !unknown.isEmpty()) {
            if (!unknown.isEmpty()) {
                c.error(holder, where + ": unknown provider " + String.join(", ", unknown) + " (expected one of "
                        + String.join(", ", new TreeSet<>(PROVIDERS)) + ")");
            } else {
                c.error(holder, where + ": expected exactly one provider of " + String.join(", ", new TreeSet<>(PROVIDERS))
                        + (found.isEmpty() ? ", found none" : ", found " + String.join(", ", found)));
            }
            return new Llm(where, new BackendResource.Mock(Optional.empty()), Optional.empty(), Optional.empty(),
                    Optional.empty(), c.r.at(n));
        }
        String kind = found.getFirst();
        JsonNode p = holder.get(kind);
        ProviderSpec provider = provider(c, kind, p, where + "." + kind);

        Optional<HostPort> host = Optional.empty();
        JsonNode ho = n.get("hostOverride");
        if (ho != null && n.has("host")) c.error(ho, where + ": set either hostOverride or host, not both");
        if (ho != null) {
            if (ho.isTextual()) {
                // The seed writes a bare host; "host:port" in the same string is accepted too.
                String text = stripScheme(ho.asText());
                int colon = text.lastIndexOf(':');
                int port = 443;
                if (colon > 0 && text.substring(colon + 1).matches("\\d{1,5}")) {
                    port = Integer.parseInt(text.substring(colon + 1));
                    text = text.substring(0, colon);
                    if (port < 1 || port > 65535) c.error(ho, where + ".hostOverride: port " + port + " is out of range");
                }
                host = Optional.of(hostPort(c, ho, text, port, where + ".hostOverride"));
            }
            else {
                String h = c.text(ho, "host", true);
                int port = ho.has("port") ? c.port(ho, "port", true) : 443;
                if (h != null) host = Optional.of(hostPort(c, ho.get("host"), h, port, where + ".hostOverride"));
            }
        } else if (n.has("host") || n.has("port")) {
            if (!n.has("host") || !n.has("port")) {
                c.error(n.has("host") ? n.get("host") : n.get("port"), where + ": host and port must be set together (found only "
                        + (n.has("host") ? "host" : "port") + ")");
            } else {
                host = Optional.of(hostPort(c, n.get("host"), n.get("host").asText(), c.port(n, "port", true),
                        where + ".host"));
            }
        }
        Optional<String> path = Optional.empty();
        JsonNode po = n.get("pathOverride");
        JsonNode pn = n.get("path");
        if (po != null && pn != null) c.error(po, where + ": set either pathOverride or path, not both");
        if (po != null) path = Optional.ofNullable(po.isTextual() ? po.asText() : c.text(po, "fullPath", true));
        else if (pn != null) path = Optional.ofNullable(pn.isTextual() ? pn.asText() : c.text(pn, "full", true));
        if (path.isPresent() && !path.get().startsWith("/")) {
            c.error(po != null ? po : pn, where + ": path override " + path.get() + " must start with /");
        }
        JsonNode ah = n.has("authHeaderOverride") ? n.get("authHeaderOverride") : n.get("authHeader");
        Optional<AuthHeader> authHeader = Optional.empty();
        if (ah != null) {
            String name = c.text(ah, "headerName", true);
            if (name != null) {
                authHeader = Optional.of(new AuthHeader(name, ah.has("prefix") ? Optional.of(ah.get("prefix").asText())
                        : Optional.empty()));
            }
        }
        String name = n.path("name").asText(where);
        return new Llm(name, provider, host, path, authHeader, c.r.at(n));
    }

    private HostPort hostPort(Ctx c, JsonNode at, String host, int port, String where) {
        String h = stripScheme(host);
        if (h.isEmpty() || h.contains("/") || h.contains(" ")) {
            c.error(at, where + ": " + host + " is not a host name (expected e.g. api.example.com)");
        }
        return new HostPort(h, port);
    }

    static String stripScheme(String host) {
        String h = host.trim();
        int i = h.indexOf("://");
        if (i >= 0) h = h.substring(i + 3);
        while (h.endsWith("/")) h = h.substring(0, h.length() - 1);
        return h;
    }

    private ProviderSpec provider(Ctx c, String kind, JsonNode p, String where) {
        if (p == null || p.isNull()) p = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        return switch (kind) {
            case "openai" -> new BackendResource.OpenAi(auth(c, p, where, true), opt(c, p, "model"));
            case "azureopenai" -> new BackendResource.AzureOpenAi(auth(c, p, where, true),
                    stripScheme(req(c, p, "endpoint", where)), req(c, p, "deploymentName", where),
                    req(c, p, "apiVersion", where));
            case "anthropic" -> new BackendResource.Anthropic(auth(c, p, where, true), opt(c, p, "model"),
                    opt(c, p, "apiVersion"));
            case "gemini" -> new BackendResource.Gemini(auth(c, p, where, true), req(c, p, "model", where),
                    req(c, p, "apiVersion", where));
            case "vertexai" -> {
                String publisher = p.path("publisher").asText("GOOGLE");
                if (!publisher.equals("GOOGLE") && !publisher.equals("ANTHROPIC")) {
                    c.error(p.get("publisher"), where + ".publisher: " + publisher + " (expected GOOGLE or ANTHROPIC)");
                }
                // Without an authToken, Vertex uses Google Application Default Credentials.
                yield new BackendResource.VertexAi(p.has("authToken") ? auth(c, p, where, true)
                        : new AuthToken.Ambient(), req(c, p, "model", where),
                        req(c, p, "apiVersion", where), req(c, p, "projectId", where), req(c, p, "location", where),
                        p.path("modelPath").asText("generateContent"), publisher);
            }
            case "bedrock" -> {
                String region = p.path("region").asText("us-east-1");
                if (!REGION.matcher(region).matches()) {
                    c.error(p.get("region"), where + ".region: " + region + " does not match ^[a-z0-9-]+$");
                }
                Optional<String> secret = Optional.empty();
                JsonNode a = p.get("auth");
                if (a != null) {
                    String t = a.path("type").asText("Secret");
                    if (!t.equals("Secret")) c.error(a.get("type"), where + ".auth.type: " + t + " (expected Secret)");
                    secret = Optional.ofNullable(c.text(a.path("secretRef"), "name", true));
                }
                Optional<BackendResource.Guardrail> guardrail = Optional.empty();
                JsonNode g = p.get("guardrail");
                if (g != null) guardrail = Optional.of(new BackendResource.Guardrail(req(c, g, "identifier", where + ".guardrail"),
                        req(c, g, "version", where + ".guardrail")));
                yield new BackendResource.Bedrock(secret, req(c, p, "model", where), region, guardrail);
            }
            case "mock" -> new BackendResource.Mock(opt(c, p, "model"));
            default -> throw new IllegalStateException(kind);
        };
    }

    private AuthToken auth(Ctx c, JsonNode p, String where, boolean required) {
        JsonNode a = p.get("authToken");
        if (a == null) {
            if (required) c.error(p, where + ": authToken is required (kind Inline, SecretRef or Passthrough)");
            return new AuthToken.Passthrough();
        }
        String kind = a.path("kind").asText("");
        return switch (kind) {
            case "Inline" -> {
                String v = c.text(a, "inline", true);
                yield new AuthToken.Inline(v == null ? new SecretValue.Unresolved("no inline token")
                        : substitute(c, a.get("inline"), v, where + ".authToken.inline"));
            }
            case "SecretRef" -> {
                String name = c.text(a.path("secretRef"), "name", true);
                if (a.path("secretRef").has("namespace")
                        && !a.path("secretRef").path("namespace").asText().equals(c.r.namespace())) {
                    c.error(a.path("secretRef").get("namespace"), where
                            + ".authToken.secretRef: a Backend's secret must be in its own namespace " + c.r.namespace());
                }
                yield new AuthToken.SecretRef(name == null ? "" : name);
            }
            case "Passthrough" -> new AuthToken.Passthrough();
            default -> {
                c.error(a.has("kind") ? a.get("kind") : a, where + ".authToken.kind: "
                        + (kind.isEmpty() ? "missing" : kind) + " (expected Inline, SecretRef or Passthrough)");
                yield new AuthToken.Passthrough();
            }
        };
    }

    private String req(Ctx c, JsonNode p, String field, String where) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            c.error(p, where + "." + field + " is required");
            return "";
        }
        return v.asText();
    }

    private static Optional<String> opt(Ctx c, JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    // ---- TrafficPolicy / RoutePolicy ----

    private static final Set<String> AI_FIELDS = Set.of("routeType", "promptEnrichment", "defaults", "promptGuard");

    private TrafficPolicyResource trafficPolicy(Ctx c) {
        JsonNode spec = c.spec();
        String ns = c.r.namespace();
        List<TrafficPolicyResource.TargetRef> targets = new ArrayList<>();
        JsonNode refs = spec.path("targetRefs");
        if (spec.has("targetRef") && spec.get("targetRef").isObject()) {
            // Older single-target spelling.
            refs = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(spec.get("targetRef"));
        }
        for (JsonNode t : refs) {
            String kind = t.path("kind").asText("HTTPRoute");
            String name = c.text(t, "name", true);
            if (name == null) continue;
            if (!kind.equals("HTTPRoute") && !kind.equals("Gateway")) {
                c.error(t.get("kind"), "targetRefs: kind " + kind + " is not supported (expected HTTPRoute or Gateway)");
                continue;
            }
            String group = t.path("group").asText(GATEWAY_API);
            if (!group.equals(GATEWAY_API)) {
                c.error(t.get("group"), "targetRefs: group " + group + " (expected " + GATEWAY_API + ")");
                continue;
            }
            // Policy attachment is same-namespace; a namespace field is read but must agree.
            String tns = t.path("namespace").asText(ns);
            if (!tns.equals(ns)) {
                c.error(t.get("namespace"), "targetRefs: a policy attaches only to resources in its own namespace "
                        + ns + " (found " + tns + ")");
                continue;
            }
            targets.add(new TrafficPolicyResource.TargetRef(group, kind, ns, name,
                    Optional.ofNullable(c.text(t, "sectionName", false)), c.r.at(t)));
        }
        // No targetRefs: attached by HTTPRoute ExtensionRef filters (kgateway's e2e suites do); the
        // snapshot compiler warns when nothing references it.
        JsonNode ai = spec.get("ai");
        TrafficPolicyResource.Ai parsed = TrafficPolicyResource.Ai.EMPTY;
        if (ai == null || !ai.isObject()) {
            problems.add(Problem.warning(c.r.at(spec), c.name(), "spec.ai is missing: this gateway applies only the "
                    + "ai policies of a TrafficPolicy; nothing to do"));
        } else {
            parsed = aiPolicy(c, ai);
        }
        for (var e : spec.properties()) {
            if (!Set.of("targetRefs", "targetRef", "targetSelectors", "ai").contains(e.getKey())) {
                problems.add(Problem.warning(c.r.at(e.getValue()), c.name(), "spec." + e.getKey()
                        + " is not applied by this gateway (only spec.ai); ignored"));
            }
        }
        return new TrafficPolicyResource(c.r.key(), c.r.created(), List.copyOf(targets), parsed, c.r.location());
    }

    private TrafficPolicyResource.Ai aiPolicy(Ctx c, JsonNode ai) {
        for (var e : ai.properties()) {
            if (!AI_FIELDS.contains(e.getKey())) {
                c.error(e.getValue(), "spec.ai." + e.getKey() + " is not a known field (expected one of "
                        + String.join(", ", new TreeSet<>(AI_FIELDS)) + ")");
            }
        }
        Optional<TrafficPolicyResource.RouteType> routeType = Optional.empty();
        if (ai.has("routeType")) {
            String rt = ai.get("routeType").asText();
            switch (rt) {
                case "CHAT" -> routeType = Optional.of(TrafficPolicyResource.RouteType.CHAT);
                case "CHAT_STREAMING" -> routeType = Optional.of(TrafficPolicyResource.RouteType.CHAT_STREAMING);
                default -> c.error(ai.get("routeType"), "spec.ai.routeType: " + rt + " (expected CHAT or CHAT_STREAMING)");
            }
        }
        Optional<TrafficPolicyResource.Enrichment> enrichment = Optional.empty();
        JsonNode pe = ai.get("promptEnrichment");
        if (pe != null && !pe.isNull()) {
            enrichment = Optional.of(new TrafficPolicyResource.Enrichment(
                    messages(c, pe.path("prepend"), "spec.ai.promptEnrichment.prepend"),
                    messages(c, pe.path("append"), "spec.ai.promptEnrichment.append")));
        }
        Optional<List<TrafficPolicyResource.FieldDefault>> defaults = Optional.empty();
        JsonNode dn = ai.get("defaults");
        if (dn != null && !dn.isNull()) {
            List<TrafficPolicyResource.FieldDefault> ds = new ArrayList<>();
            if (!dn.isArray()) c.error(dn, "spec.ai.defaults must be a list of {field, value, override}");
            for (JsonNode d : dn) {
                String field = c.text(d, "field", true);
                JsonNode value = d.get("value");
                if (value == null) {
                    c.error(d, "spec.ai.defaults: value is required for field " + field);
                    continue;
                }
                if (field == null) continue;
                if (field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
                    c.error(d.get("field"), "spec.ai.defaults: field " + field + " is not a dotted path (e.g. temperature, generationConfig.topK)");
                    continue;
                }
                ds.add(new TrafficPolicyResource.FieldDefault(field, value.deepCopy(), d.path("override").asBoolean(false)));
            }
            defaults = Optional.of(List.copyOf(ds));
        }
        Optional<TrafficPolicyResource.RequestGuard> request = Optional.empty();
        Optional<TrafficPolicyResource.ResponseGuard> response = Optional.empty();
        JsonNode pg = ai.get("promptGuard");
        if (pg != null && !pg.isNull()) {
            JsonNode rq = pg.get("request");
            if (rq != null && !rq.isNull()) {
                Optional<TrafficPolicyResource.CustomResponse> custom = Optional.empty();
                JsonNode cr = rq.get("customResponse");
                if (cr != null && !cr.isNull()) {
                    int status = 403;
                    if (cr.has("statusCode")) {
                        JsonNode sc = cr.get("statusCode");
                        if (!sc.canConvertToInt() || sc.asInt() < 200 || sc.asInt() > 599) {
                            c.error(sc, "promptGuard.request.customResponse.statusCode " + sc.asText()
                                    + " is not an HTTP status from 200 to 599");
                        } else status = sc.asInt();
                    }
                    custom = Optional.of(new TrafficPolicyResource.CustomResponse(
                            cr.path("message").asText(TrafficPolicyResource.CustomResponse.DEFAULT_MESSAGE), status));
                }
                Optional<TrafficPolicyResource.Moderation> moderation = Optional.empty();
                JsonNode mod = rq.get("moderation");
                if (mod != null && !mod.isNull()) {
                    JsonNode oai = mod.get("openAIModeration");
                    if (oai == null || !oai.isObject()) {
                        c.error(mod, "promptGuard.request.moderation: openAIModeration is required (the only moderation this gateway knows)");
                    } else {
                        moderation = Optional.of(moderation(c, oai, "promptGuard.request.moderation.openAIModeration"));
                    }
                }
                request = Optional.of(new TrafficPolicyResource.RequestGuard(custom,
                        regexGuard(c, rq.get("regex"), "promptGuard.request.regex"),
                        webhook(c, rq.get("webhook"), "promptGuard.request.webhook"), moderation));
            }
            JsonNode rs = pg.get("response");
            if (rs != null && !rs.isNull()) {
                response = Optional.of(new TrafficPolicyResource.ResponseGuard(
                        regexGuard(c, rs.get("regex"), "promptGuard.response.regex"),
                        webhook(c, rs.get("webhook"), "promptGuard.response.webhook")));
            }
        }
        return new TrafficPolicyResource.Ai(routeType, enrichment, defaults, request, response);
    }

    private List<TrafficPolicyResource.Message> messages(Ctx c, JsonNode list, String where) {
        List<TrafficPolicyResource.Message> out = new ArrayList<>();
        for (JsonNode m : list) {
            String role = m.path("role").asText("user").toLowerCase(Locale.ROOT);
            if (!Set.of("system", "user", "assistant").contains(role)) {
                c.error(m.get("role"), where + ": role " + role + " (expected system, user or assistant)");
                continue;
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isValueNode()) {
                c.error(m, where + ": content is required and must be text");
                continue;
            }
            out.add(new TrafficPolicyResource.Message(role, content.asText()));
        }
        return List.copyOf(out);
    }

    private Optional<TrafficPolicyResource.Regex> regexGuard(Ctx c, JsonNode n, String where) {
        if (n == null || n.isNull()) return Optional.empty();
        List<TrafficPolicyResource.RegexMatch> matches = new ArrayList<>();
        for (JsonNode m : n.path("matches")) {
            String pattern = c.text(m, "pattern", true);
            if (pattern == null) continue;
            Pattern p = c.regex(m.get("pattern"), pattern);
            if (p != null) {
                if (p.matcher("").matches()) {
                    c.error(m.get("pattern"), where + ": pattern " + pattern + " matches empty text");
                    continue;
                }
                matches.add(new TrafficPolicyResource.RegexMatch(p, Optional.ofNullable(c.text(m, "name", false))));
            }
        }
        List<TrafficPolicyResource.Builtin> builtins = new ArrayList<>();
        for (JsonNode b : n.path("builtins")) {
            try {
                TrafficPolicyResource.Builtin bi = TrafficPolicyResource.Builtin.valueOf(b.asText());
                if (!builtins.contains(bi)) builtins.add(bi);
            } catch (IllegalArgumentException e) {
                c.error(b, where + ".builtins: " + b.asText() + " is not a builtin (expected SSN, CREDIT_CARD, PHONE_NUMBER or EMAIL)");
            }
        }
        TrafficPolicyResource.Action action = TrafficPolicyResource.Action.MASK;
        if (n.has("action")) {
            String a = n.get("action").asText();
            switch (a) {
                case "MASK" -> action = TrafficPolicyResource.Action.MASK;
                case "REJECT" -> action = TrafficPolicyResource.Action.REJECT;
                default -> c.error(n.get("action"), where + ".action: " + a + " (expected MASK or REJECT)");
            }
        }
        if (matches.isEmpty() && builtins.isEmpty() && !c.failed) {
            problems.add(Problem.warning(c.r.at(n), c.name(), where + " has no matches and no builtins; it does nothing"));
        }
        return Optional.of(new TrafficPolicyResource.Regex(List.copyOf(matches), List.copyOf(builtins), action));
    }

    private Optional<TrafficPolicyResource.Webhook> webhook(Ctx c, JsonNode n, String where) {
        if (n == null || n.isNull()) return Optional.empty();
        // 2.0 and 2.1 write host {host, port}; some releases read endpoint. Accept both, and a "host:port" string.
        JsonNode at = n.has("host") ? n.get("host") : n.get("endpoint");
        if (n.has("host") && n.has("endpoint")) c.error(n.get("endpoint"), where + ": set either host or endpoint, not both");
        if (at == null) {
            c.error(n, where + ": host {host, port} is required");
            return Optional.empty();
        }
        String host;
        int port;
        if (at.isTextual()) {
            String text = stripScheme(at.asText());
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || !text.substring(colon + 1).matches("\\d{1,5}")) {
                c.error(at, where + ": " + at.asText() + " needs a port (host:port, or {host, port})");
                return Optional.empty();
            }
            host = text.substring(0, colon);
            port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                c.error(at, where + ": port " + port + " is out of range");
                return Optional.empty();
            }
        } else {
            host = c.text(at, "host", true);
            port = c.port(at, "port", true);
            if (host == null || port == 0) return Optional.empty();
            host = stripScheme(host);
        }
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
            c.error(at, where + ": " + host + " is not a host name");
            return Optional.empty();
        }
        List<TrafficPolicyResource.HeaderMatch> headers = new ArrayList<>();
        for (String f : List.of("forwardHeaders", "forwardHeaderMatches")) {
            for (JsonNode h : n.path(f)) {
                if (h.isTextual()) {
                    headers.add(new TrafficPolicyResource.HeaderMatch(h.asText(), Optional.empty(), Optional.empty()));
                    continue;
                }
                String name = c.text(h, "name", true);
                if (name == null) continue;
                String type = h.path("type").asText("Exact");
                String value = c.text(h, "value", false);
                switch (type) {
                    case "Exact" -> headers.add(new TrafficPolicyResource.HeaderMatch(name, Optional.ofNullable(value),
                            Optional.empty()));
                    case "RegularExpression" -> {
                        if (value == null) {
                            c.error(h, where + "." + f + ": a RegularExpression match needs a value");
                            continue;
                        }
                        Pattern p = c.regex(h.get("value"), value);
                        if (p != null) headers.add(new TrafficPolicyResource.HeaderMatch(name, Optional.of(value),
                                Optional.of(p)));
                    }
                    default -> c.error(h.get("type"), where + "." + f + ": type " + type
                            + " (expected Exact or RegularExpression)");
                }
            }
        }
        Duration timeout = TrafficPolicyResource.Webhook.DEFAULT_TIMEOUT;
        if (n.has("timeout")) {
            Duration d = c.duration(n, "timeout");
            if (d != null && !d.isZero()) timeout = d;
        }
        boolean failOpen = n.path("failOpen").asBoolean(false);
        if (n.has("failOpen") && !n.get("failOpen").isBoolean()) {
            c.error(n.get("failOpen"), where + ".failOpen must be true or false");
        }
        return Optional.of(new TrafficPolicyResource.Webhook(host, port, List.copyOf(headers), timeout, failOpen));
    }

    private TrafficPolicyResource.Moderation moderation(Ctx c, JsonNode n, String where) {
        // Either an llm block ({openai: {...}, host/port or hostOverride}) or the openai fields directly.
        Llm llm;
        if (n.has("openai") || n.has("provider")) {
            llm = llm(c, n, where);
        } else {
            var wrapper = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            wrapper.set("openai", n);
            for (String f : List.of("hostOverride", "host", "port", "pathOverride", "path")) {
                if (n.has(f)) wrapper.set(f, n.get(f));
            }
            llm = llm(c, wrapper, where);
        }
        if (!(llm.provider() instanceof BackendResource.OpenAi openai)) {
            c.error(n, where + ": the moderation endpoint is an openai llm block (found another provider)");
            return new TrafficPolicyResource.Moderation(new AuthToken.Passthrough(),
                    TrafficPolicyResource.Moderation.DEFAULT_MODEL, Optional.empty(), Optional.empty());
        }
        return new TrafficPolicyResource.Moderation(openai.auth(),
                openai.model().orElse(TrafficPolicyResource.Moderation.DEFAULT_MODEL), llm.host(), llm.path());
    }

    // ---- Secret ----

    private SecretResource secret(Ctx c) {
        Map<String, SecretValue> data = new TreeMap<>();
        JsonNode d = c.r.body().path("data");
        for (var e : d.properties()) {
            // ${VAR} is expanded in the text as written (as the shell would), then decoded.
            SecretValue raw = substitute(c, e.getValue(), e.getValue().asText(), "data." + e.getKey());
            if (raw instanceof SecretValue.Unresolved) {
                data.put(e.getKey(), raw);
                continue;
            }
            String encoded = ((SecretValue.Present) raw).value().replaceAll("\\s", "");
            try {
                // The strict decoder: the MIME one skips every non-base64 character and accepted garbage.
                byte[] bytes = Base64.getDecoder().decode(encoded);
                data.put(e.getKey(), new SecretValue.Present(new String(bytes, StandardCharsets.UTF_8).strip()));
            } catch (IllegalArgumentException ex) {
                c.error(e.getValue(), "data." + e.getKey() + " is not valid base64 (use stringData for plain text)");
            }
        }
        // stringData wins over data for the same key, as the API server merges them.
        for (var e : c.r.body().path("stringData").properties()) {
            data.put(e.getKey(), substitute(c, e.getValue(), e.getValue().asText(), "stringData." + e.getKey()));
        }
        return new SecretResource(c.r.key(), Collections.unmodifiableMap(data), c.r.location());
    }

    /** Replaces {@code ${VAR}} with the environment's value; an unset variable leaves the value unresolved. */
    private SecretValue substitute(Ctx c, JsonNode at, String raw, String where) {
        Matcher shell = SHELL_VAR.matcher(raw);
        if (shell.find()) {
            // What a user gets by copying the YAML between <<EOF and EOF literally: sent as written otherwise.
            problems.add(Problem.warning(c.r.at(at), c.name(), where + ": `$" + shell.group(1) + "` looks like an "
                    + "unexpanded shell variable and is used as written; write ${" + shell.group(1)
                    + "} to read it from the environment"));
        }
        Matcher m = ENV_REF.matcher(raw);
        StringBuilder sb = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null || v.isEmpty()) {
                missing.add(m.group(1));
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        if (!missing.isEmpty()) {
            return new SecretValue.Unresolved(where + ": environment variable " + String.join(", ", missing)
                    + " is not set");
        }
        return new SecretValue.Present(sb.toString().strip());
    }

    /** Per-resource parsing state: the raw resource and whether it had an error. */
    private final class Ctx {
        final RawResource r;
        boolean failed;
        boolean annotationsChecked;

        Ctx(RawResource r) {
            this.r = r;
        }

        String name() {
            return r.key().toString();
        }

        JsonNode spec() {
            JsonNode s = r.body().get("spec");
            if (s == null || !s.isObject()) {
                error(r.body(), "spec is missing");
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            return s;
        }

        /**
         * {@code metadata.annotations}, or an empty node. Warns once per resource about an
         * {@code ai.gateway.dev/} annotation not in {@code known} (most likely a typo).
         */
        JsonNode annotations(Set<String> known) {
            JsonNode a = r.body().path("metadata").path("annotations");
            if (!a.isObject()) return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (!annotationsChecked) {
                annotationsChecked = true;
                a.fieldNames().forEachRemaining(k -> {
                    if (k.startsWith(ANNOTATION_PREFIX) && !known.contains(k)) {
                        problems.add(Problem.warning(r.at(a.get(k)), name(), "annotation " + k + " is not one this "
                                + "gateway reads on a " + r.kind() + " (known: " + String.join(", ", new TreeSet<>(known))
                                + "); ignored"));
                    }
                });
            }
            return a;
        }

        boolean expectGroup(String group, String expected) {
            if (group.equals(expected)) return true;
            error(r.body().get("apiVersion"), "apiVersion " + r.apiVersion() + " is not a " + r.kind()
                    + " version this gateway reads (expected " + (expected.isEmpty() ? "v1" : expected + "/...") + ")");
            return false;
        }

        void error(JsonNode at, String message) {
            failed = true;
            problems.add(Problem.error(r.at(at), name(), message));
        }

        String text(JsonNode n, String field, boolean required) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                if (required) error(n, field + " is required");
                return null;
            }
            if (!v.isValueNode()) {
                error(v, field + " must be a string");
                return null;
            }
            return v.asText();
        }

        int port(JsonNode n, String field, boolean required) {
            JsonNode v = n.get(field);
            if (v == null) {
                if (required) error(n, field + " is required");
                return 0;
            }
            if (!v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 65535) {
                error(v, field + " " + v.asText() + " is not a port (expected 1 to 65535)");
                return 0;
            }
            return v.asInt();
        }

        Duration duration(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) return null;
            String s = v.asText();
            Matcher m = GO_DURATION.matcher(s);
            long millis = 0;
            int end = 0;
            while (m.find() && m.start() == end) {
                double num = Double.parseDouble(m.group(1));
                millis += (long) (num * switch (m.group(2)) {
                    case "h" -> 3_600_000;
                    case "m" -> 60_000;
                    case "s" -> 1_000;
                    default -> 1;
                });
                end = m.end();
            }
            if (end != s.length() || s.isEmpty()) {
                error(v, field + " " + s + " is not a duration (expected e.g. 30s, 1m, 500ms)");
                return null;
            }
            return Duration.ofMillis(millis);
        }

        Pattern regex(JsonNode at, String value) {
            try {
                // Matched with RE2 (route.RouteTable, policy.RegexGuard): its syntax is what counts.
                com.google.re2j.Pattern.compile(value);
            } catch (com.google.re2j.PatternSyntaxException e) {
                error(at, "invalid regular expression " + value + " (RE2 syntax, as Envoy and kgateway use: "
                        + "no look-around or back-references): " + e.getDescription());
                return null;
            }
            try {
                return Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                error(at, "invalid regular expression " + value + ": " + e.getDescription());
                return null;
            }
        }
    }
}

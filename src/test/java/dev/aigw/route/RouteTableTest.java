package dev.aigw.route;

import dev.aigw.config.Problem;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTableTest {
    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: infra}
            spec:
              listeners:
              - {name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
            ---
            """;

    /** A route in namespace {@code ns} attached to infra/gw with the given spec body (rules etc.). */
    static String route(String ns, String name, String created, String specRest) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: %s
                  namespace: %s
                  creationTimestamp: "%s"
                spec:
                  parentRefs: [{name: gw, namespace: infra}]
                """.formatted(name, ns, created) + specRest.indent(2) + "---\n";
    }

    static final String T0 = "2024-01-01T00:00:00Z";

    private static RouteTable table(String yaml) {
        SnapshotCompiler.Result r = Configs.compile(yaml);
        assertThat(r.problems()).filteredOn(p -> p.severity() != Problem.Severity.WARNING).isEmpty();
        return r.snapshot().ports().get(8080);
    }

    private record Req(String host, String path, String method, Map<String, String> headers,
                       Map<String, List<String>> query) {
        static Req get(String path) {
            return new Req("gw.local", path, "GET", Map.of(), Map.of());
        }

        Req host(String h) {
            return new Req(h, path, method, headers, query);
        }

        Req method(String m) {
            return new Req(host, path, m, headers, query);
        }

        Req header(String k, String v) {
            Map<String, String> h = new HashMap<>(headers);
            h.put(k.toLowerCase(Locale.ROOT), v);
            return new Req(host, path, method, h, query);
        }

        Req query(String k, String v) {
            Map<String, List<String>> q = new HashMap<>(query);
            q.put(k, List.of(v));
            return new Req(host, path, method, headers, q);
        }
    }

    /** Which rule answers: "ns/name#index", or "none". */
    private static String hit(RouteTable t, Req r) {
        Optional<RouteMatch> m = t.match(r.host(), r.path(), r.method(), r.headers()::get, r.query());
        return m.map(x -> x.rule().id()).orElse("none");
    }

    private static final String REF = "backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]";
    private static final String BACKEND = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: b, namespace: %s}
            spec: {type: Static, static: {hosts: [{host: upstream, port: 80}]}}
            ---
            """;

    private static String rules(String... matches) {
        StringBuilder sb = new StringBuilder("rules:\n");
        for (String m : matches) sb.append("- matches: [").append(m).append("]\n  ").append(REF).append('\n');
        return sb.toString();
    }

    private static String yaml(String... routes) {
        StringBuilder sb = new StringBuilder(GATEWAY);
        for (String ns : List.of("a", "b", "ns")) sb.append(BACKEND.formatted(ns));
        for (String r : routes) sb.append(r);
        return sb.toString();
    }

    @Test
    void exactBeatsRegexBeatsPrefix() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {type: PathPrefix, value: /v1}}",
                "{path: {type: RegularExpression, value: '/v1/.*'}}",
                "{path: {type: Exact, value: /v1/chat}}"))));
        assertThat(hit(t, Req.get("/v1/chat"))).isEqualTo("ns/r#2");
        assertThat(hit(t, Req.get("/v1/chat/completions"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/v1"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/v2"))).isEqualTo("none");
    }

    @Test
    void longestPrefixWinsRegardlessOfOrder() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {type: PathPrefix, value: /}}",
                "{path: {type: PathPrefix, value: /v1}}",
                "{path: {type: PathPrefix, value: /v1/chat}}"))));
        assertThat(hit(t, Req.get("/v1/chat/completions"))).isEqualTo("ns/r#2");
        assertThat(hit(t, Req.get("/v1/models"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/other"))).isEqualTo("ns/r#0");
    }

    @Test
    void prefixIsElementWise() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {type: PathPrefix, value: /gemini}}",
                "{path: {type: PathPrefix, value: /azure/}}"))));
        assertThat(hit(t, Req.get("/gemini"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/gemini/"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/gemini/v1beta/models"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/geminix"))).isEqualTo("none");
        assertThat(hit(t, Req.get("/azure"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/azure/x"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/azurex"))).isEqualTo("none");
    }

    @Test
    void regexMustMatchTheWholePath() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules("{path: {type: RegularExpression, value: '/v[0-9]+'}}"))));
        assertThat(hit(t, Req.get("/v12"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/v12/chat"))).isEqualTo("none");
    }

    @Test
    void methodMatchBeatsNoMethod() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {value: /v1}}",
                "{path: {value: /v1}, method: POST}"))));
        assertThat(hit(t, Req.get("/v1").method("POST"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/v1").method("GET"))).isEqualTo("ns/r#0");
    }

    @Test
    void moreHeaderMatchesWinThenMoreQueryMatches() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {value: /}, headers: [{name: X-A, value: '1'}]}",
                "{path: {value: /}, headers: [{name: x-a, value: '1'}, {name: x-b, value: '2'}]}",
                "{path: {value: /}, headers: [{name: x-a, value: '1'}], queryParams: [{name: q, value: v}]}"))));
        assertThat(hit(t, Req.get("/").header("X-A", "1").header("X-B", "2").query("q", "v"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/").header("x-a", "1").query("q", "v"))).isEqualTo("ns/r#2");
        assertThat(hit(t, Req.get("/").header("x-a", "1"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/").header("x-a", "2"))).isEqualTo("none");
    }

    @Test
    void pathSpecificityBeatsHeaderCount() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{path: {value: /}, headers: [{name: x-a, value: '1'}, {name: x-b, value: '2'}]}",
                "{path: {value: /v1}}"))));
        assertThat(hit(t, Req.get("/v1").header("x-a", "1").header("x-b", "2"))).isEqualTo("ns/r#1");
    }

    @Test
    void headerAndQueryRegexMatches() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules(
                "{headers: [{name: x-model, type: RegularExpression, value: 'gpt-4.*'}]}",
                "{queryParams: [{name: model, type: RegularExpression, value: 'claude-[0-9]'}]}"))));
        assertThat(hit(t, Req.get("/").header("x-model", "gpt-4o"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/").header("x-model", "xgpt-4o"))).isEqualTo("none");
        assertThat(hit(t, Req.get("/").query("model", "claude-3"))).isEqualTo("ns/r#1");
        assertThat(hit(t, Req.get("/").query("model", "claude-3x"))).isEqualTo("none");
    }

    @Test
    void headerValueMatchIsExactAndCaseSensitive() {
        RouteTable t = table(yaml(route("ns", "r", T0, rules("{headers: [{name: x-env, value: Prod}]}"))));
        assertThat(hit(t, Req.get("/").header("X-Env", "Prod"))).isEqualTo("ns/r#0");
        assertThat(hit(t, Req.get("/").header("X-Env", "prod"))).isEqualTo("none");
        assertThat(hit(t, Req.get("/"))).isEqualTo("none");
    }

    @Test
    void tiesGoToTheOldestRouteThenNamespaceNameThenRuleOrder() {
        String same = rules("{path: {value: /x}}", "{path: {value: /x}}");
        RouteTable t = table(yaml(
                route("a", "young", "2024-06-01T00:00:00Z", same),
                route("b", "old", "2023-01-01T00:00:00Z", same)));
        assertThat(hit(t, Req.get("/x"))).isEqualTo("b/old#0");

        RouteTable byName = table(yaml(
                route("b", "a", T0, same),
                route("a", "z", T0, same),
                route("a", "m", T0, same)));
        assertThat(hit(byName, Req.get("/x"))).isEqualTo("a/m#0");
    }

    @Test
    void ruleNamesIdentifyRules() {
        RouteTable t = table(yaml(route("ns", "r", T0, "rules:\n- name: chat\n  " + REF + "\n")));
        assertThat(hit(t, Req.get("/"))).isEqualTo("ns/r/chat");
    }

    // ---- hostnames ----

    @Test
    void exactHostnameBeatsWildcardBeatsNone() {
        RouteTable t = table(yaml(
                route("ns", "any", T0, rules("{path: {value: /v1/chat}}")),
                route("ns", "wild", T0, "hostnames: ['*.example.com']\n" + rules("{path: {value: /}}")),
                route("ns", "exact", T0, "hostnames: [api.example.com]\n" + rules("{path: {value: /}}"))));
        assertThat(hit(t, Req.get("/v1/chat").host("api.example.com"))).isEqualTo("ns/exact#0");
        assertThat(hit(t, Req.get("/v1/chat").host("API.Example.com"))).isEqualTo("ns/exact#0");
        assertThat(hit(t, Req.get("/v1/chat").host("other.example.com"))).isEqualTo("ns/wild#0");
        assertThat(hit(t, Req.get("/v1/chat").host("a.b.example.com"))).isEqualTo("ns/wild#0");
        assertThat(hit(t, Req.get("/v1/chat").host("example.com"))).isEqualTo("ns/any#0");
        assertThat(hit(t, Req.get("/x").host("example.com"))).isEqualTo("none");
    }

    @Test
    void longerWildcardIsMoreSpecific() {
        RouteTable t = table(yaml(
                route("ns", "short", T0, "hostnames: ['*.example.com']\n" + rules("{path: {value: /}}")),
                route("ns", "long", T0, "hostnames: ['*.eu.example.com']\n" + rules("{path: {value: /}}"))));
        assertThat(hit(t, Req.get("/").host("x.eu.example.com"))).isEqualTo("ns/long#0");
        assertThat(hit(t, Req.get("/").host("x.us.example.com"))).isEqualTo("ns/short#0");
    }

    @Test
    void listenerHostnameIntersection() {
        String gw = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  listeners:
                  - {name: wild, port: 8080, protocol: HTTP, hostname: '*.example.com', allowedRoutes: {namespaces: {from: All}}}
                ---
                """;
        SnapshotCompiler.Result r = Configs.compile(gw + BACKEND.formatted("ns")
                + route("ns", "none", T0, rules("{path: {value: /none}}"))
                + route("ns", "inside", T0, "hostnames: [api.example.com, api.other.com]\n" + rules("{path: {value: /in}}"))
                + route("ns", "wider", T0, "hostnames: ['*.com']\n" + rules("{path: {value: /wide}}"))
                + route("ns", "outside", T0, "hostnames: [api.other.com]\n" + rules("{path: {value: /out}}")));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.resource()).isEqualTo("HTTPRoute ns/outside");
            assertThat(p.message()).contains("not attached to Gateway infra/gw");
        });
        RouteTable t = r.snapshot().ports().get(8080);
        // a route with no hostnames takes the listener's
        assertThat(hit(t, Req.get("/none").host("a.example.com"))).isEqualTo("ns/none#0");
        assertThat(hit(t, Req.get("/none").host("a.other.com"))).isEqualTo("none");
        // only the intersecting hostnames remain
        assertThat(hit(t, Req.get("/in").host("api.example.com"))).isEqualTo("ns/inside#0");
        assertThat(hit(t, Req.get("/in").host("api.other.com"))).isEqualTo("none");
        // a wider route hostname narrows to the listener's
        assertThat(hit(t, Req.get("/wide").host("x.example.com"))).isEqualTo("ns/wider#0");
        assertThat(hit(t, Req.get("/wide").host("x.other.com"))).isEqualTo("none");
    }

    @Test
    void effectiveHostnames() {
        assertThat(SnapshotCompiler.effectiveHostnames(Optional.empty(), List.of("a.com"))).containsExactly("a.com");
        assertThat(SnapshotCompiler.effectiveHostnames(Optional.of("A.com"), List.of())).containsExactly("a.com");
        assertThat(SnapshotCompiler.effectiveHostnames(Optional.of("*.a.com"), List.of("x.a.com", "*.a.com", "b.com")))
                .containsExactly("x.a.com", "*.a.com");
        assertThat(SnapshotCompiler.effectiveHostnames(Optional.of("x.a.com"), List.of("*.a.com"))).containsExactly("x.a.com");
        assertThat(SnapshotCompiler.effectiveHostnames(Optional.of("a.com"), List.of("*.a.com"))).isNull();
    }

    // ---- attachment ----

    private static final String TWO_LISTENERS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: infra}
            spec:
              listeners:
              - {name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
              - {name: internal, port: 9090, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
            ---
            """;

    private static String attachedRoute(String name, String parentRef) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: ns}
                spec:
                  parentRefs: [%s]
                  rules:
                  - %s
                ---
                """.formatted(name, parentRef, REF);
    }

    @Test
    void sectionNameAndPortSelectListeners() {
        SnapshotCompiler.Result r = Configs.compile(TWO_LISTENERS + BACKEND.formatted("ns")
                + attachedRoute("both", "{name: gw, namespace: infra}")
                + attachedRoute("by-section", "{name: gw, namespace: infra, sectionName: internal}")
                + attachedRoute("by-port", "{name: gw, namespace: infra, port: 8080}")
                + attachedRoute("no-such-section", "{name: gw, namespace: infra, sectionName: https}")
                + attachedRoute("port-and-section-disagree", "{name: gw, namespace: infra, sectionName: http, port: 9090}"));
        assertThat(names(r, 8080)).containsExactlyInAnyOrder("both", "by-port");
        assertThat(names(r, 9090)).containsExactlyInAnyOrder("both", "by-section");
        assertThat(r.problems()).extracting(Problem::resource)
                .containsExactlyInAnyOrder("HTTPRoute ns/no-such-section", "HTTPRoute ns/port-and-section-disagree");
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("listener https"));
    }

    private static List<String> names(SnapshotCompiler.Result r, int port) {
        return r.snapshot().ports().get(port).entries().stream().map(e -> e.rule().route().name()).toList();
    }

    private static String gatewayFrom(String from) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  listeners:
                  - name: http
                    port: 8080
                    protocol: HTTP
                    allowedRoutes:
                      namespaces:
                        %s
                ---
                """.formatted(from);
    }

    private static String routeIn(String ns) {
        return BACKEND.formatted(ns) + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: %s}
                spec:
                  parentRefs: [{name: gw, namespace: infra}]
                  rules:
                  - %s
                ---
                """.formatted(ns, REF);
    }

    @Test
    void allowedRoutesSameIsTheDefault() {
        SnapshotCompiler.Result r = Configs.compile(gatewayFrom("{}") + routeIn("infra") + routeIn("apps"));
        assertThat(r.snapshot().ports().get(8080).entries()).extracting(e -> e.rule().route().namespace())
                .containsExactly("infra");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.resource()).isEqualTo("HTTPRoute apps/r");
            assertThat(p.message()).contains("allows routes from namespace apps");
        });
        SnapshotCompiler.Result same = Configs.compile(gatewayFrom("from: Same") + routeIn("apps"));
        assertThat(same.snapshot().ports().get(8080).entries()).isEmpty();
    }

    @Test
    void allowedRoutesAll() {
        SnapshotCompiler.Result r = Configs.compile(gatewayFrom("from: All") + routeIn("infra") + routeIn("apps"));
        assertThat(r.problems()).isEmpty();
        assertThat(r.snapshot().ports().get(8080).entries()).hasSize(2);
    }

    @Test
    void allowedRoutesSelector() {
        String ns = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-a, labels: {ai-gateway: allowed}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-b, labels: {ai-gateway: denied}}
                ---
                """;
        SnapshotCompiler.Result r = Configs.compile(ns
                + gatewayFrom("{from: Selector, selector: {matchLabels: {ai-gateway: allowed}}}")
                + routeIn("team-a") + routeIn("team-b") + routeIn("team-c"));
        assertThat(r.snapshot().ports().get(8080).entries()).extracting(e -> e.rule().route().namespace())
                .containsExactly("team-a");
        assertThat(r.problems()).extracting(Problem::resource)
                .containsExactlyInAnyOrder("HTTPRoute team-b/r", "HTTPRoute team-c/r");

        SnapshotCompiler.Result byName = Configs.compile(
                gatewayFrom("{from: Selector, selector: {matchLabels: {kubernetes.io/metadata.name: team-c}}}")
                        + routeIn("team-c") + routeIn("team-d"));
        assertThat(byName.snapshot().ports().get(8080).entries()).extracting(e -> e.rule().route().namespace())
                .containsExactly("team-c");
    }

    @Test
    void parentRefNamespaceDefaultsToTheRoutes() {
        SnapshotCompiler.Result r = Configs.compile(gatewayFrom("from: All") + BACKEND.formatted("apps") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: apps}
                spec:
                  parentRefs: [{name: gw}]
                """);
        assertThat(r.problems()).extracting(Problem::message).contains("parent Gateway apps/gw not found; the route is not served");
    }

    @Test
    void implicitGatewayAcceptsRoutesFromAnyNamespace() {
        SnapshotCompiler.Result r = Configs.compile(BACKEND.formatted("apps") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: apps}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system, sectionName: http}]
                  rules:
                  - %s
                """.formatted(REF));
        assertThat(r.problems()).filteredOn(p -> p.severity() != Problem.Severity.WARNING).isEmpty();
        assertThat(r.snapshot().listeners()).singleElement().satisfies(l -> {
            assertThat(l.implicit()).isTrue();
            assertThat(l.gateway()).isEqualTo("kgateway-system/ai-gateway");
        });
        assertThat(hit(r.snapshot().ports().get(8080), Req.get("/anything"))).isEqualTo("apps/r#0");
    }

    // ---- weights ----

    private static CompiledRule weighted(String weights) {
        StringBuilder refs = new StringBuilder();
        String[] ws = weights.split(",");
        StringBuilder backends = new StringBuilder();
        for (int i = 0; i < ws.length; i++) {
            backends.append("""
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: b%d, namespace: ns}
                    spec: {type: Static, static: {hosts: [{host: h%d, port: 80}]}}
                    ---
                    """.formatted(i, i));
            refs.append("    - {name: b").append(i).append(", group: gateway.kgateway.dev, kind: Backend")
                    .append(ws[i].isBlank() ? "" : ", weight: " + ws[i].strip()).append("}\n");
        }
        RouteTable t = table(GATEWAY + backends + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: gw, namespace: infra}]
                  rules:
                  - backendRefs:
                """ + refs);
        return t.entries().getFirst().rule();
    }

    @Test
    void weightZeroIsNeverPicked() {
        CompiledRule rule = weighted("0, 1, 0");
        for (int i = 0; i < 500; i++) assertThat(rule.pick()).get().extracting(Destination::name).isEqualTo("ns/b1");
    }

    @Test
    void allZeroWeightsPickNothing() {
        assertThat(weighted("0, 0").pick()).isEmpty();
        assertThat(weighted("0").pick()).isEmpty();
    }

    @Test
    void defaultWeightIsOneAndWeightsAreProportional() {
        CompiledRule rule = weighted(" , 3");
        assertThat(rule.destinations()).extracting(CompiledRule.Weighted::weight).containsExactly(1, 3);
        int b1 = 0;
        for (int i = 0; i < 4000; i++) if (rule.pick().orElseThrow().name().equals("ns/b1")) b1++;
        assertThat(b1).isBetween(2700, 3300);
    }

    @Test
    void ruleWithoutBackendsPicksNothingAndWarns() {
        SnapshotCompiler.Result r = Configs.compile(GATEWAY + route("ns", "r", T0, "rules:\n- matches: [{path: {value: /x}}]\n"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.message()).contains("no backendRefs");
        });
        assertThat(r.snapshot().ports().get(8080).entries().getFirst().rule().pick()).isEmpty();
    }
}

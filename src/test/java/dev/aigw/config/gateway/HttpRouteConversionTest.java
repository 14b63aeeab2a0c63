package dev.aigw.config.gateway;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.ResourceParser;
import dev.aigw.config.Parsing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTPRoute conversion from its bound records: what it builds, and each rule's error at its file:line. */
class HttpRouteConversionTest {
    private Parsing last;

    private ResourceParser.Parsed parse(String yaml) {
        last = Parsing.of("route.yaml", yaml, Map.of());
        return last.parsed();
    }

    @Test
    void filtersAndAnExtensionRefInsideABackendRefJoinTheRule() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ai}
                spec:
                  parentRefs: [{name: gw, sectionName: http}]
                  hostnames: [API.example.com]
                  rules:
                  - name: chat
                    matches:
                    - path: {type: Exact, value: /v1/chat/completions}
                      headers: [{name: X-Team, value: a}]
                      method: POST
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier: {set: [{name: x-a, value: "1"}], remove: [x-b]}
                    - type: URLRewrite
                      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}}
                    backendRefs:
                    - name: openai
                      group: gateway.kgateway.dev
                      kind: Backend
                      weight: 3
                      filters:
                      - type: ExtensionRef
                        extensionRef: {group: gateway.kgateway.dev, kind: TrafficPolicy, name: guard}
                """);
        assertThat(last.problems()).isEmpty();
        HttpRouteResource r = p.routes().getFirst();
        assertThat(r.hostnames()).containsExactly("api.example.com");
        assertThat(r.parentRefs()).containsExactly(new HttpRouteResource.ParentRef("gateway.networking.k8s.io", "Gateway",
                "ai", "gw", Optional.of("http"), Optional.empty()));
        HttpRouteResource.Rule rule = r.rules().getFirst();
        assertThat(rule.name()).contains("chat");
        assertThat(rule.location().line()).isEqualTo(8);
        assertThat(rule.matches().getFirst().headers().getFirst().name()).isEqualTo("x-team");
        assertThat(rule.filters()).containsExactly(
                new HttpRouteResource.RequestHeaderModifier(new HttpRouteResource.HeaderModifier(Map.of("x-a", "1"), Map.of(),
                        List.of("x-b"))),
                new HttpRouteResource.UrlRewrite(Optional.empty(), Optional.of("/v1"), false),
                new HttpRouteResource.ExtensionRef("gateway.kgateway.dev", "TrafficPolicy", "guard"));
        assertThat(rule.backendRefs()).containsExactly(new HttpRouteResource.BackendRef("gateway.kgateway.dev", "Backend",
                "ai", "openai", Optional.empty(), 3));
    }

    @Test
    void eachRuleNamesItsLineAndFieldBooleansToo() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ai}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - matches:
                    - path: {type: Prefix, value: /v1}
                      method: FETCH
                    filters:
                    - type: RequestMirror
                    backendRefs:
                    - name: b
                      weight: -1
                      filters:
                      - type: RequestHeaderModifier
                    - name: c
                      port: 0
                    retry:
                      attempts: true
                  - filters:
                    - type: ExtensionRef
                      extensionRef: {group: example.com, kind: Policy, name: p}
                """);
        assertThat(p.routes()).isEmpty();
        List<String> errors = last.errors();
        assertThat(errors).containsExactly(
                "route.yaml:8: error: HTTPRoute ai/r: path type Prefix is not supported (expected Exact, PathPrefix or "
                        + "RegularExpression)",
                "route.yaml:9: error: HTTPRoute ai/r: method FETCH is not an HTTP method",
                "route.yaml:11: error: HTTPRoute ai/r: filter type RequestMirror is not supported (expected "
                        + "RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or ExtensionRef)",
                "route.yaml:14: error: HTTPRoute ai/r: backendRefs weight -1 is out of range (expected 0 to 1000000)",
                "route.yaml:16: error: HTTPRoute ai/r: per-backendRef filters other than ExtensionRef are not supported; "
                        + "put the filter on the rule",
                "route.yaml:18: error: HTTPRoute ai/r: port 0 is not a port (expected 1 to 65535)",
                // A boolean has no node of its own in the tree: its line comes from its JSON pointer.
                "route.yaml:20: error: HTTPRoute ai/r: rule 0 retry.attempts: true is not a number of retries from 0 to 10",
                "route.yaml:22: error: HTTPRoute ai/r: extensionRef example.com/Policy is not supported (expected a "
                        + "TrafficPolicy of group gateway.kgateway.dev)");
    }

    @Test
    void noParentRefsAndNoRulesMatchesEverything() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: orphan}
                spec:
                  hostnames: [a.example.com]
                """);
        assertThat(p.routes()).isEmpty();
        assertThat(last.printed()).containsExactly("route.yaml:5: error: HTTPRoute "
                + "default/orphan: spec.parentRefs is empty: name the Gateway this route attaches to (e.g. parentRefs: "
                + "[{name: ai-gateway, namespace: kgateway-system}])");
        ResourceParser.Parsed ok = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: all}
                spec:
                  parentRefs: [{name: gw}]
                """);
        assertThat(ok.routes().getFirst().rules()).singleElement().satisfies(rule ->
                assertThat(rule.matches().getFirst().path()).isEqualTo(HttpRouteResource.PathMatch.ROOT));
    }
}

package dev.aigw.route;

import dev.aigw.config.AiRoutes;
import dev.aigw.config.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an AgentgatewayBackend compiles to: routes (Backend &lt; policy merge, the Completions
 * default), per-provider rules (health from the provider, the Backend or a policy with or without
 * sectionName), custom providers; and what is refused, with the line.
 */
class AgentgatewayBackendRulesTest {
    static final String BACKEND = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: b, namespace: ns}
            spec:
              ai:
                groups:
                - providers:
                  - {name: one, openai: {model: m1}, policies: {health: {unhealthyCondition: "response.code == 418"}}}
                  - {name: two, openai: {model: m2}}
                - providers:
                  - {name: three, openai: {model: m3}}
              policies:
                auth: {key: sk-b}
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: all, namespace: ns}
            spec:
              targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: b}]
              backend:
                health: {eviction: {duration: 7s, consecutiveFailures: 2}}
                ai: {routes: {"/v1/models": Models}}
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: three, namespace: ns}
            spec:
              targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: b, sectionName: three}]
              backend:
                health: {unhealthyCondition: "response.code == 500", eviction: {healthThreshold: 40}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /b}}]
                filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}}}]
                backendRefs: [{name: b, group: agentgateway.dev, kind: AgentgatewayBackend}]
            """;

    static Destination.Ai backend(SnapshotCompiler.Result r) {
        return (Destination.Ai) r.snapshot().ports().values().iterator().next().entries().getFirst().rule()
                .destinations().getFirst().destination();
    }

    @Test
    void healthComesFromTheProviderThenAPolicyNamingItThenAPolicyOnTheBackend() {
        SnapshotCompiler.Result r = Configs.compile(BACKEND);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(r.problems()).as("URLRewrite applies to an AgentgatewayBackend: no warning")
                .noneMatch(p -> p.message().contains("URLRewrite does not apply"));
        Destination.Ai ai = backend(r);
        var one = ai.rules(ai.groups().get(0).get(0)).health().orElseThrow();
        assertThat(one.unhealthy().orElseThrow().source()).isEqualTo("response.code == 418");
        assertThat(one.duration()).as("the provider's health is atomic: the default duration").isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(one.consecutiveFailures()).isEqualTo(1);
        var two = ai.rules(ai.groups().get(0).get(1)).health().orElseThrow();
        assertThat(two.unhealthy()).isEmpty();
        assertThat(two.duration()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(two.consecutiveFailures()).isEqualTo(2);
        var three = ai.rules(ai.groups().get(1).get(0)).health().orElseThrow();
        assertThat(three.unhealthy().orElseThrow().source()).isEqualTo("response.code == 500");
        assertThat(three.healthThreshold()).contains(40);
        assertThat(three.consecutiveFailures()).as("a threshold alone: no count in a row").isZero();

        assertThat(ai.routes().resolve("/v1/models")).contains(AiRoutes.RouteType.Models);
        assertThat(ai.routes().resolve("/v1/anything")).as("agentgateway's default").contains(AiRoutes.RouteType.Completions);
    }

    @Test
    void aCustomProviderOnAServiceResolvesToItsClusterName() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: vllm, namespace: ns}
                spec:
                  ai:
                    provider:
                      custom:
                        backendRef: {name: vllm, port: 8000}
                        formats: [{type: Completions}, {type: Embeddings, path: /v1/embed}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: vllm, group: agentgateway.dev, kind: AgentgatewayBackend}]
                """);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        Destination.Ai ai = backend(r);
        assertThat(ai.primary().target().host()).isEqualTo("vllm.ns.svc.cluster.local");
        assertThat(ai.primary().target().port()).isEqualTo(8000);
        assertThat(ai.primary().target().tls()).as("no policies.tls: plain HTTP").isFalse();
        var formats = ai.rules(ai.primary()).formats();
        assertThat(formats).extracting(ProviderRules.Format::type).containsExactly("Completions", "Embeddings");
        assertThat(formats.get(1).provider().target().pathOverride()).contains("/v1/embed");
    }

    @Test
    void whatIsNotServedIsRefusedWithItsLine() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: bad, namespace: ns}
                spec:
                  ai:
                    groups:
                    - providers:
                      - name: p
                        openai: {}
                        policies:
                          ai:
                            promptGuard: {request: [{regex: {matches: [x]}}]}
                            routes: {"*": Passthrough}
                      - name: c
                        custom:
                          host: local
                          port: 80
                          backendRef: {name: s, port: 1}
                          formats: [{type: Realtime}, {type: Completions}, {type: Completions}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: rt, namespace: ns}
                spec:
                  ai: {provider: {openai: {}}}
                  policies:
                    ai: {routes: {"/v1/realtime": Realtime}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: onroute, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  backend: {health: {eviction: {duration: 5s}}}
                """);
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::toString).toList();
        assertThat(errors).anyMatch(e -> e.contains(":12") && e.contains("a provider's own promptGuard is not served"));
        assertThat(errors).anyMatch(e -> e.contains(":13") && e.contains("a provider's own routes are not served"));
        assertThat(errors).anyMatch(e -> e.contains("exactly one of backendRef or host and port must be set"));
        assertThat(errors).anyMatch(e -> e.contains(":19") && e.contains("format Realtime is not served"));
        assertThat(errors).anyMatch(e -> e.contains("format Completions is listed twice"));
        assertThat(errors).anyMatch(e -> e.contains(":27") && e.contains("route type Realtime"));
        assertThat(errors).anyMatch(e -> e.contains("backend.health is served on AgentgatewayBackend targets"));
    }

    @Test
    void anUnhealthyConditionThatDoesNotCompileIsAnErrorAtItsLine() {
        SnapshotCompiler.Result r = Configs.compile(BACKEND.replace("\"response.code == 418\"", "\"response.code ==\""));
        assertThat(r.problems()).filteredOn(Problem::isError)
                .anyMatch(p -> p.toString().contains("t.yaml:8") && p.message().contains("health.unhealthyCondition")
                        && p.message().contains("does not compile"));
    }

    @Test
    void aPolicyOnTheRouteGivesRoutesToBackendsWithoutTheirOwn() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: plain, namespace: ns}
                spec: {ai: {provider: {openai: {}}}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: own, namespace: ns}
                spec:
                  ai: {provider: {openai: {}}}
                  policies: {ai: {routes: {"/v1/messages": Messages}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - name: a
                    matches: [{path: {type: PathPrefix, value: /a}}]
                    backendRefs: [{name: plain, group: agentgateway.dev, kind: AgentgatewayBackend}]
                  - name: b
                    matches: [{path: {type: PathPrefix, value: /b}}]
                    backendRefs: [{name: own, group: agentgateway.dev, kind: AgentgatewayBackend}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: on-route, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  backend: {ai: {routes: {"*": Passthrough}}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: on-rule, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: a}]
                  backend: {ai: {routes: {"/v1/models": Models}}}
                """);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        var entries = r.snapshot().ports().values().iterator().next().entries();
        Destination.Ai a = null;
        Destination.Ai b = null;
        for (var e : entries) {
            Destination.Ai d = (Destination.Ai) e.rule().destinations().getFirst().destination();
            if (e.rule().name().equals(java.util.Optional.of("a"))) a = d;
            else b = d;
        }
        assertThat(a.routes().resolve("/v1/models")).as("the rule's policy, the most precise").contains(AiRoutes.RouteType.Models);
        assertThat(a.routes().resolve("/v1/x")).contains(AiRoutes.RouteType.Completions);
        assertThat(b.routes().resolve("/v1/messages")).as("the Backend's own win").contains(AiRoutes.RouteType.Messages);
        assertThat(b.routes().resolve("/v1/x")).contains(AiRoutes.RouteType.Completions);
    }

    @Test
    void aBackendHealthConditionThatDoesNotCompileIsReportedOnceForAllItsProviders() {
        SnapshotCompiler.Result r = Configs.compile(BACKEND.replace("auth: {key: sk-b}",
                "auth: {key: sk-b}\n    health: {unhealthyCondition: \"response.code >=\"}"));
        assertThat(r.problems()).filteredOn(Problem::isError).map(Problem::toString).singleElement().asString()
                .startsWith("t.yaml:14: error: AgentgatewayBackend ns/b: policies.health.unhealthyCondition: CEL expression");
    }

    @Test
    void aBackendHealthConditionIsCompiledOnceForAllItsProviders() {
        SnapshotCompiler.Result r = Configs.compile(BACKEND.replace("auth: {key: sk-b}",
                "auth: {key: sk-b}\n    health: {unhealthyCondition: \"response.code == 503\"}"));
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        Destination.Ai ai = backend(r);
        var two = ai.rules(ai.groups().get(0).get(1)).health().orElseThrow();
        var three = ai.rules(ai.groups().get(1).get(0)).health().orElseThrow();
        var one = ai.rules(ai.groups().get(0).get(0)).health().orElseThrow();
        assertThat(two.unhealthy().orElseThrow().source()).isEqualTo("response.code == 503");
        assertThat(three.unhealthy().orElseThrow().source()).as("the Backend's policies win over a policy's").isEqualTo("response.code == 503");
        assertThat(three).as("one program for every provider the Backend's block serves").isSameAs(two);
        assertThat(one.unhealthy().orElseThrow().source()).isEqualTo("response.code == 418");
    }

    @Test
    void aMissingSecretIsReportedAtTheFieldThatNamesIt() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: b, namespace: ns}
                spec:
                  ai:
                    groups:
                    - providers:
                      - name: one
                        openai: {model: m1}
                      - name: two
                        openai: {model: m2}
                        policies:
                          auth:
                            secretRef:
                              name: own-key
                  policies:
                    auth:
                      secretRef: {name: shared-key}
                """);
        assertThat(r.problems()).map(Problem::toString).containsExactly(
                "t.yaml:18: unresolved: AgentgatewayBackend ns/b: spec.policies.auth.secretRef.name: secret shared-key not found in ns",
                "t.yaml:15: unresolved: AgentgatewayBackend ns/b: spec.ai.groups[0].providers[1].policies.auth.secretRef.name: "
                        + "secret own-key not found in ns");
    }
}

package dev.aigw.route;

import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.policy.AiPolicy;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both APIs in one config: a route referencing either Backend kind; TrafficPolicies and
 * AgentgatewayPolicies on the same targets combining by the documented rules; TrafficPolicies
 * attached by ExtensionRef (on a rule and in a backendRefs entry); agentgateway traffic applied.
 */
class BothApisTest {
    static final String BASE = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: kg, namespace: ns}
            spec:
              type: AI
              ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-test}}}}
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: agw, namespace: ns}
            spec:
              ai: {provider: {openai: {model: gpt-4o}}}
              policies: {auth: {key: sk-agw}, ai: {defaults: [{field: seed, value: 7}]}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules:
              - name: chat
                matches: [{path: {type: PathPrefix, value: /chat}}]
                backendRefs: [{name: kg, group: gateway.kgateway.dev, kind: Backend}]
              - name: agw
                matches: [{path: {type: PathPrefix, value: /agw}}]
                backendRefs: [{name: agw, group: agentgateway.dev, kind: AgentgatewayBackend}]
              - name: ext
                matches: [{path: {type: PathPrefix, value: /ext}}]
                filters: [{type: ExtensionRef, extensionRef: {group: gateway.kgateway.dev, kind: TrafficPolicy, name: untargeted}}]
                backendRefs: [{name: kg, group: gateway.kgateway.dev, kind: Backend}]
              - name: ext-backend
                matches: [{path: {type: PathPrefix, value: /extb}}]
                backendRefs:
                - name: kg
                  group: gateway.kgateway.dev
                  kind: Backend
                  filters: [{type: ExtensionRef, extensionRef: {group: gateway.kgateway.dev, kind: TrafficPolicy, name: untargeted}}]
            ---
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: TrafficPolicy
            metadata: {name: kg-route, namespace: ns, creationTimestamp: "2024-01-01T00:00:00Z"}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              ai:
                defaults: [{field: temperature, value: 0.1}, {field: top_p, value: 0.9}]
                promptEnrichment: {prepend: [{role: system, content: from kgateway}]}
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: agw-route, namespace: ns, creationTimestamp: "2025-01-01T00:00:00Z"}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              backend:
                ai:
                  defaults: [{field: temperature, value: "0.7"}]
              traffic:
                timeouts: {request: 12s}
                headerModifiers: {request: {set: [{name: x-a, value: "1"}]}}
            ---
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: TrafficPolicy
            metadata: {name: kg-rule, namespace: ns}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: chat}]
              ai:
                defaults: [{field: temperature, value: 0.3}]
            ---
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: TrafficPolicy
            metadata: {name: untargeted, namespace: ns}
            spec:
              ai:
                promptEnrichment: {append: [{role: user, content: via extensionRef}]}
            """;

    static CompiledRule rule(SnapshotCompiler.Result r, String prefix) {
        return r.snapshot().ports().get(8080).entries().stream()
                .filter(e -> e.match().path().value().equals(prefix)).findFirst().orElseThrow().rule();
    }

    static double field(AiPolicy p, String name) {
        return p.defaults().stream().filter(d -> d.field().equals(name)).findFirst().orElseThrow().value().asDouble();
    }

    @Test
    void policiesOfBothApisCombineLevelByLevel() {
        SnapshotCompiler.Result r = Configs.compile(BASE);
        assertThat(r.problems()).noneMatch(Problem::isError);
        // Route level: the AgentgatewayPolicy wins the conflicting field over the TrafficPolicy, the
        // other fields of both stay; the rule-level TrafficPolicy wins over both (more precise level).
        AiPolicy chat = rule(r, "/chat").policy().orElseThrow();
        assertThat(field(chat, "temperature")).isEqualTo(0.3);
        assertThat(field(chat, "top_p")).isEqualTo(0.9);
        assertThat(chat.enrichment().orElseThrow().prepend().getFirst().content()).isEqualTo("from kgateway");
        AiPolicy other = rule(r, "/ext").policy().orElseThrow();
        assertThat(field(other, "temperature")).as("typed from \"0.7\"").isEqualTo(0.7);
        assertThat(other.defaults().stream().filter(d -> d.field().equals("temperature")).findFirst().orElseThrow()
                .value().isNumber()).isTrue();
        assertThat(chat.sources()).containsExactly(new ResourceKey("TrafficPolicy", "ns", "kg-route"),
                new ResourceKey("AgentgatewayPolicy", "ns", "agw-route"), new ResourceKey("TrafficPolicy", "ns", "kg-rule"));
    }

    @Test
    void theAgentgatewayBackendsOwnPoliciesAreTheMostImportant() {
        AiPolicy agw = rule(Configs.compile(BASE), "/agw").policy().orElseThrow();
        assertThat(field(agw, "seed")).isEqualTo(7);
        assertThat(agw.sources().getLast()).isEqualTo(new ResourceKey("AgentgatewayBackend", "ns", "agw"));
        assertThat(rule(Configs.compile(BASE), "/agw").destinations().getFirst().destination())
                .isInstanceOf(Destination.Ai.class);
    }

    @Test
    void extensionRefsAttachAnUntargetedTrafficPolicyOnARuleAndInABackendRef() {
        SnapshotCompiler.Result r = Configs.compile(BASE);
        for (String prefix : new String[]{"/ext", "/extb"}) {
            AiPolicy p = rule(r, prefix).policy().orElseThrow();
            assertThat(p.enrichment().orElseThrow().append()).as(prefix).singleElement()
                    .satisfies(m -> assertThat(m.content()).isEqualTo("via extensionRef"));
            assertThat(p.sources()).contains(new ResourceKey("TrafficPolicy", "ns", "untargeted"));
        }
        assertThat(rule(r, "/chat").policy().orElseThrow().sources())
                .doesNotContain(new ResourceKey("TrafficPolicy", "ns", "untargeted"));
        assertThat(r.problems()).noneMatch(p -> p.message().contains("applies nowhere"));
    }

    @Test
    void aMissingExtensionRefIsUnresolvedAndAnUnreferencedPolicyIsWarnedAbout() {
        SnapshotCompiler.Result r = Configs.compile(BASE.replace("metadata: {name: untargeted, namespace: ns}",
                "metadata: {name: lonely, namespace: ns}"));
        assertThat(r.problems()).anyMatch(p -> p.severity() == Problem.Severity.UNRESOLVED
                && p.message().contains("ExtensionRef TrafficPolicy ns/untargeted not found"));
        assertThat(r.problems()).anyMatch(p -> p.severity() == Problem.Severity.WARNING
                && p.resource().equals("TrafficPolicy ns/lonely") && p.message().contains("applies nowhere"));
    }

    @Test
    void agentgatewayTrafficIsAppliedToTheRule() {
        CompiledRule chat = rule(Configs.compile(BASE), "/chat");
        assertThat(chat.timeouts().request()).contains(java.time.Duration.ofSeconds(12));
        assertThat(chat.filters()).anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(
                dev.aigw.config.HttpRouteResource.RequestHeaderModifier.class,
                m -> assertThat(m.modifier().set()).containsEntry("x-a", "1")));
        assertThat(Optional.of(chat)).isPresent();
    }

    @Test
    void aTrafficPolicyTargetThatDoesNotExistIsUnresolvedAndASelectorThatPicksNothingIsWarnedAbout() {
        SnapshotCompiler.Result r = Configs.compile(BASE + """
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: ghost, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: nope}]
                  traffic: {timeouts: {request: 5s}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: selected, namespace: ns}
                spec:
                  targetSelectors: [{group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {app: x}}]
                  traffic: {timeouts: {request: 5s}}
                  backend: {ai: {prompt: {prepend: [{role: system, content: be brief}]}}}
                """);
        assertThat(r.problems()).anyMatch(p -> p.severity() == Problem.Severity.UNRESOLVED
                && p.resource().equals("AgentgatewayPolicy ns/ghost") && p.message().contains("section nope not found"));
        assertThat(r.problems()).anyMatch(p -> p.severity() == Problem.Severity.WARNING
                && p.resource().equals("AgentgatewayPolicy ns/selected") && p.message().contains("selects no HTTPRoute"));
        assertThat(r.problems()).noneMatch(p -> p.isError() && p.resource().equals("AgentgatewayPolicy ns/selected"));
        // Only that warning: not also kgateway's "no HTTPRoute ExtensionRef filter names it" (found by relabelling a route).
        assertThat(r.problems()).filteredOn(p -> p.resource().equals("AgentgatewayPolicy ns/selected")).hasSize(1);
    }

    @Test
    void targetSelectorsPickRoutesAndBackendsByLabelForTrafficAndBackendAi() {
        String labelled = BASE.replace("metadata: {name: r, namespace: ns}", "metadata: {name: r, namespace: ns, labels: {team: a}}")
                .replace("metadata: {name: agw, namespace: ns}", "metadata: {name: agw, namespace: ns, labels: {llm: openai}}");
        String policies = """
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: by-label, namespace: ns, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec:
                  targetSelectors: [{group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {team: a}, sectionName: chat}]
                  traffic: {timeouts: {request: 3s}}
                  backend: {ai: {defaults: [{field: max_tokens, value: 99}]}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: backend-by-label, namespace: ns}
                spec:
                  targetSelectors: [{group: agentgateway.dev, kind: AgentgatewayBackend, matchLabels: {llm: openai}}]
                  backend: {ai: {defaults: [{field: user, value: selected}]}}
                """;
        SnapshotCompiler.Result r = Configs.compile(labelled + policies);
        assertThat(r.problems()).noneMatch(Problem::isError);
        CompiledRule chat = rule(r, "/chat");
        assertThat(chat.timeouts().request()).as("the rule the selector's sectionName names")
                .contains(java.time.Duration.ofSeconds(3));
        assertThat(field(chat.policy().orElseThrow(), "max_tokens")).isEqualTo(99);
        assertThat(rule(r, "/ext").timeouts().request()).contains(java.time.Duration.ofSeconds(12));
        assertThat(rule(r, "/agw").policy().orElseThrow().defaults()).anyMatch(d -> d.field().equals("user"));
        assertThat(rule(r, "/chat").policy().orElseThrow().defaults()).noneMatch(d -> d.field().equals("user"));

        // Without the labels nothing is selected: the same snapshot compiled again re-selects.
        SnapshotCompiler.Result unlabelled = Configs.compile(BASE + policies);
        assertThat(rule(unlabelled, "/chat").timeouts().request()).contains(java.time.Duration.ofSeconds(12));
        assertThat(rule(unlabelled, "/agw").policy().orElseThrow().defaults()).noneMatch(d -> d.field().equals("user"));
    }

    @Test
    void targetSelectorsFollowTheCrdRules() {
        SnapshotCompiler.Result r = Configs.compile(BASE + """
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: both, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  targetSelectors: [{group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {app: x}}]
                  traffic: {timeouts: {request: 5s}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: kinds, namespace: ns}
                spec:
                  targetSelectors:
                  - {group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {app: x}}
                  - {group: gateway.networking.k8s.io, kind: Gateway, matchLabels: {app: x}}
                  traffic: {timeouts: {request: 5s}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: svc, namespace: ns}
                spec:
                  targetSelectors: [{group: "", kind: Service, matchLabels: {app: x}}]
                  traffic: {timeouts: {request: 5s}}
                """);
        assertThat(r.problems()).anyMatch(p -> p.isError() && p.resource().equals("AgentgatewayPolicy ns/both")
                && p.message().contains("exactly one of the fields in [targetRefs targetSelectors] must be set"));
        assertThat(r.problems()).anyMatch(p -> p.isError() && p.resource().equals("AgentgatewayPolicy ns/kinds")
                && p.message().contains("Only one Kind of targetRef can be set on one policy"));
        assertThat(r.problems()).anyMatch(p -> p.isError() && p.resource().equals("AgentgatewayPolicy ns/svc")
                && p.message().contains("the 'traffic' field can only target a Gateway, ListenerSet, GRPCRoute, HTTPRoute, or InferencePool"));
    }

    @Test
    void aTransformationThatDoesNotCompileIsAnErrorAtItsLine() {
        SnapshotCompiler.Result r = Configs.compile(BASE + """
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: cel, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  backend:
                    ai:
                      transformations:
                      - {field: max_tokens, expression: "llmRequest.max_tokens *"}
                """);
        assertThat(r.problems()).anyMatch(p -> p.isError() && p.resource().equals("AgentgatewayPolicy ns/cel")
                && p.message().contains("does not compile") && p.location().line() > 0);
    }
}

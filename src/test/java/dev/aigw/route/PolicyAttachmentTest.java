package dev.aigw.route;

import dev.aigw.config.Problem;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.policy.AiPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** TrafficPolicy parsing, validation, attachment to rules and merge order. */
class PolicyAttachmentTest {

    static final String BASE = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: b, namespace: ns}
            spec:
              type: AI
              ai:
                llm:
                  provider:
                    openai:
                      authToken: {kind: Inline, inline: sk-test}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules:
              - name: chat
                matches: [{path: {type: PathPrefix, value: /chat}}]
                backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
              - name: other
                matches: [{path: {type: PathPrefix, value: /other}}]
                backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
            """;

    static String policy(String name, String created, String targets, String ai) {
        return """
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: %s, namespace: ns, creationTimestamp: "%s"}
                spec:
                  targetRefs: %s
                  ai:
                """.formatted(name, created, targets) + ai.indent(4);
    }

    static Optional<AiPolicy> policyOf(SnapshotCompiler.Result r, String prefix) {
        return r.snapshot().ports().get(8080).entries().stream()
                .filter(e -> e.match().path().value().equals(prefix)).findFirst().orElseThrow().rule().policy();
    }

    @Test
    void parsesEveryFieldOfTheReference() {
        SnapshotCompiler.Result r = Configs.compile(BASE + policy("p", "2024-01-01T00:00:00Z",
                "[{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]", """
                routeType: CHAT_STREAMING
                promptEnrichment:
                  prepend: [{role: SYSTEM, content: "Be \\"precise\\""}]
                  append: [{role: user, content: thanks}]
                defaults:
                - {field: temperature, value: 0.5}
                - {field: response_format, value: {type: json_object}, override: true}
                promptGuard:
                  request:
                    customResponse: {message: nope, statusCode: 451}
                    regex:
                      matches: [{pattern: "ACME-\\\\d+", name: TICKET}]
                      builtins: [CREDIT_CARD, EMAIL]
                      action: REJECT
                    webhook:
                      host: {host: guard.local, port: 8000}
                      forwardHeaders: [{type: Exact, name: x-user}]
                    moderation:
                      openAIModeration:
                        authToken: {kind: Inline, inline: mod-key}
                        hostOverride: {host: mod.local, port: 9000}
                  response:
                    regex: {builtins: [SSN]}
                    webhook: {endpoint: {host: guard.local, port: 8001}, failOpen: true, timeout: 2s}
                """));
        assertThat(r.problems()).isEmpty();
        AiPolicy p = policyOf(r, "/chat").orElseThrow();
        assertThat(p.forceStreaming()).isTrue();
        assertThat(p.routeType()).isEqualTo(TrafficPolicyResource.RouteType.CHAT_STREAMING);
        assertThat(p.enrichment().orElseThrow().prepend()).containsExactly(
                new TrafficPolicyResource.Message("system", "Be \"precise\""));
        assertThat(p.defaults()).hasSize(2);
        assertThat(p.defaults().get(1).value().path("type").asText()).isEqualTo("json_object");
        AiPolicy.RequestGuard g = p.request().orElseThrow();
        assertThat(g.customResponse()).isEqualTo(new TrafficPolicyResource.CustomResponse("nope", 451));
        assertThat(g.regex().orElseThrow().labels()).containsExactly("CREDIT_CARD", "EMAIL_ADDRESS", "TICKET");
        assertThat(g.regex().orElseThrow().action()).isEqualTo(TrafficPolicyResource.Action.REJECT);
        assertThat(g.webhook().orElseThrow().config().host()).isEqualTo("guard.local");
        assertThat(g.webhook().orElseThrow().config().failOpen()).isFalse();
        AiPolicy.Moderation m = g.moderation().orElseThrow();
        assertThat(m.host()).isEqualTo("mod.local");
        assertThat(m.port()).isEqualTo(9000);
        assertThat(m.tls()).isFalse();
        assertThat(m.model()).isEqualTo("omni-moderation-latest");
        var resp = p.response().orElseThrow();
        assertThat(resp.webhook().orElseThrow().config().port()).isEqualTo(8001);
        assertThat(resp.webhook().orElseThrow().config().failOpen()).isTrue();
        assertThat(resp.webhook().orElseThrow().config().timeout()).hasSeconds(2);
        // Shown in /routes, under the rule.
        String routes = r.snapshot().ports().get(8080).describe();
        assertThat(routes).contains("policy [TrafficPolicy ns/p]: routeType CHAT_STREAMING")
                .contains("regex REJECT [CREDIT_CARD, EMAIL_ADDRESS, TICKET]").contains("moderation omni-moderation-latest @mod.local:9000");
    }

    @Test
    void validationProblemsNameTheLine() {
        String text = BASE + policy("bad", "2024-01-01T00:00:00Z",
                "[{kind: HTTPRoute, name: r}]", """
                promptGuard:
                  request:
                    customResponse: {statusCode: 700}
                    regex:
                      matches: [{pattern: "([a-z"}]
                      builtins: [PASSPORT]
                """);
        SnapshotCompiler.Result r = Configs.compile(text);
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::toString).toList();
        assertThat(errors).hasSize(3);
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("t.yaml:").contains("statusCode 700 is not an HTTP status from 200 to 599"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid regular expression ([a-z"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("PASSPORT is not a builtin"));
        // The line is the field's own line, not the resource's.
        Problem status = r.problems().stream().filter(p -> p.message().contains("statusCode")).findFirst().orElseThrow();
        int expected = (int) text.substring(0, text.indexOf("statusCode: 700")).chars().filter(c -> c == '\n').count() + 1;
        assertThat(status.location().line()).isEqualTo(expected);
        assertThat(policyOf(r, "/chat")).isEmpty();
    }

    @Test
    void aPolicyOnAMissingRouteIsUnresolvedNotFatal() {
        SnapshotCompiler.Result r = Configs.compile(BASE + policy("lost", "2024-01-01T00:00:00Z",
                "[{kind: HTTPRoute, name: nope}, {kind: HTTPRoute, name: r, sectionName: missing-rule}]",
                "routeType: CHAT_STREAMING"));
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.problems()).extracting(Problem::severity).containsOnly(Problem.Severity.UNRESOLVED);
        assertThat(r.problems()).extracting(Problem::message).containsExactly(
                "target HTTPRoute ns/nope not found; the policy is not applied there",
                "target HTTPRoute ns/r has no rule named missing-rule (sectionName names a rule by its name); the policy is not applied there");
        assertThat(r.snapshot().ports().get(8080).entries()).hasSize(2);
        assertThat(policyOf(r, "/chat")).isEmpty();
    }

    @Test
    void gatewayThenRouteThenRuleAndOldestWinsOnOneTarget() {
        String gw = "[{group: gateway.networking.k8s.io, kind: Gateway, name: ai-gateway}]";
        // Policies attach in their own namespace: the implicit Gateway lives in kgateway-system.
        String gwPolicy = """
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: gw, namespace: kgateway-system, creationTimestamp: "2020-01-01T00:00:00Z"}
                spec:
                  targetRefs: %s
                  ai:
                    routeType: CHAT_STREAMING
                    defaults: [{field: temperature, value: 0.1}, {field: top_p, value: 0.9}]
                    promptGuard:
                      request: {customResponse: {message: from gateway}}
                """.formatted(gw);
        SnapshotCompiler.Result r = Configs.compile(BASE + gwPolicy
                + policy("young", "2024-06-01T00:00:00Z", "[{kind: HTTPRoute, name: r}]", """
                        defaults: [{field: temperature, value: 0.7}]
                        promptGuard:
                          request: {customResponse: {message: from young route policy, statusCode: 400}}
                        """)
                + policy("old", "2023-01-01T00:00:00Z", "[{kind: HTTPRoute, name: r}]", """
                        defaults: [{field: temperature, value: 0.3}]
                        promptGuard:
                          request: {customResponse: {message: from old route policy}}
                        """)
                + policy("rule", "2025-01-01T00:00:00Z", "[{kind: HTTPRoute, name: r, sectionName: chat}]", """
                        routeType: CHAT
                        """));
        assertThat(r.problems()).isEmpty();
        AiPolicy chat = policyOf(r, "/chat").orElseThrow();
        AiPolicy other = policyOf(r, "/other").orElseThrow();
        // Rule level wins over the gateway's routeType; the other rule keeps the gateway's.
        assertThat(chat.forceStreaming()).isFalse();
        assertThat(other.forceStreaming()).isTrue();
        // Route level wins over the gateway field by field; among route policies the oldest wins.
        assertThat(chat.defaults()).extracting(d -> d.field() + "=" + d.value()).containsExactly("temperature=0.3", "top_p=0.9");
        assertThat(chat.request().orElseThrow().customResponse().message()).isEqualTo("from old route policy");
        assertThat(chat.sources()).extracting(k -> k.name()).containsExactly("gw", "young", "old", "rule");
    }

    @Test
    void routePolicyIsTheOlderNameAndEndpointSpellingWorks() {
        SnapshotCompiler.Result r = Configs.compile(BASE + """
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: RoutePolicy
                metadata: {name: legacy, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  ai:
                    promptGuard:
                      request:
                        webhook:
                          endpoint: {host: guard.local, port: 8000}
                          forwardHeaderMatches: [{name: x-tenant, type: RegularExpression, value: "acme-.*"}]
                """);
        assertThat(r.problems()).isEmpty();
        var w = policyOf(r, "/chat").orElseThrow().request().orElseThrow().webhook().orElseThrow().config();
        assertThat(w.host()).isEqualTo("guard.local");
        assertThat(w.forwardHeaders().getFirst().matches("acme-1")).isTrue();
        assertThat(w.forwardHeaders().getFirst().matches("other")).isFalse();
    }

    @Test
    void moderationWithAMissingSecretIsUnresolved() {
        SnapshotCompiler.Result r = Configs.compile(BASE + policy("m", "2024-01-01T00:00:00Z", "[{kind: HTTPRoute, name: r}]", """
                promptGuard:
                  request:
                    moderation:
                      openAIModeration:
                        authToken: {kind: SecretRef, secretRef: {name: mod-secret}}
                """));
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.message()).contains("secret mod-secret not found in ns");
        });
        assertThat(policyOf(r, "/chat").orElseThrow().request().orElseThrow().moderation().orElseThrow().unavailable()).isPresent();
    }
}

package dev.aigw.config.kgateway;

import dev.aigw.config.BackendResource;
import dev.aigw.config.ResourceParser;
import dev.aigw.config.SecretValue;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.Parsing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The kgateway TrafficPolicy conversion from its bound records: what it builds, and each rule's message at its file:line. */
class TrafficPolicyConversionTest {
    private Parsing last;

    private ResourceParser.Parsed parse(String spec) {
        last = Parsing.of("policy.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: p, namespace: ai}
                spec:
                """ + spec.indent(2), Map.of("MOD_KEY", "mod-from-env"));
        return last.parsed();
    }

    private List<String> problems() {
        return last.printed();
    }

    @Test
    void aiPolicyWithTheOlderSpellings() {
        ResourceParser.Parsed p = parse("""
                targetRef: {kind: HTTPRoute, name: r, sectionName: chat}
                ai:
                  routeType: CHAT_STREAMING
                  defaults: []
                  promptGuard:
                    request:
                      moderation:
                        openAIModeration:
                          authToken: {kind: Inline, inline: "${MOD_KEY}"}
                          hostOverride: {host: mod.local, port: 9000}
                    response:
                      webhook:
                        endpoint: "http://guard.local:8001/"
                        forwardHeaders: [x-team]
                        failOpen: true
                """);
        assertThat(problems()).isEmpty();
        TrafficPolicyResource t = p.policies().getFirst();
        assertThat(t.targetRefs()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("r");
            assertThat(r.sectionName()).contains("chat");
            assertThat(r.location().line()).isEqualTo(5);
        });
        assertThat(t.ai().routeType()).contains(TrafficPolicyResource.RouteType.CHAT_STREAMING);
        assertThat(t.ai().defaults()).as("an empty list overrides a parent's defaults").contains(List.of());
        assertThat(t.ai().request().flatMap(TrafficPolicyResource.RequestGuard::moderation)).contains(
                new TrafficPolicyResource.Moderation(new BackendResource.AuthToken.Inline(new SecretValue.Present(
                        "mod-from-env")), "omni-moderation-latest", Optional.of(new BackendResource.HostPort("mod.local", 9000)),
                        Optional.empty()));
        TrafficPolicyResource.Webhook hook = t.ai().response().flatMap(TrafficPolicyResource.ResponseGuard::webhook).orElseThrow();
        assertThat(hook.host()).isEqualTo("guard.local");
        assertThat(hook.port()).isEqualTo(8001);
        assertThat(hook.failOpen()).isTrue();
        assertThat(hook.forwardHeaders()).extracting(TrafficPolicyResource.HeaderMatch::name).containsExactly("x-team");
    }

    @Test
    void eachRuleNamesItsLineAndFieldBooleansAndNullsToo() {
        ResourceParser.Parsed p = parse("""
                targetRefs:
                - {kind: Service, name: s}
                - {name: r, namespace: other}
                ai:
                  routeType: COMPLETIONS
                  promptEnrichment:
                    prepend:
                    - {role: robot, content: hi}
                    - role: system
                      content: null
                  defaults:
                  - {field: .temperature, value: 0.5}
                  promptGuard:
                    request:
                      customResponse: {statusCode: 700}
                      regex:
                        matches: [{pattern: "a*"}]
                        builtins: [PASSPORT]
                        action: DROP
                      webhook:
                        host: {host: guard.local, port: 8000}
                        failOpen: "yes"
                        forwardHeaderMatches:
                        - {name: x-a, type: Prefix, value: a}
                      moderation:
                        openAIModeration:
                          authToken: {kind: Passthrough}
                          modle: omni
                rateLimit: {local: {}}
                """);
        assertThat(p.policies()).isEmpty();
        assertThat(problems()).containsExactly(
                "policy.yaml:6: error: TrafficPolicy ai/p: targetRefs: kind Service is not supported (expected HTTPRoute or Gateway)",
                "policy.yaml:7: error: TrafficPolicy ai/p: targetRefs: a policy attaches only to resources in its own "
                        + "namespace ai (found other)",
                "policy.yaml:9: error: TrafficPolicy ai/p: spec.ai.routeType: COMPLETIONS (expected CHAT or CHAT_STREAMING)",
                "policy.yaml:12: error: TrafficPolicy ai/p: spec.ai.promptEnrichment.prepend: role robot (expected system, "
                        + "user or assistant)",
                // About the whole message mapping: its line is its first entry's.
                "policy.yaml:13: error: TrafficPolicy ai/p: spec.ai.promptEnrichment.prepend: content is required and must be text",
                "policy.yaml:16: error: TrafficPolicy ai/p: spec.ai.defaults: field .temperature is not a dotted path (e.g. "
                        + "temperature, generationConfig.topK)",
                "policy.yaml:19: error: TrafficPolicy ai/p: promptGuard.request.customResponse.statusCode 700 is not an "
                        + "HTTP status from 200 to 599",
                "policy.yaml:32: error: TrafficPolicy ai/p: unknown field `modle` in TrafficPolicy ai/p "
                        + "spec.ai.promptGuard.request.moderation.openAIModeration; did you mean `model`? (valid: authToken, "
                        + "host, hostOverride, model, path, pathOverride, port)",
                "policy.yaml:21: error: TrafficPolicy ai/p: promptGuard.request.regex: pattern a* matches empty text",
                "policy.yaml:22: error: TrafficPolicy ai/p: promptGuard.request.regex.builtins: PASSPORT is not a builtin "
                        + "(expected SSN, CREDIT_CARD, PHONE_NUMBER or EMAIL)",
                "policy.yaml:23: error: TrafficPolicy ai/p: promptGuard.request.regex.action: DROP (expected MASK or REJECT)",
                "policy.yaml:28: error: TrafficPolicy ai/p: promptGuard.request.webhook.forwardHeaderMatches: type Prefix "
                        + "(expected Exact or RegularExpression)",
                "policy.yaml:26: error: TrafficPolicy ai/p: promptGuard.request.webhook.failOpen must be true or false",
                "policy.yaml:33: warning: TrafficPolicy ai/p: spec.rateLimit is not applied by this gateway (only spec.ai); ignored");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            "guard.local:99999"       | policy.yaml:10: error: TrafficPolicy ai/p: promptGuard.request.webhook: port 99999 is out of range
            "guard.local"             | policy.yaml:10: error: TrafficPolicy ai/p: promptGuard.request.webhook: guard.local needs a port (host:port, or {host, port})
            {host: guard.local}       | policy.yaml:10: error: TrafficPolicy ai/p: port is required
            {host: g, port: 0}        | policy.yaml:10: error: TrafficPolicy ai/p: port 0 is not a port (expected 1 to 65535)
            """)
    void aWebhookHostIsReadAsHostPortAndEachMistakeIsLocated(String host, String error) {
        parse("""
                targetRefs: [{kind: HTTPRoute, name: r}]
                ai:
                  promptGuard:
                    request:
                      webhook:
                        host: %s
                """.formatted(host));
        assertThat(problems()).containsExactly(error);
    }

    @Test
    void aWebhookHostStringKeepsItsPort() {
        ResourceParser.Parsed p = parse("""
                targetRefs: [{kind: HTTPRoute, name: r}]
                ai:
                  promptGuard:
                    request:
                      webhook:
                        host: "http://guard.local:8000/"
                """);
        assertThat(problems()).isEmpty();
        TrafficPolicyResource.Webhook w = p.policies().getFirst().ai().request().flatMap(TrafficPolicyResource.RequestGuard::webhook)
                .orElseThrow();
        assertThat(w.host() + ":" + w.port()).isEqualTo("guard.local:8000");
    }

    @Test
    void noAiIsAWarningAndANamelessTargetAnError() {
        parse("targetRefs: [{kind: Gateway}]\n");
        assertThat(problems()).containsExactly(
                "policy.yaml:5: error: TrafficPolicy ai/p: name is required",
                "policy.yaml:5: warning: TrafficPolicy ai/p: spec.ai is missing: this gateway applies only the ai "
                        + "policies of a TrafficPolicy; nothing to do");
    }
}

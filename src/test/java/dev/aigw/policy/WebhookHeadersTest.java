package dev.aigw.policy;

import dev.aigw.config.Location;
import dev.aigw.config.Parsing;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Webhook;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** agentgateway's {@code webhook.headers}: compiled with the policy, once per snapshot, never per request. */
class WebhookHeadersTest {

    @Test
    void valuesAreComputedFromTheRequestAndAFailureOrAControlCharacterAddsNoHeader() {
        WebhookHeaders h = WebhookHeaders.compile(Map.of("x-caller", "request.headers[\"x-user\"]", "x-tier", "\"gold\"",
                "x-missing", "request.headers[\"x-nope\"]", "x-bad", "\"a\\nb\"", "x-n", "1 + 2"));
        assertThat(h.values(Map.of("x-user", "ann")::get))
                .containsExactlyInAnyOrderEntriesOf(Map.of("x-caller", "ann", "x-tier", "gold", "x-n", "3"));
        assertThat(WebhookHeaders.compile(Map.of())).isSameAs(WebhookHeaders.NONE);
    }

    @Test
    void anExpressionThatDoesNotCompileNamesItsHeader() {
        assertThatThrownBy(() -> WebhookHeaders.compile(Map.of("x-caller", "request.headers[")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("webhook header x-caller: ");
    }

    @Test
    void eachWebhookIsCompiledOncePerSnapshotAndAReloadCompilesAfresh() {
        TrafficPolicyResource p = policy(Map.of("x-tier", "\"gold\""));
        List<Problem> problems = new ArrayList<>();
        PolicyCompiler one = new PolicyCompiler(List.of(p), k -> null, problems);
        AiPolicy a = one.compile(List.of(p));
        AiPolicy b = one.compile(List.of(p));
        assertThat(webhook(b)).as("every rule the policy reaches shares its compiled webhook").isSameAs(webhook(a));
        AiPolicy reloaded = new PolicyCompiler(List.of(p), k -> null, problems).compile(List.of(p));
        assertThat(webhook(reloaded)).as("a new snapshot holds programs of its own").isNotSameAs(webhook(a));
        assertThat(problems).isEmpty();
    }

    @Test
    void aBadExpressionThatReachesTheCompilerIsAnErrorAtThePolicy() {
        TrafficPolicyResource p = policy(Map.of("x-caller", "request.headers["));
        List<Problem> problems = new ArrayList<>();
        AiPolicy compiled = new PolicyCompiler(List.of(p), k -> null, problems).compile(List.of(p));
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().toString()).startsWith("p.yaml:3: error: TrafficPolicy ns/p: webhook header x-caller: ");
        assertThat(webhook(compiled).headers()).isSameAs(WebhookHeaders.NONE);
    }

    @Test
    void aBadExpressionInAFileIsAConfigErrorAtItsLine() {
        Parsing parsed = Parsing.of("p.yaml", """
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  backend:
                    ai:
                      promptGuard:
                        request:
                        - webhook:
                            backendRef: {group: agentgateway.dev, kind: AgentgatewayBackend, name: guard}
                            headers:
                              x-tier: '"gold"'
                              x-caller: 'request.headers['
                """, Map.of());
        assertThat(parsed.errors()).hasSize(1);
        assertThat(parsed.errors().getFirst())
                .startsWith("p.yaml:14: error: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.request[0].webhook.headers.x-caller: ");
    }

    private static AiPolicy.GuardWebhook webhook(AiPolicy p) {
        return p.request().orElseThrow().webhook().orElseThrow();
    }

    private static TrafficPolicyResource policy(Map<String, String> headers) {
        Webhook w = new Webhook("127.0.0.1", 9, List.of(), Webhook.DEFAULT_TIMEOUT, false, headers);
        TrafficPolicyResource.Ai ai = new TrafficPolicyResource.Ai(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new TrafficPolicyResource.RequestGuard(Optional.empty(), Optional.empty(), Optional.of(w),
                        Optional.empty())), Optional.empty());
        return new TrafficPolicyResource(new ResourceKey("TrafficPolicy", "ns", "p"), Instant.EPOCH, List.of(), ai,
                new Location("p.yaml", 3));
    }
}

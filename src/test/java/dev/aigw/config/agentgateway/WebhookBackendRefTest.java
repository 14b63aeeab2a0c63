package dev.aigw.config.agentgateway;

import dev.aigw.config.Parsing;
import dev.aigw.config.TrafficPolicyResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A webhook's {@code backendRef} resolves against the bound Backends, whatever the order they are written in. */
class WebhookBackendRefTest {
    private static final String POLICY = """
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
                        backendRef: %s
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: guard, namespace: ns}
            spec: {static: {host: guard.local, port: 8000}}
            ---
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: old-guard, namespace: ns}
            spec:
              type: Static
              static: {hosts: [{host: old.local, port: 9000}]}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {group: agentgateway.dev, kind: AgentgatewayBackend, name: guard}            | guard.local:8000
            {group: agentgateway.dev, kind: AgentgatewayBackend, name: guard, port: 81}  | guard.local:81
            {group: gateway.kgateway.dev, kind: Backend, name: old-guard}                | old.local:9000
            {name: guard-svc, port: 8080}                                                | guard-svc.ns.svc.cluster.local:8080
            """)
    void aBackendWrittenAfterThePolicyResolves(String ref, String hostPort) {
        Parsing p = Parsing.of("p.yaml", POLICY.formatted(ref), Map.of());
        assertThat(p.errors()).isEmpty();
        TrafficPolicyResource.Webhook w = p.parsed().policies().stream().filter(x -> x.key().kind().equals("AgentgatewayPolicy"))
                .findFirst().orElseThrow().ai().request().flatMap(TrafficPolicyResource.RequestGuard::webhook).orElseThrow();
        assertThat(w.host() + ":" + w.port()).isEqualTo(hostPort);
    }

    @Test
    void aBackendThatIsNotStaticOrDidNotBindDoesNotResolve() {
        Parsing p = Parsing.of("p.yaml", POLICY.formatted("{group: agentgateway.dev, kind: AgentgatewayBackend, name: guard}")
                .replace("spec: {static: {host: guard.local, port: 8000}}", "spec: {static: {host: guard.local, port: 8000, hots: x}}"),
                Map.of());
        assertThat(p.errors()).hasSize(2);
        assertThat(p.errors().get(0)).isEqualTo("p.yaml:11: error: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.request[0]"
                + ".webhook.backendRef: webhook backendRef AgentgatewayBackend guard does not resolve (a Service with a port, or a "
                + "static AgentgatewayBackend)");
        assertThat(p.errors().get(1)).startsWith("p.yaml:16: error: AgentgatewayBackend ns/guard: unknown field `hots`");
    }
}

package dev.aigw.route;

import dev.aigw.config.BackendResource;
import dev.aigw.config.HttpRouteResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The resilience knobs reach the compiled rule and destination. */
class ResilienceCompileTest {

    @Test
    void retryKeepAliveAndBalancingAreCompiled() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: b
                  namespace: ai
                  annotations: {ai.gateway.dev/load-balancing: least-latency}
                spec:
                  type: AI
                  ai:
                    priorityGroups:
                    - providers: [{name: a, mock: {}}, {name: b, mock: {}}]
                    - providers: [{name: c, mock: {}}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: ai
                  annotations: {ai.gateway.dev/stream-keepalive: 15s}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - retry: {codes: [429, 503], attempts: 2, backoff: 50ms}
                    backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
                """);
        assertThat(r.problems()).isEmpty();
        CompiledRule rule = r.snapshot().ports().get(8080).entries().getFirst().rule();
        assertThat(rule.retry()).contains(new HttpRouteResource.Retry(List.of(429, 503), Optional.of(2),
                Optional.of(Duration.ofMillis(50))));
        assertThat(rule.streamKeepAlive()).contains(Duration.ofSeconds(15));
        Destination.Ai ai = (Destination.Ai) rule.destinations().getFirst().destination();
        assertThat(ai.balancing()).isEqualTo(BackendResource.LoadBalancing.LEAST_LATENCY);
        assertThat(ai.groups()).hasSize(2);
        assertThat(ai.groups().getFirst()).extracting(p -> p.name()).containsExactly("a", "b");
    }
}

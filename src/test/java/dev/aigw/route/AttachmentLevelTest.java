package dev.aigw.route;

import dev.aigw.config.Parsing;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.agentgateway.Refs.TargetRef;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a policy's target attaches it to a rule: one reading for traffic and backend.ai merges. */
class AttachmentLevelTest {

    @Test
    void eachTargetReachesTheRuleAtOneLevelOrNotAtAll() {
        HttpRouteResource route = Parsing.of("r.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - name: chat
                    backendRefs: [{name: s, port: 80}]
                """, Map.of()).parsed().routes().getFirst();
        HttpRouteResource.Rule rule = route.rules().getFirst();
        ResourceKey gw = new ResourceKey("Gateway", "ns", "gw");
        java.util.function.BiFunction<TargetRef, String, Optional<AttachmentLevel>> at =
                (t, ns) -> AttachmentLevel.of(t, ns, gw, "http", route, rule);
        String g = "gateway.networking.k8s.io";
        assertThat(at.apply(new TargetRef(g, "Gateway", "gw", Optional.empty(), Optional.empty()), "ns")).contains(AttachmentLevel.GATEWAY);
        assertThat(at.apply(new TargetRef(g, "Gateway", "gw", Optional.of("http"), Optional.empty()), "ns")).contains(AttachmentLevel.LISTENER);
        assertThat(at.apply(new TargetRef(g, "Gateway", "gw", Optional.of("https"), Optional.empty()), "ns")).isEmpty();
        assertThat(at.apply(new TargetRef(g, "HTTPRoute", "r", Optional.empty(), Optional.empty()), "ns")).contains(AttachmentLevel.ROUTE);
        assertThat(at.apply(new TargetRef(g, "HTTPRoute", "r", Optional.of("chat"), Optional.empty()), "ns")).contains(AttachmentLevel.RULE);
        assertThat(at.apply(new TargetRef(g, "HTTPRoute", "r", Optional.of("other"), Optional.empty()), "ns")).isEmpty();
        assertThat(at.apply(new TargetRef(g, "HTTPRoute", "r", Optional.empty(), Optional.empty()), "elsewhere"))
                .as("a target names a resource in its policy's namespace").isEmpty();
        assertThat(at.apply(new TargetRef(g, "GRPCRoute", "r", Optional.empty(), Optional.empty()), "ns")).isEmpty();
    }
}

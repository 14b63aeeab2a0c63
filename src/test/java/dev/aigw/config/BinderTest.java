package dev.aigw.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Binder reports every wrong value of a resource in one run, each at its line, and nothing that follows from one. */
class BinderTest {
    private static final String HEAD = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
            """;

    @Test
    void everyWrongValueIsReportedAtItsLineInOneRun() {
        Parsing p = Parsing.of("p.yaml", HEAD + """
                  traffic:
                    retry:
                      attempts: lots
                    timeouts: {request: soon}
                    rateLimit:
                      local:
                      - {tokens: 1, unit: Days}
                      - {tokens: 2, unit: Seconds}
                      - {tokens: many, unit: Minutes}
                    cors: {allowOrigins: [a], maxAge: x, alowHeaders: [b]}
                """, Map.of());
        assertThat(p.printed()).containsExactly(
                "p.yaml:8: error: AgentgatewayPolicy ns/p: spec.traffic.retry.attempts: expected a number",
                "p.yaml:9: error: AgentgatewayPolicy ns/p: spec.traffic.timeouts.request: soon is not a duration "
                        + "(expected e.g. 30s, 1m, 500ms)",
                "p.yaml:12: error: AgentgatewayPolicy ns/p: spec.traffic.rateLimit.local[0].unit: `Days` is not one of "
                        + "Seconds, Minutes, Hours",
                // Item 0 is taken out of the copy that is bound again: item 2 keeps its own index and line.
                "p.yaml:14: error: AgentgatewayPolicy ns/p: spec.traffic.rateLimit.local[2].tokens: expected a number",
                "p.yaml:15: error: AgentgatewayPolicy ns/p: spec.traffic.cors.maxAge: expected a number",
                "p.yaml:15: error: AgentgatewayPolicy ns/p: unknown field `alowHeaders` in AgentgatewayPolicy ns/p "
                        + "spec.traffic.cors; did you mean `allowHeaders`? (valid: allowCredentials, allowHeaders, "
                        + "allowMethods, allowOrigins, exposeHeaders, maxAge)");
        assertThat(p.parsed().agentgatewayPolicies()).isEmpty();
    }

    @Test
    void aRequiredFieldWithAWrongValueIsNotAlsoMissing() {
        Parsing p = Parsing.of("p.yaml", HEAD + """
                  traffic:
                    rateLimit:
                      local: [{tokens: 1, unit: Days}]
                    retry: {attempts: lots}
                """, Map.of());
        assertThat(p.printed()).containsExactly(
                "p.yaml:8: error: AgentgatewayPolicy ns/p: spec.traffic.rateLimit.local[0].unit: `Days` is not one of "
                        + "Seconds, Minutes, Hours",
                "p.yaml:9: error: AgentgatewayPolicy ns/p: spec.traffic.retry.attempts: expected a number");
    }

    @Test
    void anUnknownFieldAfterAListNamesItsMapping() {
        Parsing p = Parsing.of("p.yaml", HEAD + """
                  traffic:
                    cors: {allowOrigins: [a], alowHeaders: [b]}
                """, Map.of());
        assertThat(p.printed()).containsExactly("p.yaml:7: error: AgentgatewayPolicy ns/p: unknown field `alowHeaders` in "
                + "AgentgatewayPolicy ns/p spec.traffic.cors; did you mean `allowHeaders`? (valid: allowCredentials, "
                + "allowHeaders, allowMethods, allowOrigins, exposeHeaders, maxAge)");
    }

    @Test
    void aFileWithoutMistakesStillBinds() {
        Parsing p = Parsing.of("p.yaml", HEAD + """
                  traffic:
                    retry: {attempts: 2}
                """, Map.of());
        assertThat(p.printed()).isEmpty();
        assertThat(p.parsed().agentgatewayPolicies()).hasSize(1);
    }

    @Test
    void atMostMaxWrongValuesOfAResourceAreReportedInOneRun() {
        StringBuilder items = new StringBuilder("  traffic:\n    rateLimit:\n      local:\n");
        for (int i = 0; i < Binder.MAX_WRONG + 8; i++) items.append("      - {tokens: x").append(i).append(", unit: Seconds}\n");
        Parsing p = Parsing.of("p.yaml", HEAD + items, Map.of());
        assertThat(p.printed()).hasSize(Binder.MAX_WRONG);
        assertThat(p.printed().getLast()).isEqualTo("p.yaml:" + (9 + Binder.MAX_WRONG - 1) + ": error: AgentgatewayPolicy ns/p: "
                + "spec.traffic.rateLimit.local[" + (Binder.MAX_WRONG - 1) + "].tokens: expected a number");
        assertThat(p.parsed().agentgatewayPolicies()).isEmpty();
    }
}

package dev.aigw.config.agentgateway;

import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** AgentgatewayPolicy binding: strict, located, the CRD's messages; spec.traffic records. */
class PolicyBindingTest {

    static List<Problem> problems = new ArrayList<>();

    static AgentgatewayPolicy parse(String yaml) {
        problems = new ArrayList<>();
        YamlResources.Result r = YamlResources.parse("p.yaml", yaml);
        assertThat(r.problems()).isEmpty();
        RawResource raw = r.resources().getFirst();
        return PolicyValidation.parse(raw, problems);
    }

    static final String HEAD = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: p, namespace: agentgateway-system}
            spec:
              targetRefs:
              - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: openai}
            """;

    @Test
    void bindsEveryTrafficFieldTheGatewayServesNow() {
        AgentgatewayPolicy p = parse(HEAD + """
                  traffic:
                    timeouts: {request: 30s}
                    retry: {codes: [429, 503], attempts: 2, backoff: 100ms}
                    headerModifiers:
                      request: {set: [{name: x-a, value: "1"}], remove: [x-b]}
                      response: {add: [{name: x-c, value: "2"}]}
                    cors: {allowOrigins: ["https://a.example"], allowMethods: [GET, POST], maxAge: 60}
                """);
        assertThat(problems).isEmpty();
        Traffic t = p.spec().traffic().orElseThrow();
        assertThat(t.timeouts().orElseThrow().request().orElseThrow().value()).hasSeconds(30);
        assertThat(t.retry().orElseThrow().codes()).containsExactly(429, 503);
        assertThat(t.headerModifiers().orElseThrow().request().orElseThrow().remove()).containsExactly("x-b");
        assertThat(t.cors().orElseThrow().allowCredentials()).isEmpty();
        assertThat(t.rateLimit()).isEmpty();
        assertThat(p.spec().targetRefs().getFirst().sectionName()).isEmpty();
    }

    @Test
    void governanceFieldsBindAndValidate() {
        AgentgatewayPolicy p = parse(HEAD + """
                  traffic:
                    rateLimit:
                      local: [{tokens: 100, unit: Minutes}]
                      global:
                        backendRef: {name: ratelimit, namespace: ratelimit, port: 8081}
                        domain: agentgateway
                        descriptors: [{entries: [{name: path, expression: request.path}], unit: Tokens}]
                    apiKeyAuthentication: {mode: Strict, secretRef: {name: apikey}}
                    jwtAuthentication:
                      mode: Strict
                      providers:
                      - issuer: https://idp
                        jwks: {remote: {jwksPath: /certs, cacheDuration: 5m, backendRef: {group: "", kind: Service, name: keycloak, port: 8080}}}
                    basicAuthentication: {users: ["alice:$apr1$x"]}
                    authorization: {action: Allow, policy: {matchExpressions: ["jwt.azp == 'agw-client'"]}}
                """);
        // Served by governance (dev.aigw.governance), which compiles them onto its engines.
        assertThat(problems).isEmpty();
        Traffic t = p.spec().traffic().orElseThrow();
        assertThat(t.governance()).containsExactly("rateLimit", "apiKeyAuthentication", "jwtAuthentication",
                "basicAuthentication", "authorization");
        assertThat(t.rateLimit().orElseThrow().global().orElseThrow().descriptors().getFirst().unit())
                .contains(Traffic.DescriptorUnit.Tokens);
    }

    @Test
    void typosAreErrorsWithLineAndSuggestion() {
        parse(HEAD + """
                  traffic:
                    timeout: {request: 30s}
                    retry: {codes: [429], atempts: 2}
                """);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).toString()).contains("p.yaml:8", "unknown field `timeout`",
                "spec.traffic", "did you mean `timeouts`?");
        assertThat(problems.get(1).toString()).contains("p.yaml:9", "unknown field `atempts`",
                "spec.traffic.retry", "did you mean `attempts`?", "valid: ", "backoff");
    }

    @Test
    void crossFieldRulesUseTheCrdMessages() {
        parse(HEAD + """
                  traffic:
                    rateLimit:
                      local: [{requests: 5, tokens: 100, unit: Minutes}]
                """);
        assertThat(problems).extracting(Problem::message)
                .anyMatch(m -> m.contains("exactly one of the fields in [requests tokens] must be set"));
        parse("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p}
                spec:
                  targetRefs:
                  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: a}
                  - {group: gateway.networking.k8s.io, kind: Gateway, name: b}
                """);
        assertThat(problems).extracting(Problem::message).anyMatch(m -> m.contains(
                "At least one of traffic, frontend, or backend must be provided."))
                .anyMatch(m -> m.contains("Only one Kind of targetRef can be set on one policy"));
    }

    @Test
    void wrongTypesAndBadEnumsAreLocated() {
        parse(HEAD + """
                  traffic:
                    retry:
                      attempts: lots
                """);
        assertThat(problems).singleElement().satisfies(pr -> {
            assertThat(pr.location().line()).isEqualTo(9);
            assertThat(pr.message()).contains("spec.traffic.retry.attempts", "expected a number");
        });
        parse(HEAD + """
                  traffic:
                    rateLimit:
                      local: [{tokens: 1, unit: Days}]
                """);
        assertThat(problems).singleElement().satisfies(pr ->
                assertThat(pr.message()).contains("spec.traffic.rateLimit.local[0].unit", "`Days` is not one of Seconds, Minutes, Hours"));
        parse(HEAD + """
                  traffic:
                    timeouts: {request: soon}
                """);
        assertThat(problems).singleElement().satisfies(pr ->
                assertThat(pr.message()).contains("spec.traffic.timeouts.request", "soon is not a duration"));
    }
}

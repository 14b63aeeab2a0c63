package dev.aigw.config;

import dev.aigw.route.SnapshotCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A typo in any kind is an error naming file:line, the resource, the field path and the closest
 * valid name; {@code validate} exits 1. And agentgateway's governance examples (§6 E12–E15) are
 * refused with "not served yet", never loaded without their limits.
 */
class TyposEveryKindTest {

    static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: ns}
            spec:
              gatewayClassName: kgateway
              listeners:
              - {name: http, port: 8080, protocol: HTTP, hostnmae: a.example}
            """;
    static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /a}}]
                timeout: {request: 10s}
            """;
    static final String BACKEND = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: openai, namespace: kgateway-system}
            spec:
              type: AI
              ai:
                llm:
                  openai:
                    authToken: {kind: Passthrough}
                    modle: gpt-4o
            """;
    static final String POLICY = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: TrafficPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              ai:
                promptGuard:
                  request:
                    regx: {action: REJECT, matches: [{pattern: secret}]}
            """;
    static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: ns}
            stringdata: {Authorization: k}
            """;
    static final String AGW_BACKEND = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: b, namespace: ns}
            spec:
              ai:
                provider:
                  anthropic: {model: claude}
              policies:
                auth: {secretref: {name: s}}
            """;
    static final String AGW_POLICY = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              backend:
                ai:
                  promptGuard:
                    request:
                    - regex: {action: Reject, matchs: ["x"]}
            """;

    static List<Problem> errors(String yaml) {
        YamlResources.Result y = YamlResources.parse("t.yaml", yaml);
        assertThat(y.problems()).isEmpty();
        SnapshotCompiler.Result r = SnapshotCompiler.compile(y.resources(), 1,
                new SnapshotCompiler.Options(8080, Map.<String, String>of()::get));
        return r.problems().stream().filter(Problem::isError).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "GATEWAY|7|Gateway ns/gw|spec.listeners[0]|hostnmae|hostname",
            "ROUTE|8|HTTPRoute ns/r|spec.rules[0]|timeout|timeouts",
            "BACKEND|10|Backend kgateway-system/openai|spec.ai.llm.openai|modle|model",
            "POLICY|9|TrafficPolicy ns/p|spec.ai.promptGuard.request|regx|regex",
            "SECRET|4|Secret ns/s|Secret ns/s|stringdata|stringData",
            "AGW_BACKEND|9|AgentgatewayBackend ns/b|spec.policies.auth|secretref|secretRef",
            "AGW_POLICY|10|AgentgatewayPolicy ns/p|spec.backend.ai.promptGuard.request[0].regex|matchs|matches"})
    void aTypoIsALocatedErrorWithASuggestion(String kind, int line, String resource, String path, String typo,
                                             String suggestion) throws Exception {
        String yaml = (String) TyposEveryKindTest.class.getDeclaredField(kind).get(null);
        List<Problem> errors = errors(yaml);
        assertThat(errors).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new Location("t.yaml", line));
            assertThat(p.resource()).isEqualTo(resource);
            assertThat(p.message()).contains("unknown field `" + typo + "` in " + resource)
                    .contains(path).contains("did you mean `" + suggestion + "`?").contains("(valid: ");
        });
    }

    @Test
    void validateExitsOneOnATypoInEveryKind() throws Exception {
        Path dir = Files.createTempDirectory("typos");
        for (String kind : List.of("GATEWAY", "ROUTE", "BACKEND", "POLICY", "SECRET", "AGW_BACKEND", "AGW_POLICY")) {
            Path f = Files.writeString(dir.resolve(kind + ".yaml"),
                    (String) TyposEveryKindTest.class.getDeclaredField(kind).get(null));
            int code = new CommandLine(new dev.aigw.cli.Main()).execute("validate", "-f", f.toString());
            assertThat(code).as(kind).isEqualTo(1);
        }
    }

    @Test
    void governanceExamplesBindWithoutErrorsNowThatTheyAreServed() {
        String head = """
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p, namespace: agentgateway-system}
                spec:
                """;
        Map<String, String> examples = Map.of(
                "rateLimit", """
                          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: httpbun-llm}]
                          traffic:
                            rateLimit:
                              local: [{tokens: 100, unit: Minutes}]
                        """,
                "rateLimit ", """
                          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: agentgateway-proxy}]
                          traffic:
                            rateLimit:
                              global:
                                backendRef: {name: ratelimit, namespace: ratelimit, port: 8081}
                                domain: agentgateway
                                descriptors:
                                - entries: [{name: x-user-id, expression: 'request.headers["x-user-id"]'}, {name: path, expression: "request.path"}]
                                  unit: Tokens
                                  cost: 'uint(llm.cost.total * 1000000)'
                        """,
                "apiKeyAuthentication", """
                          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: agentgateway-proxy}]
                          traffic:
                            apiKeyAuthentication: {mode: Strict, secretRef: {name: apikey}}
                        """,
                "jwtAuthentication", """
                          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: agentgateway-proxy}]
                          traffic:
                            jwtAuthentication:
                              mode: Strict
                              providers:
                              - issuer: "${KEYCLOAK_ISSUER}"
                                jwks:
                                  remote:
                                    jwksPath: "${KEYCLOAK_JWKS_PATH}"
                                    cacheDuration: "5m"
                                    backendRef: {group: "", kind: Service, name: keycloak, namespace: keycloak, port: 8080}
                            authorization:
                              action: Allow
                              policy:
                                matchExpressions:
                                - "jwt.azp == 'agw-client'"
                        """);
        // Served by governance (docs/governance.md): the documentation's examples bind and validate cleanly.
        examples.forEach((field, spec) -> assertThat(errors(head + spec)).as(field).isEmpty());
    }
}

package dev.aigw.route;

import dev.aigw.config.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * agentgateway's cloud prompt guards (bedrockGuardrails, googleModelArmor) and the tool scopes as
 * a file writes them: what loads, and every wrong or missing field reported at its own line; a
 * Secret that is not there reported at the field that names it, the moderation's included.
 */
class CloudGuardConfigTest {
    private static final String HEAD = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              backend:
                ai:
                  promptGuard:
            """;

    /** After the policy, so its lines stay where the tests count them: the route it targets and its Backend. */
    private static final String ROUTE = """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules: [{backendRefs: [{name: b, group: agentgateway.dev, kind: AgentgatewayBackend}]}]
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: b, namespace: ns}
            spec:
              ai: {provider: {openai: {model: m}}}
              policies: {auth: {key: k}}
            """;

    private static SnapshotCompiler.Result compile(String guards) {
        return Configs.compile(HEAD + guards.indent(8) + ROUTE);
    }

    @Test
    void bothGuardsAndTheToolScopesLoad() {
        SnapshotCompiler.Result r = compile("""
                request:
                - bedrockGuardrails:
                    identifier: gr1abc
                    version: "3"
                    region: eu-west-1
                    policies: {auth: {aws: {secretRef: {name: aws}}}}
                  scope: [Messages, ToolInput, ToolOutput]
                  response: {message: "blocked by policy", statusCode: 422}
                - regex: {matches: ["secret-[0-9]+"], action: Reject}
                  scope: [ToolInput]
                response:
                - googleModelArmor:
                    templateId: tpl
                    projectId: my-project
                    policies: {auth: {gcp: {secretRef: {name: gcp}}}}
                """) ;
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        // The Secrets are not there: each is reported at the field naming it, and the guard fails closed.
        assertThat(r.problems()).map(Problem::toString).contains(
                "t.yaml:14: unresolved: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.request[0].bedrockGuardrails"
                        + ".policies.auth.aws.secretRef.name: secret aws not found in ns; requests it guards are rejected with 500",
                "t.yaml:23: unresolved: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.response[0].googleModelArmor"
                        + ".policies.auth.gcp.secretRef.name: secret gcp not found in ns; requests it guards are rejected with 500");
    }

    @Test
    void theOtherGuardsTakeTheScopeTheyAlwaysRead() {
        // agentgateway's CRD: a non-default scope only on regex and bedrockGuardrails; the default, written out, on any.
        SnapshotCompiler.Result r = compile("""
                request:
                - googleModelArmor: {templateId: t, projectId: p}
                  scope: [Messages, SystemPrompt]
                - openAIModeration: {}
                  scope: [SystemPrompt, Messages]
                """);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        SnapshotCompiler.Result narrowed = compile("""
                request:
                - openAIModeration: {}
                  scope: [Messages]
                """);
        assertThat(narrowed.problems()).filteredOn(Problem::isError).map(Problem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:11: error: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.request[0].scope: ")
                        .contains("scope applies to regex and bedrockGuardrails guards only"));
    }

    @Test
    void aMissingModerationSecretIsReportedAtItsSecretRef() {
        SnapshotCompiler.Result r = compile("""
                request:
                - openAIModeration:
                    policies:
                      auth:
                        secretRef: {name: openai-moderation}
                """);
        assertThat(r.problems()).map(Problem::toString).contains(
                "t.yaml:13: unresolved: AgentgatewayPolicy ns/p: spec.backend.ai.promptGuard.request[0].openAIModeration"
                        + ".policies.auth.secretRef.name: secret openai-moderation not found in ns; requests it guards are "
                        + "rejected with 500");
    }

    @Test
    void aBackendsOwnPromptGuardTakesTheCloudGuardsToo() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: b, namespace: ns}
                spec:
                  ai: {provider: {openai: {model: m}}}
                  policies:
                    auth: {key: k}
                    ai:
                      promptGuard:
                        request:
                        - bedrockGuardrails:
                            identifier: gr1abc
                            version: DRAFT
                            region: us-east-1
                            policies: {auth: {aws: {secretRef: {name: missing}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{backendRefs: [{name: b, group: agentgateway.dev, kind: AgentgatewayBackend}]}]
                """);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(r.problems()).map(Problem::toString).contains("t.yaml:15: unresolved: AgentgatewayBackend ns/b: "
                + "spec.policies.ai.promptGuard.request[0].bedrockGuardrails.policies.auth.aws.secretRef.name: secret missing "
                + "not found in ns; requests it guards are rejected with 500");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {bedrockGuardrails: {identifier: "Bad Id", version: "1", region: us-east-1}}    | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails.identifier: identifier Bad Id is not a guardrail ID or ARN
            {bedrockGuardrails: {identifier: g1, version: "v2", region: us-east-1}}         | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails.version: version v2 is not a guardrail version (1 to 99999999, or DRAFT)
            {bedrockGuardrails: {identifier: g1, version: "1", region: US_EAST}}           | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails.region: US_EAST does not match ^[a-z0-9-]+$
            {bedrockGuardrails: {identifier: g1, version: "1"}}                            | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails: a required field is missing: region
            {bedrockGuardrails: {identifier: g1, version: "1", region: r1, policies: {auth: {key: k}}}} | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails.policies.auth: bedrockGuardrails authenticates with auth.aws
            {bedrockGuardrails: {identifier: g1, version: "1", region: r1, policies: {tls: {sni: x}}}} | 10 | spec.backend.ai.promptGuard.request[0].bedrockGuardrails.policies.tls: tls of a bedrockGuardrails guard is not served
            {bedrockGuardrails: {identifier: g1, version: "1", region: r1, regoin: r2}}   | 10 | unknown field `regoin` in AgentgatewayPolicy ns/p spec.backend.ai.promptGuard.request[0].bedrockGuardrails; did you mean `region`?
            {googleModelArmor: {projectId: p}}                                             | 10 | spec.backend.ai.promptGuard.request[0].googleModelArmor: a required field is missing: templateId
            {googleModelArmor: {templateId: t, projectId: p, policies: {auth: {gcp: {type: IdToken}}}}} | 10 | spec.backend.ai.promptGuard.request[0].googleModelArmor.policies.auth.gcp.type: Model Armor takes an AccessToken, not an IdToken
            {googleModelArmor: {templateId: t, projectId: p, policies: {auth: {aws: {}}}}} | 10 | spec.backend.ai.promptGuard.request[0].googleModelArmor.policies.auth: googleModelArmor authenticates with auth.gcp
            {googleModelArmor: {templateId: t, projectId: p}, scope: [ToolInput]}          | 10 | spec.backend.ai.promptGuard.request[0].scope: scope applies to regex and bedrockGuardrails guards only
            """)
    void aWrongFieldIsReportedAtItsLine(String guard, int line, String message) {
        SnapshotCompiler.Result r = compile("request:\n- " + guard + "\n");
        assertThat(r.problems()).filteredOn(Problem::isError).map(Problem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:" + line + ": error: AgentgatewayPolicy ns/p: ").contains(message));
    }
}

package dev.aigw.config.agentgateway;

import dev.aigw.config.Parsing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A field the CRDs require (every agentgateway record component that is not optional, a list or
 * a map) left out of a file is one located error naming it, as the API server would refuse it:
 * never a crash of {@code validate} or a reload, never a Backend built with "null" in its host.
 */
class RequiredFieldsTest {

    private static final String BACKEND = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: b, namespace: ns}
            spec:
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ai: {provider: {azureopenai: {deploymentName: d}}}                             | spec.ai.provider.azureopenai: a required field is missing: endpoint
            ai: {provider: {azure: {resourceType: OpenAI}}}                                | spec.ai.provider.azure: a required field is missing: resourceName
            ai: {provider: {vertexai: {model: gemini-pro}}}                                | spec.ai.provider.vertexai: a required field is missing: projectId
            ai: {groups: [{providers: [{openai: {}}]}]}                                    | spec.ai.groups[0].providers[0]: a required field is missing: name
            ai: {provider: {bedrock: {model: m, guardrail: {identifier: g}}}}              | spec.ai.provider.bedrock.guardrail: a required field is missing: version
            ai: {provider: {custom: {host: h, port: 1, formats: [{path: /v1/x}]}}}         | spec.ai.provider.custom.formats[0]: a required field is missing: type
            """)
    void aMissingRequiredBackendFieldIsOneLocatedError(String spec, String message) {
        Parsing p = Parsing.of("b.yaml", BACKEND + "  " + spec + "\n  policies: {auth: {key: k}}\n", Map.of());
        assertThat(p.errors()).containsExactly("b.yaml:5: error: AgentgatewayBackend ns/b: " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            defaults: [{value: "1"}]                  | spec.backend.ai.defaults[0]: a required field is missing: field
            prompt: {prepend: [{role: system}]}       | spec.backend.ai.prompt.prepend[0]: a required field is missing: content
            transformations: [{field: max_tokens}]    | spec.backend.ai.transformations[0]: a required field is missing: expression
            """)
    void aMissingRequiredPolicyFieldIsOneLocatedError(String ai, String message) {
        Parsing p = Parsing.of("p.yaml", """
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                  backend:
                    ai:
                      %s
                """.formatted(ai), Map.of());
        assertThat(p.errors()).containsExactly("p.yaml:8: error: AgentgatewayPolicy ns/p: " + message);
    }
}

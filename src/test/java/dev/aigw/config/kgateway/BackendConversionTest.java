package dev.aigw.config.kgateway;

import dev.aigw.config.AiRoutes;
import dev.aigw.config.BackendResource;
import dev.aigw.config.ResourceParser;
import dev.aigw.config.SecretValue;
import dev.aigw.config.Parsing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The kgateway Backend conversion from its bound records: each rule's message at its file:line. */
class BackendConversionTest {
    private Parsing last;

    private ResourceParser.Parsed parse(String spec) {
        last = Parsing.of("backend.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: ai}
                spec:
                """ + spec.indent(2), Map.of("KEY", "sk-from-env"));
        return last.parsed();
    }

    private List<String> problems() {
        return last.printed();
    }

    @Test
    void providerRulesNameTheirLines() {
        ResourceParser.Parsed p = parse("""
                type: AI
                ai:
                  priorityGroups:
                  - providers:
                    - name: v
                      vertexai:
                        authToken: {kind: SecretRef, secretRef: {name: s, namespace: other}}
                        model: gemini-2.0-flash
                        apiVersion: v1
                        projectId: p
                        location: us-central1
                        publisher: META
                    - name: br
                      bedrock:
                        model: m
                        region: US_EAST
                      hostOverride: "https://bedrock.local:99999"
                    - name: o
                      openai: {authToken: {kind: Inline, inline: k}}
                      pathOverride: {fullPath: v1/chat}
                  routes:
                    /v1/chat/completions: Chat
                """);
        assertThat(p.backends()).isEmpty();
        assertThat(problems()).containsExactly(
                "backend.yaml:16: error: Backend ai/b: priorityGroups[0].providers[0].vertexai.publisher: META "
                        + "(expected GOOGLE or ANTHROPIC)",
                "backend.yaml:11: error: Backend ai/b: priorityGroups[0].providers[0].vertexai.authToken.secretRef: "
                        + "a Backend's secret must be in its own namespace ai",
                "backend.yaml:20: error: Backend ai/b: priorityGroups[0].providers[1].bedrock.region: US_EAST does not "
                        + "match ^[a-z0-9-]+$",
                "backend.yaml:21: error: Backend ai/b: priorityGroups[0].providers[1].hostOverride: port 99999 is out of range",
                "backend.yaml:24: error: Backend ai/b: priorityGroups[0].providers[2]: path override v1/chat must start with /",
                "backend.yaml:26: error: Backend ai/b: spec.ai.routes[\"/v1/chat/completions\"]: Chat is not a route type ("
                        + AiRoutes.RouteType.names() + ")");
    }

    @Test
    void anInlineTokenReadsTheEnvironmentAndWarnsOfABareShellVariable() {
        ResourceParser.Parsed p = parse("""
                type: AI
                ai:
                  multipool:
                    priorities:
                    - pool:
                      - provider:
                          openai: {authToken: {kind: Inline, inline: "${KEY}"}, model: gpt-4o}
                      - provider:
                          anthropic:
                            authToken: {kind: Inline, inline: $KEY}
                """);
        assertThat(problems()).containsExactly("backend.yaml:14: warning: Backend ai/b: multipool.priorities[0].pool[1]"
                + ".anthropic.authToken.inline: `$KEY` looks like an unexpanded shell variable and is used as written; "
                + "write ${KEY} to read it from the environment");
        BackendResource.Ai ai = (BackendResource.Ai) p.backends().getFirst().spec();
        assertThat(ai.groups().getFirst()).extracting(l -> l.provider()).containsExactly(
                new BackendResource.OpenAi(new BackendResource.AuthToken.Inline(new SecretValue.Present("sk-from-env")),
                        Optional.of("gpt-4o")),
                new BackendResource.Anthropic(new BackendResource.AuthToken.Inline(new SecretValue.Present("$KEY")),
                        Optional.empty(), Optional.empty()));
        assertThat(ai.groups().getFirst().get(1).location().line()).isEqualTo(12);
    }

    @Test
    void typeAndShapeErrors() {
        parse("type: Dynamic\n");
        assertThat(problems()).containsExactly("backend.yaml:5: error: Backend ai/b: spec.type Dynamic is not supported "
                + "(expected AI or Static)");
        parse("""
                type: AI
                ai:
                  llm: {openai: {authToken: {kind: Passthrough}}}
                  multipool: {priorities: []}
                """);
        assertThat(problems()).containsExactly("backend.yaml:7: error: Backend ai/b: spec.ai must have exactly one of llm, "
                + "multipool, priorityGroups (found llm, multipool)");
        parse("""
                type: Static
                static:
                  hosts:
                  - port: 80
                """);
        assertThat(problems()).containsExactly(
                "backend.yaml:8: error: Backend ai/b: host is required",
                "backend.yaml:5: error: Backend ai/b: type Static needs spec.static.hosts with at least one {host, port}");
    }
}

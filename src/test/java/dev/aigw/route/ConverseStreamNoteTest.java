package dev.aigw.route;

import dev.aigw.config.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load-time note for a rule whose policy judges whole responses (a response webhook or cloud
 * guardrail) and whose backend speaks Bedrock natively: its ConverseStream clients are refused
 * with 501 (per request), its translated clients judged. Noted once per rule (a rule served on two
 * listeners too), and only where it applies: not for the regex guard, which masks ConverseStreams.
 */
class ConverseStreamNoteTest {

    private static String config(String bedrockRoutes, String routeType) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: aws, namespace: ai}
                stringData: {accessKey: AKIDEXAMPLE, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: ai}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - {name: a, port: 8080, protocol: HTTP}
                  - {name: b, port: 8081, protocol: HTTP}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: bedrock, namespace: ai}
                spec:
                  type: AI
                  ai:
                    llm:
                      bedrock:
                        model: anthropic.claude-3-5-sonnet-20240620-v1:0
                        region: eu-west-1
                        auth: {type: Secret, secretRef: {name: aws}}
                %s
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai, namespace: ai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: sk-test}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ai}
                spec:
                  parentRefs: [{name: gw, namespace: ai}]
                  rules:
                  - name: guarded
                    matches: [{path: {type: PathPrefix, value: /guarded}}]
                    backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                  - name: plain
                    matches: [{path: {type: PathPrefix, value: /plain}}]
                    backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                  - name: openai
                    matches: [{path: {type: PathPrefix, value: /openai}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - name: masked
                    matches: [{path: {type: PathPrefix, value: /masked}}]
                    backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: guard, namespace: ai}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: guarded},
                               {group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: openai}]
                  ai:
                    %s
                    promptGuard:
                      response:
                        webhook: {host: {host: 127.0.0.1, port: 9}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: mask, namespace: ai}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: masked}]
                  ai:
                    promptGuard:
                      response:
                        regex:
                          builtins: [EMAIL]
                """.formatted(bedrockRoutes.indent(4), routeType);
    }

    private static List<Problem> notes(SnapshotCompiler.Result r) {
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        return r.problems().stream().filter(p -> p.message().contains("ConverseStream")).toList();
    }

    @Test
    void aGuardedRuleWithABedrockBackendIsNotedOnceAndOnlyIt() {
        SnapshotCompiler.Result r = Configs.compile(config("", ""));
        List<Problem> notes = notes(r);
        assertThat(notes).as("the rule is served on two listeners, noted once; not the unguarded, regex-masked or OpenAI rules")
                .hasSize(1);
        Problem p = notes.getFirst();
        assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
        assertThat(p.resource()).isEqualTo("HTTPRoute ai/r");
        assertThat(p.message()).contains("rule ai/r/guarded").contains("refused with 501")
                .contains("OpenAI- and Anthropic-format clients translated to Bedrock")
                .contains("whole Converse answers (POST .../converse), are judged");
        assertThat(r.snapshot().problems()).as("in the snapshot /routes lists").contains(p);
    }

    @Test
    void aRouteForcedToStreamSaysWholeConverseRequestsAreRefusedToo() {
        Problem p = notes(Configs.compile(config("", "routeType: CHAT_STREAMING"))).getFirst();
        assertThat(p.message()).contains("so are whole Converse requests").doesNotContain("whole Converse answers");
    }

    @Test
    void aBackendWithRoutesHasNoConverseClients() {
        // With routes, a path is one of the listed APIs or unserved: never Bedrock's own format.
        assertThat(notes(Configs.compile(config("routes: {/v1/chat/completions: Completions}", "")))).isEmpty();
    }
}

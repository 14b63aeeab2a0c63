package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** agentgateway's {@code webhook.headers}: CEL-valued headers on the guardrail webhook call. */
class WebhookHeadersEndToEndTest {

    @Test
    void theWebhookGetsHeadersComputedFromTheRequest() throws Exception {
        try (FakeUpstream guard = FakeUpstream.plain().respondWith(200, "application/json", "{\"action\":{\"reason\":\"fine\"}}");
             FakeUpstream openai = FakeUpstream.plain().respondWith(200, "application/json", """
                     {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                     "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""");
             GatewayHarness gw = GatewayHarness.builder().file("a.yaml", """
                     apiVersion: agentgateway.dev/v1alpha1
                     kind: AgentgatewayBackend
                     metadata: {name: guard, namespace: agentgateway-system}
                     spec: {static: {host: 127.0.0.1, port: %d}}
                     ---
                     apiVersion: agentgateway.dev/v1alpha1
                     kind: AgentgatewayBackend
                     metadata: {name: openai, namespace: agentgateway-system}
                     spec:
                       ai: {provider: {openai: {model: gpt-4o-mini}, host: 127.0.0.1, port: %d, path: /v1/chat/completions}}
                       policies: {auth: {key: upstream-key}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: chat, namespace: agentgateway-system}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: openai}]
                     ---
                     apiVersion: agentgateway.dev/v1alpha1
                     kind: AgentgatewayPolicy
                     metadata: {name: guard, namespace: agentgateway-system}
                     spec:
                       targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
                       backend:
                         ai:
                           promptGuard:
                             request:
                             - webhook:
                                 backendRef: {group: agentgateway.dev, kind: AgentgatewayBackend, name: guard}
                                 headers:
                                   x-caller: 'request.headers["x-user"]'
                                   x-tier: '"gold"'
                                   x-missing: 'request.headers["x-nope"]'
                     """.formatted(guard.port(), openai.port())).start()) {
            var r = gw.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-user", "ann");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            FakeUpstream.Recorded call = guard.take();
            assertThat(call.path()).isEqualTo("/request");
            assertThat(call.headers().get("x-caller")).isEqualTo("ann");
            assertThat(call.headers().get("x-tier")).isEqualTo("gold");
            assertThat(call.headers().get("x-missing")).as("a failed expression adds no header").isNull();
            assertThat(openai.take().json().at("/messages/0/content").asText()).isEqualTo("hi");
        }
    }
}

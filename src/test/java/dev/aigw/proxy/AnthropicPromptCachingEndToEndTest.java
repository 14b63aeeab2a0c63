package dev.aigw.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code promptCaching} on the native Anthropic API (agentgateway's newer data plane marks the same
 * boundaries with {@code cache_control} as it does with Bedrock cache points): the official SDK as
 * client, a fake api.anthropic.com over TLS.
 */
class AnthropicPromptCachingEndToEndTest {

    @Test
    void theSystemTheHistoryAndTheToolsGetCacheControl() throws Exception {
        try (FakeUpstream anthropic = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("anthropic/message.json"));
             GatewayHarness gw = GatewayHarness.builder().upstream("api.anthropic.com", anthropic).file("a.yaml", """
                     apiVersion: agentgateway.dev/v1alpha1
                     kind: AgentgatewayBackend
                     metadata: {name: anthropic, namespace: agentgateway-system}
                     spec:
                       ai: {provider: {anthropic: {model: claude-sonnet-4-5}}}
                       policies: {auth: {key: sk-ant-upstream}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: anthropic, namespace: agentgateway-system}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: anthropic}]
                     ---
                     apiVersion: agentgateway.dev/v1alpha1
                     kind: AgentgatewayPolicy
                     metadata: {name: caching, namespace: agentgateway-system}
                     spec:
                       targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: anthropic}]
                       backend:
                         ai:
                           promptCaching: {cacheTools: true, minTokens: 5}
                     """).start()) {
            AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gw.url()).apiKey("client-key").maxRetries(0).build();
            Message m = client.messages().create(MessageCreateParams.builder().model("claude-x").maxTokens(64)
                    .system("You summarise contracts clause by clause, citing clause numbers.")
                    .addUserMessage("Here is the contract.").addAssistantMessage("Read it.").addUserMessage("Clause 2?")
                    .addTool(Tool.builder().name("lookup").inputSchema(Tool.InputSchema.builder().build()).build())
                    .build());
            assertThat(m.content()).isNotEmpty();
            JsonNode up = anthropic.take().json();
            assertThat(up.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
            assertThat(up.at("/messages/1/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
            assertThat(up.at("/messages/2").toString()).doesNotContain("cache_control");
            assertThat(up.at("/tools/0/cache_control/type").asText()).isEqualTo("ephemeral");
        }
    }
}

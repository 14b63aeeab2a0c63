package dev.aigw.proxy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An AgentgatewayBackend without {@code policies.auth} sends the request as the client wrote it,
 * as agentgateway does (it adds nothing): with the client's key when there is one, and with none
 * when there is none (a local model server needs no key), never a 401 of the gateway's own.
 * kgateway's {@code authToken: {kind: Passthrough}} still refuses a request without a key.
 */
class AgentgatewayNoAuthTest {
    static FakeUpstream local;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        local = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("content-type", "application/json").end("""
                {"id":"chatcmpl-l","object":"chat.completion","created":1,"model":"llama","choices":[{"index":0,
                "message":{"role":"assistant","content":"local hello"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"""));
        gw = GatewayHarness.builder().file("local.yaml", """
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: local, namespace: kgateway-system}
                spec:
                  ai:
                    provider:
                      openai: {model: llama}
                      host: 127.0.0.1
                      port: %d
                      path: /v1/chat/completions
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: seed, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      openai: {model: llama, authToken: {kind: Passthrough}}
                      host: 127.0.0.1
                      port: %d
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: kgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /local}}]
                    backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: local}]
                  - matches: [{path: {type: PathPrefix, value: /seed}}]
                    backendRefs: [{group: gateway.kgateway.dev, kind: Backend, name: seed}]
                """.formatted(local.port(), local.port())).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        local.close();
    }

    @Test
    void noPoliciesAuthSendsTheRequestWithoutAKeyWhenTheClientHasNone() throws Exception {
        var r = gw.post("/local", "{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        FakeUpstream.Recorded up = local.take();
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.headers().get("authorization")).isNull();

        // With a key, the client's own goes through (the OpenAI SDK always sends one).
        OpenAIClient oa = OpenAIOkHttpClient.builder().baseUrl(gw.url() + "/local").apiKey("sk-client").maxRetries(0).build();
        ChatCompletion c = oa.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("any").addUserMessage("hi").build());
        assertThat(c.choices().getFirst().message().content()).contains("local hello");
        assertThat(local.take().headers().get("authorization")).isEqualTo("Bearer sk-client");
    }

    @Test
    void kgatewaysPassthroughStillRefusesARequestWithoutAKey() throws Exception {
        var r = gw.post("/seed", "{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("carries none");
        assertThat(local.received()).isZero();
    }
}

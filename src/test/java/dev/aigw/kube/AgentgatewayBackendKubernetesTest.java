package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.cli.GatewayApp;
import dev.aigw.testing.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.aigw.kube.KubernetesModeTest.GEMINI_ANSWER;
import static dev.aigw.kube.KubernetesModeTest.within;
import static dev.aigw.kube.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AgentgatewayBackend features through the Kubernetes API: a custom provider with routes and a
 * health rule serves as from files; a custom provider listing an unserved format, and a health
 * condition that does not compile, leave their Backends {@code Accepted=False} alone.
 */
class AgentgatewayBackendKubernetesTest {
    static final String NS = "agentgateway-system";
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    MockCluster cluster;
    FakeUpstream google;
    FakeUpstream local;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster();
        google = FakeUpstream.tls().respondWith(200, "application/json", GEMINI_ANSWER);
        local = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("content-type", "application/json").end("""
                {"id":"c","object":"chat.completion","created":1,"model":"local","choices":[{"index":0,
                "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"""));
        port = MockCluster.freePort();
    }

    @AfterEach
    void tearDown() {
        local.close();
        google.close();
        cluster.close();
    }

    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aCustomProviderServesAndBadOnesAreRejectedAlone() throws Exception {
        try (GatewayApp app = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a")) {
            cluster.apply("""
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GatewayClass
                    metadata: {name: agentgateway}
                    spec: {controllerName: agentgateway.dev/agentgateway}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: Gateway
                    metadata: {name: agentgateway-proxy, namespace: agentgateway-system}
                    spec:
                      gatewayClassName: agentgateway
                      listeners:
                      - {name: http, port: %d, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayBackend
                    metadata: {name: local, namespace: agentgateway-system}
                    spec:
                      ai:
                        provider:
                          custom: {host: 127.0.0.1, port: %d, formats: [{type: Completions, path: /chat}]}
                      policies:
                        auth: {key: sk-kube}
                        ai: {routes: {"/v1/chat/completions": Completions}}
                        health: {unhealthyCondition: "response.code >= 500", eviction: {duration: 5s}}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayBackend
                    metadata: {name: realtime, namespace: agentgateway-system}
                    spec:
                      ai:
                        provider:
                          custom: {host: 127.0.0.1, port: 1, formats: [{type: Realtime}]}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayBackend
                    metadata: {name: badcel, namespace: agentgateway-system}
                    spec:
                      ai:
                        provider:
                          openai: {}
                      policies:
                        health: {unhealthyCondition: "response.code >="}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: local, namespace: agentgateway-system}
                    spec:
                      parentRefs: [{name: agentgateway-proxy}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /local}}]
                        filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1/chat/completions}}}]
                        backendRefs: [{name: local, group: agentgateway.dev, kind: AgentgatewayBackend}]
                      - matches: [{path: {type: PathPrefix, value: /realtime}}]
                        backendRefs: [{name: realtime, group: agentgateway.dev, kind: AgentgatewayBackend}]
                    """.formatted(port, local.port()));
            within(Duration.ofSeconds(30), () -> status("/local") == 200);
            FakeUpstream.Recorded r = local.take();
            assertThat(r.path()).isEqualTo("/chat");
            assertThat(r.headers().get("authorization")).isEqualTo("Bearer sk-kube");

            within(Duration.ofSeconds(30), () -> !cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "realtime").isMissingNode()
                    && !cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "badcel").isMissingNode()
                    && !cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "local").isMissingNode());
            assertThat(condition(cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "local").path("conditions"), "Accepted")
                    .path("status").asText()).isEqualTo("True");
            JsonNode realtime = condition(cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "realtime").path("conditions"), "Accepted");
            assertThat(realtime.path("status").asText()).isEqualTo("False");
            assertThat(realtime.path("reason").asText()).isEqualTo("TranslationError");
            assertThat(realtime.path("message").asText()).contains("format Realtime is not served by this gateway");
            JsonNode badcel = condition(cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "badcel").path("conditions"), "Accepted");
            assertThat(badcel.path("status").asText()).isEqualTo("False");
            assertThat(badcel.path("message").asText()).contains("health.unhealthyCondition", "does not compile");
            assertThat(status("/realtime")).as("the route to the rejected Backend answers 500").isEqualTo(500);
            assertThat(status("/local")).as("the rest keeps serving").isEqualTo(200);
            assertThat(app.snapshot().resources()).noneMatch(x -> x.name().equals("badcel"));
        }
    }
}

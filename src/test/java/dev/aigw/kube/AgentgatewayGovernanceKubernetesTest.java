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
import java.util.ArrayList;
import java.util.List;

import static dev.aigw.kube.KubernetesModeTest.GEMINI_BODY;
import static dev.aigw.kube.KubernetesModeTest.within;
import static dev.aigw.kube.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference's governance examples through the Kubernetes API, verbatim: E14 (API keys from a
 * labelled Secret on the Gateway, a plain key and a JSON entry) and E12 (a local token limit on an
 * HTTPRoute: 429 after about four calls), with the policies' status ancestors.
 */
class AgentgatewayGovernanceKubernetesTest {
    static final String NS = "agentgateway-system";
    static final String KEY = "N2YwMDIxZTEtNGUzNS1jNzgzLTRkYjAtYjE2YzRkZGVmNjcy";
    static final String CLIENT3 = "YWJjMTIzLTRlZjUtNjc4OS1hYmNkLWVmMTIzNDU2Nzg5MA";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    MockCluster cluster;
    FakeUpstream google;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster();
        // 30 tokens a call: a 100-token-per-minute bucket refuses the fifth.
        google = FakeUpstream.tls().respondWith(200, "application/json", """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":20,"totalTokenCount":30}}""");
        port = MockCluster.freePort();
    }

    @AfterEach
    void tearDown() {
        google.close();
        cluster.close();
    }

    HttpResponse<String> post(String path, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY));
            for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    int status(String path, String... headers) {
        HttpResponse<String> r = post(path, headers);
        return r == null ? -1 : r.statusCode();
    }

    @Test
    void apiKeysOnTheGatewayAndALocalTokenLimitOnARoute() throws Exception {
        try (GatewayApp app = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a")) {
            cluster.apply("""
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
                    metadata: {name: gemini, namespace: agentgateway-system}
                    spec:
                      ai: {provider: {gemini: {model: gemini-2.5-flash-lite}}}
                      policies: {auth: {key: AIza-kube}}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: httpbun-llm, namespace: agentgateway-system}
                    spec:
                      parentRefs: [{name: agentgateway-proxy}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /llm}}]
                        backendRefs: [{name: gemini, group: agentgateway.dev, kind: AgentgatewayBackend}]
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: open, namespace: agentgateway-system}
                    spec:
                      parentRefs: [{name: agentgateway-proxy}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /open}}]
                        backendRefs: [{name: gemini, group: agentgateway.dev, kind: AgentgatewayBackend}]
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: apikey
                      namespace: agentgateway-system
                      labels:
                        app: httpbin
                    stringData:
                      api-key: N2YwMDIxZTEtNGUzNS1jNzgzLTRkYjAtYjE2YzRkZGVmNjcy
                      client3: |
                        {
                          "key": "YWJjMTIzLTRlZjUtNjc4OS1hYmNkLWVmMTIzNDU2Nzg5MA",
                          "metadata": {
                            "group": "sales"
                          }
                        }
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata:
                      name: apikey-auth
                      namespace: agentgateway-system
                    spec:
                      targetRefs:
                        - group: gateway.networking.k8s.io
                          kind: Gateway
                          name: agentgateway-proxy
                      traffic:
                        apiKeyAuthentication:
                          mode: Strict
                          secretRef:
                            name: apikey
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata: {name: token-limit, namespace: agentgateway-system}
                    spec:
                      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: httpbun-llm}]
                      traffic:
                        rateLimit:
                          local: [{tokens: 100, unit: Minutes}]
                    """.formatted(port));
            // Served with the policy applied: a keyed 200 alone can come from a snapshot of the route before
            // the watch delivered its AgentgatewayPolicy (applied in the same batch, seen a moment later).
            within(Duration.ofSeconds(30), () -> status("/open", "authorization", "Bearer " + KEY) == 200
                    && post("/open").statusCode() == 401);
            HttpResponse<String> none = post("/open");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("api key authentication failure: no API Key found");
            assertThat(status("/open", "authorization", "Bearer " + CLIENT3)).isEqualTo(200);
            assertThat(status("/open", "authorization", "Bearer not-a-key")).isEqualTo(401);
            while (google.received() > 0) google.take();

            // E12: tokens are charged after each response; the call that crosses 100 completes, later ones get 429.
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++) statuses.add(status("/llm", "authorization", "Bearer " + KEY));
            assertThat(statuses.subList(0, 4)).containsOnly(200);
            assertThat(statuses.subList(4, 6)).containsOnly(429);
            assertThat(status("/open", "authorization", "Bearer " + KEY)).as("the limit is the route's only").isEqualTo(200);

            for (String policy : List.of("apikey-auth", "token-limit")) {
                within(Duration.ofSeconds(10), () -> ancestor(policy) != null);
                JsonNode a = ancestor(policy);
                assertThat(condition(a.path("conditions"), "Accepted").path("reason").asText()).as(policy).isEqualTo("Valid");
                assertThat(condition(a.path("conditions"), "Attached").path("status").asText()).as(policy).isEqualTo("True");
            }
        }
    }

    JsonNode ancestor(String policy) {
        for (JsonNode a : cluster.status(Kind.AGENTGATEWAY_POLICY, NS, policy).path("ancestors")) {
            if (a.path("ancestorRef").path("name").asText().equals("agentgateway-proxy")) return a;
        }
        return null;
    }
}

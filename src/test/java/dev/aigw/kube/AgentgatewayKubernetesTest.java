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
import java.util.Base64;

import static dev.aigw.kube.KubernetesModeTest.GEMINI_ANSWER;
import static dev.aigw.kube.KubernetesModeTest.GEMINI_BODY;
import static dev.aigw.kube.KubernetesModeTest.within;
import static dev.aigw.kube.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * agentgateway's kinds through the Kubernetes API (fabric8's mock server): served like the same
 * YAML from files, with the status conditions agentgateway's controller writes; a bad
 * AgentgatewayBackend is rejected alone.
 */
class AgentgatewayKubernetesTest {
    static final String NS = "agentgateway-system";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    MockCluster cluster;
    FakeUpstream google;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster();
        google = FakeUpstream.tls().respondWith(200, "application/json", GEMINI_ANSWER);
        port = MockCluster.freePort();
    }

    @AfterEach
    void tearDown() {
        google.close();
        cluster.close();
    }

    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode ancestor(JsonNode status, String name) {
        for (JsonNode a : status.path("ancestors")) if (a.path("ancestorRef").path("name").asText().equals(name)) return a;
        return null;
    }

    @Test
    void agentgatewayResourcesServeAndReportTheirStatus() throws Exception {
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
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: google-secret, namespace: agentgateway-system}
                    data: {Authorization: %s}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayBackend
                    metadata: {name: gemini, namespace: agentgateway-system}
                    spec:
                      ai:
                        provider:
                          gemini:
                            model: gemini-2.5-flash-lite
                      policies:
                        auth:
                          secretRef:
                            name: google-secret
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayBackend
                    metadata: {name: typo, namespace: agentgateway-system}
                    spec:
                      ai:
                        provider:
                          gemini:
                            modle: gemini-2.5-flash-lite
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayParameters
                    metadata: {name: params, namespace: agentgateway-system}
                    spec: {deployment: {replicas: 2}}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: gemini, namespace: agentgateway-system}
                    spec:
                      parentRefs: [{name: agentgateway-proxy}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /gemini}}]
                        backendRefs: [{name: gemini, group: agentgateway.dev, kind: AgentgatewayBackend}]
                      - matches: [{path: {type: PathPrefix, value: /typo}}]
                        backendRefs: [{name: typo, group: agentgateway.dev, kind: AgentgatewayBackend}]
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata: {name: headers, namespace: agentgateway-system}
                    spec:
                      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: gemini}]
                      traffic:
                        headerModifiers:
                          request: {set: [{name: x-team, value: blue}]}
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata: {name: limits, namespace: agentgateway-system}
                    spec:
                      targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: gemini}]
                      traffic:
                        directResponse: {status: 200}
                    """.formatted(port, Base64.getEncoder().encodeToString("AIza-kube".getBytes())));
            // Generous: the machine may be loaded; latency is KubernetesModeTest's concern.
            // The objects arrive in a burst that may compile in steps: wait for the one with the policy.
            FakeUpstream.Recorded[] last = new FakeUpstream.Recorded[1];
            within(Duration.ofSeconds(30), () -> {
                if (status("/gemini") != 200) return false;
                last[0] = google.take();
                return "blue".equals(last[0].headers().get("x-team"));
            });
            FakeUpstream.Recorded up = last[0];
            assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-lite:generateContent");
            assertThat(up.headers().get("x-goog-api-key")).isEqualTo("AIza-kube");

            within(Duration.ofSeconds(30), () -> !cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "typo").isMissingNode()
                    && !cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "limits").isMissingNode()
                    && !cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "headers").isMissingNode()
                    && !cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "gemini").isMissingNode());
            JsonNode ok = condition(cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "gemini").path("conditions"), "Accepted");
            assertThat(ok.path("status").asText()).isEqualTo("True");
            assertThat(ok.path("message").asText()).isEqualTo("Backend successfully accepted");

            JsonNode typo = condition(cluster.status(Kind.AGENTGATEWAY_BACKEND, NS, "typo").path("conditions"), "Accepted");
            assertThat(typo.path("status").asText()).isEqualTo("False");
            assertThat(typo.path("reason").asText()).isEqualTo("TranslationError");
            assertThat(typo.path("message").asText()).startsWith("failed to translate backend: ")
                    .contains("unknown field `modle`", "did you mean `model`?");
            assertThat(app.snapshot().resources()).noneMatch(r -> r.name().equals("typo"));
            assertThat(status("/typo")).as("the route to the rejected Backend answers 500").isEqualTo(500);

            // The mock API server merges status lists across patches, so an earlier StatusSummary entry
            // (written before the route arrived) may linger here; the API server replaces the list.
            within(Duration.ofSeconds(10), () -> ancestor(cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "headers"),
                    "agentgateway-proxy") != null);
            JsonNode headers = ancestor(cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "headers"), "agentgateway-proxy");
            assertThat(headers.path("ancestorRef").path("namespace").asText()).isEqualTo(NS);
            assertThat(headers.path("controllerName").asText()).isEqualTo("agentgateway.dev/agentgateway");
            assertThat(condition(headers.path("conditions"), "Accepted").path("reason").asText()).isEqualTo("Valid");
            assertThat(condition(headers.path("conditions"), "Attached").path("message").asText())
                    .isEqualTo("Attached to all targets");

            JsonNode limits = ancestor(cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "limits"), "StatusSummary");
            assertThat(limits.path("ancestorRef").path("name").asText()).isEqualTo("StatusSummary");
            JsonNode refused = condition(limits.path("conditions"), "Accepted");
            assertThat(refused.path("status").asText()).isEqualTo("False");
            assertThat(refused.path("reason").asText()).isEqualTo("Invalid");
            assertThat(refused.path("message").asText()).contains("traffic.directResponse is not served by this gateway");
            assertThat(condition(limits.path("conditions"), "Attached").path("reason").asText()).isEqualTo("Pending");

            assertThat(status("/gemini")).as("the rest keeps serving").isEqualTo(200);
        }
    }

    static String routes(String goldLabels, String silverLabels) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: gold, namespace: agentgateway-system, labels: %s}
                spec:
                  parentRefs: [{name: agentgateway-proxy}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /gold}}]
                    backendRefs: [{name: gemini, group: agentgateway.dev, kind: AgentgatewayBackend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: silver, namespace: agentgateway-system, labels: %s}
                spec:
                  parentRefs: [{name: agentgateway-proxy}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /silver}}]
                    backendRefs: [{name: gemini, group: agentgateway.dev, kind: AgentgatewayBackend}]
                """.formatted(goldLabels, silverLabels);
    }

    /** The x-tier header the upstream saw on a 200 through {@code path}, or "" when none; null when not 200. */
    String tier(String path) {
        if (status(path) != 200) return null;
        String t = google.take().headers().get("x-tier");
        return t == null ? "" : t;
    }

    @Test
    void targetSelectorsSelectByLabelsAndALabelChangeReselects() throws Exception {
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
                    %s
                    ---
                    apiVersion: agentgateway.dev/v1alpha1
                    kind: AgentgatewayPolicy
                    metadata: {name: gold-tier, namespace: agentgateway-system}
                    spec:
                      targetSelectors:
                      - {group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {tier: gold}}
                      traffic:
                        headerModifiers:
                          request: {set: [{name: x-tier, value: gold}]}
                    """.formatted(port, routes("{tier: gold}", "{tier: silver}")));
            within(Duration.ofSeconds(30), () -> "gold".equals(tier("/gold")));
            assertThat(tier("/silver")).isEqualTo("");

            within(Duration.ofSeconds(30), () -> ancestor(cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "gold-tier"),
                    "agentgateway-proxy") != null);
            JsonNode a = ancestor(cluster.status(Kind.AGENTGATEWAY_POLICY, NS, "gold-tier"), "agentgateway-proxy");
            assertThat(a.path("controllerName").asText()).isEqualTo("agentgateway.dev/agentgateway");
            assertThat(condition(a.path("conditions"), "Accepted").path("reason").asText()).isEqualTo("Valid");
            assertThat(condition(a.path("conditions"), "Attached").path("message").asText())
                    .isEqualTo("Attached to all targets");

            // Relabel: the label moves to the other route; the watch re-selects.
            // Our own status writes may bump the route's resourceVersion between the read and the update: retry a 409.
            for (int i = 0; ; i++) {
                try {
                    cluster.apply(routes("{tier: bronze}", "{tier: gold}"));
                    break;
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() != 409 || i >= 20) throw e;
                    Thread.sleep(50);
                }
            }
            within(Duration.ofSeconds(30), () -> "gold".equals(tier("/silver")));
            assertThat(tier("/gold")).isEqualTo("");
        }
    }
}

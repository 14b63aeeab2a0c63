package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.cli.GatewayApp;
import dev.aigw.proxy.ProxyOptions;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.TestCerts;
import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.aigw.kube.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes mode against fabric8's mock API server in CRUD mode: the operator writes the seed's
 * resources, the gateway serves them within a second, and status says what was accepted.
 */
class KubernetesModeTest {
    static final String NS = "kgateway-system";
    static final String GEMINI_BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
    static final String GEMINI_ANSWER = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"ok\"}]}}]}";

    /**
     * How long a fresh gateway's first answer may take once its route is served: it pays for the
     * upstream TLS client and handshake (both ends cold) and the translation's first use. On a
     * loaded 2-core machine that first exchange took 7-9 s (TTFB, load 14-23), longer than one
     * attempt fits in 5 s; a request's own timeout is 10 s. How fast a change is served is held
     * apart (the route within a second, the rotation and model change within a second after).
     */
    static final Duration FIRST_ANSWER = Duration.ofSeconds(15);

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

    static GatewayApp start(Config client, FakeUpstream google, String bind, String identity) throws Exception {
        ProxyOptions proxy = ProxyOptions.defaults().withBindAddress(bind)
                .withConnectTo(Map.of("generativelanguage.googleapis.com:443", "127.0.0.1:" + google.port()))
                .withCaFiles(List.of(TestCerts.caPem()));
        KubeOptions o = KubeOptions.defaults(identity).withClient(client).withLeaseNamespace(NS)
                .withLeaseDuration(Duration.ofSeconds(2));
        return GatewayApp.start(new GatewayApp.Settings(List.of(), 0, "127.0.0.1", 0, proxy, Duration.ZERO, k -> null)
                .withKubernetes(o));
    }

    GatewayApp start() throws Exception {
        return start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a");
    }

    HttpResponse<String> gemini(String host) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/gemini"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    int geminiStatus() {
        try {
            return gemini("127.0.0.1").statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    /** Polls until {@code check} holds; returns how long it took. */
    static Duration within(Duration limit, Callable<Boolean> check) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (true) {
            if (check.call()) return Duration.ofNanos(System.nanoTime() - start);
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit.toMillis() + " ms");
            Thread.sleep(20);
        }
    }

    static String secretData(String name, String key, String value) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: %s, namespace: kgateway-system}
                type: Opaque
                data:
                  %s: %s
                """.formatted(name, key, Base64.getEncoder().encodeToString(value.getBytes()));
    }

    @Test
    void seedResourcesServeWithinASecond_updatesRotationAndDeletionFollow() throws Exception {
        try (GatewayApp app = start()) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            // Served within a second: the compiled route is live (the first request itself pays
            // for a cold JVM and the upstream TLS handshake, so it is checked apart).
            Duration took = within(Duration.ofSeconds(5), () -> app.snapshot().ports().getOrDefault(port,
                    new dev.aigw.route.RouteTable(List.of())).entries().size() == 1);
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            within(FIRST_ANSWER, () -> geminiStatus() == 200);
            FakeUpstream.Recorded first = google.take();
            assertThat(first.headers().get("x-goog-api-key")).isEqualTo("test-google-key");
            assertThat(first.path()).isEqualTo("/v1beta/models/gemini-1.5-flash-latest:generateContent");

            // Secret rotation (now in data, base64) and a new model: the next requests use them.
            cluster.apply(secretData("google-secret", "Authorization", "rotated-key"));
            within(Duration.ofSeconds(1), () -> {
                gemini("127.0.0.1");
                return "rotated-key".equals(google.take().headers().get("x-goog-api-key"));
            });
            cluster.apply("""
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: google, namespace: kgateway-system}
                    spec:
                      type: AI
                      ai:
                        llm:
                          provider:
                            gemini:
                              apiVersion: v1beta
                              authToken: {kind: SecretRef, secretRef: {name: google-secret}}
                              model: gemini-2.0-flash
                    """);
            within(Duration.ofSeconds(1), () -> {
                gemini("127.0.0.1");
                return google.take().path().contains("gemini-2.0-flash");
            });

            // Status: the leader (the only replica) writes it.
            within(Duration.ofSeconds(10), () -> !cluster.status(Kind.HTTP_ROUTE, NS, "google").path("parents").isEmpty());
            JsonNode parent = cluster.status(Kind.HTTP_ROUTE, NS, "google").path("parents").get(0);
            assertThat(parent.path("controllerName").asText()).isEqualTo(KubeOptions.DEFAULT_CONTROLLER);
            assertThat(parent.path("parentRef").path("name").asText()).isEqualTo("ai-gateway");
            assertThat(condition(parent.path("conditions"), "Accepted").path("status").asText()).isEqualTo("True");
            assertThat(condition(parent.path("conditions"), "ResolvedRefs").path("status").asText()).isEqualTo("True");
            assertThat(condition(parent.path("conditions"), "Accepted").path("lastTransitionTime").asText()).isNotEmpty();
            within(Duration.ofSeconds(5), () -> condition(cluster.status(Kind.GATEWAY, NS, "ai-gateway")
                    .path("conditions"), "Programmed").path("status").asText().equals("True")
                    && cluster.status(Kind.GATEWAY, NS, "ai-gateway").path("listeners").path(0).path("attachedRoutes").asInt() == 1);
            JsonNode gw = cluster.status(Kind.GATEWAY, NS, "ai-gateway");
            assertThat(condition(gw.path("conditions"), "Accepted").path("status").asText()).isEqualTo("True");
            assertThat(gw.path("listeners").get(0).path("attachedRoutes").asInt()).as(gw.toString()).isEqualTo(1);
            JsonNode backend = condition(cluster.status(Kind.BACKEND, NS, "google").path("conditions"), "Accepted");
            assertThat(backend.path("status").asText()).isEqualTo("True");

            // Deleting the route removes it.
            cluster.delete(Kind.HTTP_ROUTE, NS, "google");
            assertThat(within(Duration.ofSeconds(5), () -> geminiStatus() == 404)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBadBackendIsRejectedAloneWithItsStatusSayingWhy() throws Exception {
        try (GatewayApp app = start()) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            // Invalid: two providers in one llm. Unresolved: its Secret does not exist.
            cluster.apply("""
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: broken, namespace: kgateway-system, generation: 3}
                    spec:
                      type: AI
                      ai:
                        llm:
                          provider:
                            openai: {authToken: {kind: Inline, inline: k}}
                            anthropic: {authToken: {kind: Inline, inline: k}}
                    ---
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: no-secret, namespace: kgateway-system}
                    spec:
                      type: AI
                      ai:
                        llm:
                          provider:
                            gemini:
                              apiVersion: v1beta
                              model: gemini-1.5-flash-latest
                              authToken: {kind: SecretRef, secretRef: {name: missing-secret}}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: broken, namespace: kgateway-system}
                    spec:
                      parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /broken}}]
                        backendRefs: [{name: broken, group: gateway.kgateway.dev, kind: Backend}]
                      - matches: [{path: {type: PathPrefix, value: /no-secret}}]
                        backendRefs: [{name: no-secret, group: gateway.kgateway.dev, kind: Backend}]
                    """);
            within(FIRST_ANSWER, () -> geminiStatus() == 200);
            within(Duration.ofSeconds(10), () -> !cluster.status(Kind.BACKEND, NS, "no-secret").isMissingNode()
                    && !cluster.status(Kind.BACKEND, NS, "broken").isMissingNode());

            JsonNode noSecret = condition(cluster.status(Kind.BACKEND, NS, "no-secret").path("conditions"), "Accepted");
            assertThat(noSecret.path("status").asText()).isEqualTo("False");
            assertThat(noSecret.path("reason").asText()).isEqualTo("SecretNotFound");
            assertThat(noSecret.path("message").asText()).isEqualTo("secret missing-secret not found in kgateway-system");

            JsonNode broken = condition(cluster.status(Kind.BACKEND, NS, "broken").path("conditions"), "Accepted");
            assertThat(broken.path("status").asText()).isEqualTo("False");
            assertThat(broken.path("reason").asText()).isEqualTo("Invalid");
            assertThat(broken.path("message").asText()).isNotEmpty();
            assertThat(app.snapshot().resources()).noneMatch(r -> r.name().equals("broken") && r.kind().equals("Backend"));

            // The route to it: attached, but its reference does not resolve; it answers 500 and says why.
            JsonNode parent = cluster.status(Kind.HTTP_ROUTE, NS, "broken").path("parents").get(0);
            assertThat(condition(parent.path("conditions"), "Accepted").path("status").asText()).isEqualTo("True");
            JsonNode refs = condition(parent.path("conditions"), "ResolvedRefs");
            assertThat(refs.path("status").asText()).isEqualTo("False");
            assertThat(refs.path("reason").asText()).isEqualTo("BackendNotFound");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/broken"))
                    .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);

            // The rest still serves.
            assertThat(geminiStatus()).isEqualTo(200);
        }
    }

    @Test
    void onlyGatewaysOfTheServedClassesAreServed() throws Exception {
        int otherPort = MockCluster.freePort();
        try (GatewayApp app = start()) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.apply(MockCluster.gateway("not-ours", "istio", otherPort));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            within(FIRST_ANSWER, () -> geminiStatus() == 200);
            assertThat(app.snapshot().listeners()).extracting(l -> l.gateway()).containsExactly(NS + "/ai-gateway");
            assertThat(app.snapshot().ports()).containsOnlyKeys(port);
            within(Duration.ofSeconds(10), () -> !cluster.status(Kind.GATEWAY, NS, "ai-gateway").isMissingNode());
            Thread.sleep(300);
            assertThat(cluster.status(Kind.GATEWAY, NS, "not-ours").isMissingNode()).isTrue();

            // Switching the served Gateway to another class stops serving it.
            cluster.apply(MockCluster.gateway("ai-gateway", "istio", port));
            within(Duration.ofSeconds(5), () -> geminiStatus() == -1);
            assertThat(app.snapshot().ports()).isEmpty();
        }
    }
}

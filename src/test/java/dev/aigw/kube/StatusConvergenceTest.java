package dev.aigw.kube;

import dev.aigw.cli.GatewayApp;
import dev.aigw.route.RouteTable;
import dev.aigw.testing.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.aigw.kube.KubernetesModeTest.GEMINI_ANSWER;
import static dev.aigw.kube.KubernetesModeTest.NS;
import static dev.aigw.kube.KubernetesModeTest.within;
import static dev.aigw.kube.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statuses converge without a further change to the cluster: a status write the API server
 * refuses (here 409 Conflict, as a loaded API server or a racing writer can answer) is redone
 * with back-off until it lands. Before, it waited for the next compile, which may never come.
 */
class StatusConvergenceTest {
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

    /**
     * The order a loaded machine produces: the Gateway is compiled and its status written before
     * its route is seen ({@code attachedRoutes: 0}); the later status replaces it whole (one
     * listener, one condition of each type), as a merge patch does on a real API server.
     */
    @Test
    void aGatewayStatusWrittenBeforeItsRouteIsReplacedWhenTheRouteAttaches() throws Exception {
        try (GatewayApp app = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a")) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            within(Duration.ofSeconds(20), () -> cluster.status(Kind.GATEWAY, NS, "ai-gateway").path("listeners")
                    .path(0).has("attachedRoutes"));
            assertThat(cluster.status(Kind.GATEWAY, NS, "ai-gateway").path("listeners").path(0).path("attachedRoutes")
                    .asInt()).isZero();

            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            within(Duration.ofSeconds(20), () -> cluster.status(Kind.GATEWAY, NS, "ai-gateway").path("listeners")
                    .path(0).path("attachedRoutes").asInt() == 1);
            var gw = cluster.status(Kind.GATEWAY, NS, "ai-gateway");
            assertThat(gw.path("listeners").size()).as(gw.toString()).isEqualTo(1);
            assertThat(gw.path("conditions").size()).as(gw.toString()).isEqualTo(2);
            assertThat(condition(gw.path("conditions"), "Programmed").path("status").asText()).isEqualTo("True");
            assertThat(gw.path("listeners").path(0).path("conditions").size()).as(gw.toString()).isEqualTo(3);
        }
    }

    @Test
    void aRefusedStatusWriteIsRetriedUntilItLandsThoughNothingChanges() throws Exception {
        cluster.refuseStatusPatches = "/gateways/ai-gateway/";
        try (GatewayApp app = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a")) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            within(Duration.ofSeconds(20), () -> app.snapshot().ports().getOrDefault(port, new RouteTable(List.of()))
                    .entries().size() == 1);
            // The last compile's statuses: the others land, the Gateway's is refused.
            within(Duration.ofSeconds(20), () -> condition(cluster.status(Kind.BACKEND, NS, "google").path("conditions"),
                    "Accepted").path("status").asText().equals("True")
                    && condition(cluster.status(Kind.HTTP_ROUTE, NS, "google").path("parents").path(0).path("conditions"),
                    "ResolvedRefs").path("status").asText().equals("True"));
            int refused = cluster.refused.get();
            assertThat(refused).isPositive();
            assertThat(cluster.status(Kind.GATEWAY, NS, "ai-gateway").isMissingNode()).isTrue();

            // No resource changes from here on: only the writer's own retries reach the API server.
            within(Duration.ofSeconds(20), () -> cluster.refused.get() >= refused + 3);
            cluster.refuseStatusPatches = null;
            within(Duration.ofSeconds(20), () -> condition(cluster.status(Kind.GATEWAY, NS, "ai-gateway")
                    .path("conditions"), "Programmed").path("status").asText().equals("True")
                    && cluster.status(Kind.GATEWAY, NS, "ai-gateway").path("listeners").path(0).path("attachedRoutes")
                    .asInt() == 1);
            assertThat(app.statusWriter().orElseThrow().failedWrites()).isGreaterThanOrEqualTo(refused + 3);
        }
    }
}

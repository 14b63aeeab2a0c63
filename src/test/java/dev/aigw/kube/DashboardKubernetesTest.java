package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.cli.GatewayApp;
import dev.aigw.testing.FakeUpstream;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.aigw.kube.KubernetesModeTest.GEMINI_ANSWER;
import static dev.aigw.kube.KubernetesModeTest.within;
import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's overview in Kubernetes mode: whether the API server is reachable and who leads. */
class DashboardKubernetesTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private JsonNode kubernetes(GatewayApp app) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort()
                + "/api/overview")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).path("kubernetes");
    }

    @Test
    void theOverviewSaysWhetherTheApiServerIsReachableAndWhoLeads() throws Exception {
        try (MockCluster cluster = new MockCluster();
             FakeUpstream google = FakeUpstream.tls().respondWith(200, "application/json", GEMINI_ANSWER);
             TcpProxy proxy = new TcpProxy(cluster.server.getPort());
             GatewayApp app = KubernetesModeTest.start(MockCluster.clientConfig("127.0.0.1", proxy.port()), google,
                     "127.0.0.1", "replica-a")) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", MockCluster.freePort()));
            within(Duration.ofSeconds(10), () -> kubernetes(app).path("leader").asBoolean());
            JsonNode k = kubernetes(app);
            assertThat(k.path("synced").asBoolean()).isTrue();
            assertThat(k.path("apiReachable").asBoolean()).isTrue();
            assertThat(k.path("staleSince").isNull()).isTrue();
            assertThat(k.path("identity").asText()).isEqualTo("replica-a");
            assertThat(k.path("leaderIdentity").asText()).isEqualTo("replica-a");
            // A second replica says who leads: the Lease's holder.
            try (GatewayApp b = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.2", "replica-b")) {
                within(Duration.ofSeconds(10), () -> kubernetes(b).path("synced").asBoolean()
                        && "replica-a".equals(kubernetes(b).path("leaderIdentity").asText(null)));
                assertThat(kubernetes(b).path("leader").asBoolean()).isFalse();
                assertThat(kubernetes(b).path("identity").asText()).isEqualTo("replica-b");
            }

            proxy.cut();
            within(Duration.ofSeconds(10), () -> !kubernetes(app).path("apiReachable").asBoolean());
            assertThat(kubernetes(app).path("staleSince").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            proxy.restore();
            within(Duration.ofSeconds(15), () -> kubernetes(app).path("apiReachable").asBoolean());
        }
    }
}

package dev.aigw.kube;

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

import static dev.aigw.kube.KubernetesModeTest.GEMINI_ANSWER;
import static dev.aigw.kube.KubernetesModeTest.GEMINI_BODY;
import static dev.aigw.kube.KubernetesModeTest.NS;
import static dev.aigw.kube.KubernetesModeTest.within;
import static org.assertj.core.api.Assertions.assertThat;

/** The API server goes away and comes back; two replicas share one API server. */
class KubernetesResilienceTest {
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

    int gemini(String host) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/gemini"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    String readyz(GatewayApp app) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort()
                + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void losingTheApiServerNeverStopsTrafficAndTheConfigConverges() throws Exception {
        try (TcpProxy proxy = new TcpProxy(cluster.server.getPort());
             GatewayApp app = KubernetesModeTest.start(MockCluster.clientConfig("127.0.0.1", proxy.port()), google,
                     "127.0.0.1", "replica-a")) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            within(Duration.ofSeconds(5), () -> gemini("127.0.0.1") == 200);
            assertThat(readyz(app)).startsWith("200 ready").doesNotContain("stale");

            proxy.cut();
            within(Duration.ofSeconds(5), () -> readyz(app).contains("stale since"));
            assertThat(readyz(app)).startsWith("200 ready");
            // Meanwhile the operator rotates the key; the cut-off gateway cannot know yet.
            cluster.apply(KubernetesModeTest.secretData("google-secret", "Authorization", "key-during-outage"));
            List<Integer> during = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                during.add(gemini("127.0.0.1"));
                Thread.sleep(100);
            }
            assertThat(during).containsOnly(200);
            google.take();
            while (google.received() > 0) google.take();

            proxy.restore();
            within(Duration.ofSeconds(15), () -> !readyz(app).contains("stale"));
            within(Duration.ofSeconds(5), () -> {
                assertThat(gemini("127.0.0.1")).isEqualTo(200);
                return "key-during-outage".equals(google.take().headers().get("x-goog-api-key"));
            });
        }
    }

    @Test
    void twoReplicasBothServeAndOnlyTheLeaderWritesStatus() throws Exception {
        try (GatewayApp a = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.1", "replica-a");
             GatewayApp b = KubernetesModeTest.start(cluster.gatewayConfig(), google, "127.0.0.2", "replica-b")) {
            cluster.apply(MockCluster.gateway("ai-gateway", "kgateway", port));
            cluster.applySeed("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml");
            within(Duration.ofSeconds(5), () -> gemini("127.0.0.1") == 200 && gemini("127.0.0.2") == 200);
            within(Duration.ofSeconds(10), () -> !cluster.status(Kind.HTTP_ROUTE, NS, "google").path("parents").isEmpty());
            StatusWriter sa = a.statusWriter().orElseThrow();
            StatusWriter sb = b.statusWriter().orElseThrow();
            assertThat(sa.isLeader() ^ sb.isLeader()).as("exactly one leader").isTrue();
            StatusWriter leader = sa.isLeader() ? sa : sb;
            StatusWriter follower = sa.isLeader() ? sb : sa;
            assertThat(leader.writes()).isPositive();
            assertThat(follower.writes()).isZero();
            // One entry for our controller, not one per replica.
            assertThat(cluster.status(Kind.HTTP_ROUTE, NS, "google").path("parents")).hasSize(1);
        }
    }
}

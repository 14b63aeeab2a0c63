package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider of a mixed-format group dies under load and comes back: no client request fails,
 * the dead provider is ejected (few attempts reach it), and it takes its share again once
 * readmitted after the back-off, by itself.
 */
class OutlierEjectionLoadTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aDeadProviderIsEjectedAndReadmittedWithoutFailingAClient() throws Exception {
        int bPort;
        try (ServerSocket s = new ServerSocket(0)) {
            bPort = s.getLocalPort();
        }
        FakeUpstream b = anthropic(bPort);
        try (FakeUpstream a = FakeUpstream.plain().respondWith(200, "application/json", Fixtures.read("openai/chat-completion.json"));
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: pool}
                     spec:
                       type: AI
                       ai:
                         priorityGroups:
                         - providers:
                           - {name: a, openai: {authToken: {kind: Inline, inline: k}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}
                           - {name: b, anthropic: {authToken: {kind: Inline, inline: k}, model: claude}, host: 127.0.0.1, port: %d}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules: [{backendRefs: [{name: pool, group: gateway.kgateway.dev, kind: Backend}]}]
                     """.formatted(a.port(), bPort)).start()) {
            Map<String, AtomicInteger> first = load(gw, 1000);
            assertThat(first.keySet()).containsOnly("openai/a", "anthropic/b");
            assertThat(first.get("anthropic/b").get()).as("round-robin share %s", first).isBetween(350, 650);

            b.close();
            Map<String, AtomicInteger> down = load(gw, 1000);
            assertThat(down.keySet()).as("every request answered by a: %s", down).containsOnly("openai/a");
            double bFailures = failures(gw, "anthropic");
            // Without ejection b would take every other request (~500 failures). With 50 requests in
            // flight when it dies, up to ~50 of them may already be on their way to it.
            assertThat(bFailures).as("b is ejected after a few failures, not tried for every other request")
                    .isBetween(1.0, 75.0);

            String providers = gw.get(gw.adminUrl() + "/providers").body();
            assertThat(providers).as(providers).containsPattern("pool b \\(anthropic 127\\.0\\.0\\.1:\\d+\\): EJECTED")
                    .containsPattern("pool a \\(openai [^)]*\\): HEALTHY");

            b = anthropic(bPort);
            Thread.sleep(6_000); // the first ejection lasts 5 s; b is readmitted by the clock, not by a failing client
            Map<String, AtomicInteger> back = load(gw, 1000);
            assertThat(back.keySet()).as("no failures after restart: %s", back).containsOnly("openai/a", "anthropic/b");
            assertThat(back.get("anthropic/b").get()).as("b takes its share again: %s", back).isBetween(300, 700);
        } finally {
            b.close();
        }
    }

    private static FakeUpstream anthropic(int port) {
        return FakeUpstream.plain(port).respondWith(200, "application/json", Fixtures.read("anthropic/message.json"));
    }

    private static double failures(GatewayHarness gw, String provider) throws Exception {
        double sum = 0;
        for (String l : gw.get(gw.adminUrl() + "/metrics").body().split("\n")) {
            if (l.startsWith("aigw_upstream_failures_total{") && l.contains("provider=\"" + provider + "\"")) {
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Sends {@code n} requests, 50 in flight; counts answers by the provider that served, or the failure. */
    private static Map<String, AtomicInteger> load(GatewayHarness gw, int n) throws Exception {
        Map<String, AtomicInteger> out = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(50);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            all.add(gw.http().sendAsync(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        inFlight.release();
                        String k = e != null ? "error " + e : r.statusCode() != 200 ? r.statusCode() + " " + r.body()
                                : r.headers().firstValue("x-gateway-provider").orElse("?");
                        out.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return out;
    }
}

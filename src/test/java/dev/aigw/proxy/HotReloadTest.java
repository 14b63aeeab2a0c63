package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Config edits under load: valid ones switch routes with no failed request; invalid ones are refused. */
class HotReloadTest {

    private static String route(int port, String tag) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: up}
                spec:
                  type: AI
                  ai:
                    llm:
                      openai: {authToken: {kind: Inline, inline: k}}
                      host: 127.0.0.1
                      port: %d
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, labels: {tag: %s}}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules: [{matches: [{path: {type: PathPrefix, value: /chat}}], backendRefs: [{name: up, group: gateway.kgateway.dev, kind: Backend}]}]
                """.formatted(port, tag);
    }

    @Test
    void reloadsUnderLoadDropNothing() throws Exception {
        try (FakeUpstream a = slow("a"); FakeUpstream b = slow("b");
             GatewayHarness gw = GatewayHarness.builder().watch(Duration.ofMillis(100))
                     .file("gw.yaml", route(a.port(), "a")).start()) {
            Path file = gw.dir.resolve("gw.yaml");
            String url = gw.url() + "/chat/completions";
            Semaphore inFlight = new Semaphore(300);
            AtomicInteger started = new AtomicInteger();
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            long gen0 = gw.app().snapshot().generation();
            Thread editor = Thread.ofVirtual().start(() -> {
                try {
                    List<String> edits = List.of(route(b.port(), "b"), "kind: Backend\n  : broken [", route(a.port(), "a2"),
                            route(b.port(), "b2"));
                    for (String e : edits) {
                        Thread.sleep(400);
                        Files.writeString(file, e);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            List<CompletableFuture<?>> all = new java.util.ArrayList<>();
            while (System.nanoTime() < until || editor.isAlive()) {
                inFlight.acquire();
                started.incrementAndGet();
                all.add(gw.http().sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[]}")).build(),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    inFlight.release();
                    String k = e != null ? "error " + e : r.statusCode() == 200 ? "ok " + r.body() : r.statusCode() + " " + r.body();
                    outcomes.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(started.get()).isGreaterThan(300);
            assertThat(outcomes.keySet()).as("every request answered by an upstream: %s", outcomes)
                    .allMatch(k -> k.startsWith("ok "));
            assertThat(outcomes).containsKeys("ok a", "ok b");
            // Three valid edits were applied; the broken one was refused while the last good config served.
            assertThat(gw.app().snapshot().generation()).isEqualTo(gen0 + 3);
            assertThat(gw.app().snapshot().resources()).anyMatch(r -> r.body().path("metadata").path("labels")
                    .path("tag").asText().equals("b2"));
        }
    }

    private static FakeUpstream slow(String tag) {
        return FakeUpstream.plain().respond((r, req) -> req.response().headers().set("content-type", "text/plain"))
                .respond((r, req) -> io.vertx.core.Vertx.currentContext().owner().setTimer(20,
                        t -> req.response().end(tag)));
    }
}

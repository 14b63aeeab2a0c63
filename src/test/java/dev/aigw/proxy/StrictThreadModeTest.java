package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.telemetry.ExchangeObserver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listeners run in Vert.x's strict thread mode (GatewayServer), in which a response is written
 * straight to its channel and must be written on its event loop; the gateway's one writer,
 * ClientResponse, hands a call from elsewhere to the loop.
 */
class StrictThreadModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static int port;
    private static final CompletableFuture<String> writer = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)).requestHandler(req -> {
            // The observer sees the first body byte on the thread that writes it.
            ExchangeObserver obs = new ExchangeObserver() {
                @Override
                public void firstChunk() {
                    writer.complete(Thread.currentThread().getName());
                }
            };
            ClientResponse out = new ClientResponse(req, obs, vertx, "t");
            new Thread(() -> {
                out.headers().set("x-from", "another thread");
                out.json(200, JSON.createObjectNode().put("answer", 42));
            }, "not-an-event-loop").start();
        });
        port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void anAnswerGivenOnAnotherThreadStillReachesTheClient() throws Exception {
        HttpResponse<String> r = get("/through-the-writer");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-from")).hasValue("another thread");
        assertThat(JSON.readTree(r.body()).path("answer").asInt()).isEqualTo(42);
        assertThat(writer.get(10, TimeUnit.SECONDS)).as("the thread that wrote the answer").startsWith("vert.x-eventloop-thread");
    }
}

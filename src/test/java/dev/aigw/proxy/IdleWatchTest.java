package dev.aigw.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The upstream idle limit through {@link IdleWatch}, against a real HTTP server that goes quiet. */
class IdleWatchTest {
    private static final long IDLE_MS = 800;
    private final java.util.concurrent.atomic.AtomicLong lastWrite = new java.util.concurrent.atomic.AtomicLong();

    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            switch (req.path()) {
                case "/quick" -> req.response().end("ok");
                // A chunk every 100 ms for 3 s (longer than the grace, a sweep and the limit), then silence.
                case "/trickle-then-silence" -> {
                    req.response().setChunked(true).write("first");
                    lastWrite.set(System.nanoTime());
                    long[] sent = {0};
                    vertx.setPeriodic(100, id -> {
                        if (++sent[0] >= 30) {
                            vertx.cancelTimer(id);
                        } else {
                            req.response().write("x");
                            lastWrite.set(System.nanoTime());
                        }
                    });
                }
                default -> { } // never answers
            }
        }).listen(0, "127.0.0.1").await();
        port = server.actualPort();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    /** Runs {@code call} on one event loop with a watch of that loop; completes with what the response came to. */
    private <T> CompletableFuture<T> onLoop(String path, Function<HttpClientResponse, Future<T>> read, IdleWatch[] watchOut) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> {
            HttpClient client = vertx.createHttpClient();
            IdleWatch watch = new IdleWatch(((ContextInternal) ctx).nettyEventLoop(), IDLE_MS);
            watchOut[0] = watch;
            client.request(HttpMethod.GET, port, "127.0.0.1", path).onSuccess(req -> {
                watch.watch(req);
                req.send().compose(read).onComplete(ar -> {
                    if (ar.succeeded()) out.complete(ar.result());
                    else out.completeExceptionally(ar.cause());
                });
            }).onFailure(out::completeExceptionally);
        });
        return out;
    }

    @Test
    void anUpstreamThatNeverAnswersIsCutWithATimeoutOnceTheGraceIsOver() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<Buffer> r = onLoop("/silent", HttpClientResponse::body, new IdleWatch[1]);
        Throwable cause = r.handle((b, e) -> e).get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(cause).isInstanceOf(TimeoutException.class);
        assertThat(UpstreamFailure.classify("backend x", cause).kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        // Never earlier than the limit; at most the grace and one sweep later.
        assertThat(ms).isGreaterThanOrEqualTo(IDLE_MS)
                .isLessThan(IDLE_MS + IdleWatch.GRACE_MS + IdleWatch.SWEEP_MS + 3_000);
    }

    @Test
    void aStreamIsNotCutWhileBytesComeButIsOnceTheyStop() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<Buffer> r = onLoop("/trickle-then-silence", HttpClientResponse::body, new IdleWatch[1]);
        Throwable cause = r.handle((b, e) -> e).get(15, TimeUnit.SECONDS);
        long cut = System.nanoTime();
        assertThat(cause).isInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(cut - t0)).as("the chunks (3 s of them) kept it alive")
                .isGreaterThanOrEqualTo(2_900);
        // Once the bytes stop, Vert.x's own idle timeout (rescheduled from the last chunk) cuts it.
        assertThat(TimeUnit.NANOSECONDS.toMillis(cut - lastWrite.get())).as("cut once the chunks stopped")
                .isPositive().isLessThan(IDLE_MS + 3_000);
    }

    @Test
    void aQuickExchangeLeavesNothingWatched() throws Exception {
        IdleWatch[] watch = new IdleWatch[1];
        assertThat(onLoop("/quick", resp -> resp.body().map(Buffer::toString), watch).get(10, TimeUnit.SECONDS))
                .isEqualTo("ok");
        CompletableFuture<Integer> left = new CompletableFuture<>();
        watch[0].loop.execute(() -> left.complete(watch[0].watching()));
        // The response's end unlinked it at once: the sweep had nothing to hand to Vert.x.
        assertThat(left.get(5, TimeUnit.SECONDS)).isZero();
    }
}

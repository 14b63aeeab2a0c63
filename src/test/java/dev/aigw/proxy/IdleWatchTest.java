package dev.aigw.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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
                // A stream longer than the grace and a sweep (so it is handed over), then its end.
                case "/trickle-then-end" -> {
                    req.response().setChunked(true).write("first");
                    long[] sent = {0};
                    vertx.setPeriodic(100, id -> {
                        if (++sent[0] >= 25) {
                            vertx.cancelTimer(id);
                            req.response().end("last");
                        } else {
                            req.response().write("x");
                        }
                    });
                }
                // Headers only after the grace and a sweep (a model thinking), one chunk, then silence.
                case "/late-then-silence" -> vertx.setTimer(IdleWatch.GRACE_MS + IdleWatch.SWEEP_MS + 500,
                        id -> req.response().setChunked(true).write("first"));
                // Headers and a chunk at once, then silence: no sweep has handed the request over yet.
                case "/head-then-silence" -> req.response().setChunked(true).write("first");
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
        return onLoop(path, read, watchOut, IDLE_MS);
    }

    private <T> CompletableFuture<T> onLoop(String path, Function<HttpClientResponse, Future<T>> read, IdleWatch[] watchOut,
                                            long idleMs) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> {
            HttpClient client = vertx.createHttpClient();
            IdleWatch watch = new IdleWatch(((ContextInternal) ctx).nettyEventLoop(), idleMs);
            watchOut[0] = watch;
            client.request(HttpMethod.GET, port, "127.0.0.1", path).onSuccess(req -> {
                watch.watch(req, req.end());
                req.response().compose(read).onComplete(ar -> {
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
    void aResponseWhoseHeadersCameAfterTheHandOverIsStillCutWhenItsBodyStalls() throws Exception {
        long t0 = System.nanoTime();
        // A limit longer than the wait for the headers after the hand-over: they come in time.
        long idle = 3_000;
        CompletableFuture<Buffer> r = onLoop("/late-then-silence", HttpClientResponse::body, new IdleWatch[1], idle);
        Throwable cause = r.handle((b, e) -> e).get(20, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("after the headers and the limit")
                .isGreaterThanOrEqualTo(IdleWatch.GRACE_MS + IdleWatch.SWEEP_MS + 500 + idle);
    }

    @Test
    void aStreamThatStallsAfterItsFirstChunkIsCut() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<Buffer> r = onLoop("/head-then-silence", HttpClientResponse::body, new IdleWatch[1]);
        Throwable cause = r.handle((b, e) -> e).get(15, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(IDLE_MS)
                .isLessThan(IDLE_MS + IdleWatch.GRACE_MS + IdleWatch.SWEEP_MS + 3_000);
    }

    @Test
    void aLongExchangeThatEndedIsNotHeldByItsIdleLimitAndItsConnectionServesTheNext() throws Exception {
        // A limit far longer than the test: were its timer left armed past the end, it would hold the request.
        AtomicReference<WeakReference<HttpClientRequest>> request = new AtomicReference<>();
        AtomicReference<HttpClient> client = new AtomicReference<>();
        CompletableFuture<String> r = new CompletableFuture<>();
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> {
            IdleWatch watch = new IdleWatch(((ContextInternal) ctx).nettyEventLoop(), 60_000);
            client.set(vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1)));
            client.get().request(HttpMethod.GET, port, "127.0.0.1", "/trickle-then-end").onSuccess(req -> {
                request.set(new WeakReference<>(req));
                watch.watch(req, req.end());
                req.response().compose(HttpClientResponse::body).onComplete(ar -> {
                    if (ar.succeeded()) r.complete(ar.result().toString());
                    else r.completeExceptionally(ar.cause());
                });
            });
        });
        assertThat(r.get(15, TimeUnit.SECONDS)).startsWith("first").endsWith("last");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (request.get().get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(request.get().get()).as("the ended request, collectable").isNull();
        // What replaced its timer did nothing to the connection: the next request has it (one in the pool).
        CompletableFuture<String> next = new CompletableFuture<>();
        ctx.runOnContext(v -> client.get().request(HttpMethod.GET, port, "127.0.0.1", "/quick")
                .compose(req -> req.send().compose(HttpClientResponse::body))
                .onComplete(ar -> {
                    if (ar.succeeded()) next.complete(ar.result().toString());
                    else next.completeExceptionally(ar.cause());
                }));
        assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
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

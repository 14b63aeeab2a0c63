package dev.aigw.policy;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** A guard's call is bounded by one timer over the whole exchange, the wait for a connection included. */
class GuardCallsTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionThatIsNeverObtainedTimesOutWithinTheCallsBound() throws Exception {
        // A pool that never hands out a connection (a full pool, a connect that hangs).
        GuardCalls calls = new GuardCalls(vertx, (ro, tls) -> Promise.<HttpClientRequest>promise().future());
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        long start = System.nanoTime();
        vertx.runOnContext(v -> calls.post(false, new RequestOptions().setHost("127.0.0.1").setPort(9).setURI("/x"),
                Buffer.buffer("{}"), 300).onComplete(ar -> failed.complete(ar.cause())));
        Throwable cause = failed.get(5, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(TimeoutException.class);
        assertThat(GuardCalls.describe(cause, 300)).isEqualTo("no answer within 300 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
    }
}

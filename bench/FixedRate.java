import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small open-loop HTTP load generator for the benchmark (Debian has no wrk2). Run from the
 * repo root, after the jar is built:
 *
 * <pre>
 * java -cp target/ai-gateway.jar bench/FixedRate.java URL BODY_FILE RATE SECONDS [WARMUP_SECONDS] [CONNECTIONS]
 * </pre>
 *
 * RATE &gt; 0: open loop. Request i is due at start + i/RATE, whatever happened to earlier ones;
 * its latency is measured from that due time, not from when it was actually sent, so a stall
 * (in the server or here) shows up in the latencies of every request it delayed instead of
 * silently lowering the request rate ("coordinated omission", as wrk2 corrects it). Requests
 * that cannot get a connection wait in the client's queue, and that wait counts too.
 *
 * RATE = 0: closed loop at concurrency 1: one request at a time, the next sent when the
 * previous one's response has been read completely (latency = send to last byte).
 *
 * Requests sent during the warm-up are not counted. Every request is a POST of BODY_FILE with
 * {@code content-type: application/json}; any status other than 200 is an error. The last line
 * of output is {@code RESULT key=value ...} with latencies in microseconds.
 */
public class FixedRate {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FixedRate URL BODY_FILE RATE SECONDS [WARMUP_SECONDS] [CONNECTIONS]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
        int rate = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 2;
        int connections = args.length > 5 ? Integer.parseInt(args[5]) : 64;

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true).setTcpNoDelay(true).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(rate == 0 ? 1 : connections).setMaxWaitQueueSize(-1));
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
                .setPort(url.getPort()).setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                .putHeader("content-type", "application/json")
                .putHeader("authorization", "Bearer bench-token");
        Context ctx = vertx.getOrCreateContext();
        Result r = rate > 0 ? openLoop(ctx, client, ro, body, rate, seconds, warmup)
                : closedLoop(ctx, client, ro, body, seconds, warmup);
        client.close();
        vertx.close().await();
        r.print();
        System.exit(0);
    }

    /** Sends one request; calls back with the status (or -1) when the whole response is read. */
    private static void send(HttpClientAgent client, RequestOptions ro, Buffer body, java.util.function.IntConsumer done) {
        client.request(ro)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> done.accept(ar.succeeded() ? ar.result() : -1));
    }

    private static Result openLoop(Context ctx, HttpClientAgent client, RequestOptions ro, Buffer body, int rate,
                                   double seconds, double warmup) throws InterruptedException {
        int skip = (int) Math.round(warmup * rate);
        int total = skip + (int) Math.round(seconds * rate);
        long interval = 1_000_000_000L / rate;
        long[] lat = new long[total];      // from the due time (corrected for coordinated omission)
        long[] service = new long[total];  // from the actual send (what a closed-loop tool would report)
        Arrays.fill(lat, -1);
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(total);
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                // parkNanos overshoots by ~0.1 ms (more in a VM): park until shortly before, then spin
                if (wait > 300_000) LockSupport.parkNanos(wait - 250_000);
                else Thread.onSpinWait();
            }
            int idx = i;
            long sent = System.nanoTime();
            ctx.runOnContext(v -> send(client, ro, body, status -> {
                long end = System.nanoTime();
                if (status == 200) {
                    lat[idx] = end - due;
                    service[idx] = end - sent;
                }
                else if (idx >= skip) errors.incrementAndGet();
                finished.countDown();
            }));
        }
        long sentAt = System.nanoTime();
        boolean all = finished.await(10, TimeUnit.SECONDS);
        long[] measured = Arrays.stream(lat, skip, total).filter(x -> x >= 0).toArray();
        long[] svc = Arrays.stream(service, skip, total).filter(x -> x > 0).toArray();
        Arrays.sort(svc);
        System.out.printf(Locale.ROOT, "uncorrected (from actual send, us): p50 %d  p90 %d  p99 %d  max %d%n",
                Result.p(svc, .5), Result.p(svc, .9), Result.p(svc, .99), svc.length == 0 ? 0 : svc[svc.length - 1] / 1000);
        int missing = all ? 0 : (total - skip) - measured.length - errors.get();
        double late = (sentAt - (start + (total - 1) * interval)) / 1e6;
        if (late > 5) System.out.printf(Locale.ROOT, "note: the sender finished %.1f ms behind schedule%n", late);
        return new Result("open-loop", rate, total - skip, measured, errors.get() + Math.max(0, missing), seconds);
    }

    private static Result closedLoop(Context ctx, HttpClientAgent client, RequestOptions ro, Buffer body,
                                     double seconds, double warmup) throws InterruptedException {
        long t0 = System.nanoTime();
        long measureFrom = t0 + (long) (warmup * 1e9);
        long until = measureFrom + (long) (seconds * 1e9);
        long[][] lat = {new long[1 << 16]};
        int[] n = {0};
        int[] errors = {0};
        CountDownLatch done = new CountDownLatch(1);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            long s = System.nanoTime();
            if (s >= until) {
                done.countDown();
                return;
            }
            send(client, ro, body, status -> {
                long e = System.nanoTime();
                if (s >= measureFrom) {
                    if (status != 200) errors[0]++;
                    else {
                        if (n[0] == lat[0].length) lat[0] = Arrays.copyOf(lat[0], n[0] * 2);
                        lat[0][n[0]++] = e - s;
                    }
                }
                next[0].run();
            });
        };
        ctx.runOnContext(v -> next[0].run());
        if (!done.await((long) (warmup + seconds + 30), TimeUnit.SECONDS)) errors[0]++;
        return new Result("sequential", 0, n[0] + errors[0], Arrays.copyOf(lat[0], n[0]), errors[0], seconds);
    }

    record Result(String mode, int rate, int sent, long[] latNanos, int errors, double seconds) {
        void print() {
            long[] a = latNanos.clone();
            Arrays.sort(a);
            double mean = a.length == 0 ? 0 : Arrays.stream(a).average().orElse(0) / 1000.0;
            System.out.printf(Locale.ROOT, "%s: %d requests measured in %.1f s (%.0f req/s), %d errors%n",
                    mode, sent, seconds, sent / seconds, errors);
            System.out.printf(Locale.ROOT, "latency (us): mean %.0f  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                    mean, p(a, .50), p(a, .90), p(a, .99), p(a, .999), a.length == 0 ? 0 : a[a.length - 1] / 1000);
            System.out.printf(Locale.ROOT,
                    "RESULT mode=%s rate=%d sent=%d ok=%d errors=%d rps=%.1f mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d%n",
                    mode, rate, sent, a.length, errors, sent / seconds, mean, p(a, .50), p(a, .90), p(a, .99), p(a, .999),
                    a.length == 0 ? 0 : a[a.length - 1] / 1000);
        }

        static long p(long[] sorted, double q) {
            if (sorted.length == 0) return 0;
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
        }
    }
}

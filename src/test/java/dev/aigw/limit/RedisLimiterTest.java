package dev.aigw.limit;

import dev.aigw.cel.CelExpression;
import dev.aigw.testing.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Global limits in a real redis-server, shared by two limiters with separate clients (two replicas). */
class RedisLimiterTest {
    RedisServer redis;
    Vertx a, b;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        a = Vertx.vertx();
        b = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        a.close().await();
        b.close().await();
        redis.close();
    }

    static Descriptor requests(long n) {
        return new Descriptor("", List.of(new Descriptor.Entry("user", CelExpression.compile("request.headers['x-user-id']"))),
                false, Optional.empty(), Optional.of(new Descriptor.Limit(LimitUnit.HOUR, n)));
    }

    static Descriptor budget(long micros) {
        return new Descriptor("team-budget", List.of(new Descriptor.Entry("team", CelExpression.compile("apiKey.team"))),
                false, Optional.of(CelExpression.compile("uint(llm.cost.total * 1000000.0)")), Optional.of(new Descriptor.Limit(LimitUnit.DAY, micros)));
    }

    RedisLimiter limiter(Vertx v, FailureMode mode, SimpleMeterRegistry reg) {
        // Generous for a loaded 2-core CI box: 600 checks arrive at once on a cold pool.
        return new RedisLimiter(v, redis.url(), null, "test", Duration.ofSeconds(2), mode, Clock.systemUTC(), reg);
    }

    static Map<String, Object> vars(String user) {
        return Map.of("request", Map.of("headers", Map.of("x-user-id", user)), "apiKey", Map.of("team", "ml"),
                "jwt", Map.of(), "llm", Map.of(), "basicAuth", Map.of(), "source", Map.of(), "response", Map.of());
    }

    @Test
    void requestLimitAdmitsExactlyNAcrossTwoReplicas() throws Exception {
        RouteLimits ra = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(a, FailureMode.FAIL_CLOSED, null), List.of(requests(150)))), Clock.systemUTC());
        RouteLimits rb = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(b, FailureMode.FAIL_CLOSED, null), List.of(requests(150)))), Clock.systemUTC());
        List<Future<Admission>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(ra.admit(vars("u1")));
            all.add(rb.admit(vars("u1")));
        }
        Future.all(all).await(20, TimeUnit.SECONDS);
        long admitted = all.stream().filter(f -> f.result().allowed()).count();
        assertThat(admitted).isEqualTo(150);
        assertThat(all.stream().filter(f -> !f.result().allowed()).allMatch(f -> f.result().status() == 429
                && f.result().headers().containsKey("retry-after"))).isTrue();
        // Another user has a counter of its own.
        assertThat(ra.admit(vars("u2")).await(5, TimeUnit.SECONDS).allowed()).isTrue();
        // Entry values are never stored in clear.
        assertThat(redis.command("KEYS *")).doesNotContain("u1").contains("aigw:rl:test:rH:");
    }

    @Test
    void budgetIsChargedAfterTheResponseAndRefusesWithWhichAndWhen() throws Exception {
        RouteLimits rl = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(a, FailureMode.FAIL_CLOSED, null),
                List.of(budget(100_000)))), Clock.systemUTC());   // $0.10
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            Admission ad = rl.admit(vars("u")).await(5, TimeUnit.SECONDS);
            if (!ad.allowed()) {
                assertThat(ad.status()).isEqualTo(429);
                assertThat(ad.message()).startsWith("budget exceeded: team-budget (100000 micro-USD ($0.1) per day); resets at ")
                        .endsWith("T00:00:00Z");
                break;
            }
            admitted++;
            Map<String, Object> after = new java.util.HashMap<>(vars("u"));
            after.put("llm", Map.of("cost", Map.of("total", 0.03), "totalTokens", 10L));
            ad.settle(after);
            Thread.sleep(20);   // settle is asynchronous
        }
        assertThat(admitted).isEqualTo(4);   // 0, 0.03, 0.06, 0.09 are under $0.10; 0.12 is not
    }

    @Test
    void redisDownFollowsTheFailureModeAndCountingResumes() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        RedisLimiter open = limiter(a, FailureMode.FAIL_OPEN, reg);
        RedisLimiter closed = limiter(b, FailureMode.FAIL_CLOSED, reg);
        RouteLimits ro = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(open, List.of(requests(1000)))), Clock.systemUTC());
        RouteLimits rc = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(closed, List.of(requests(1000)))), Clock.systemUTC());
        assertThat(ro.admit(vars("u")).await(5, TimeUnit.SECONDS).allowed()).isTrue();
        redis.kill();
        long t0 = System.nanoTime();
        assertThat(ro.admit(vars("u")).await(5, TimeUnit.SECONDS).allowed()).isTrue();
        Admission refused = rc.admit(vars("u")).await(5, TimeUnit.SECONDS);
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.message()).isEqualTo("rate limit service unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(reg.get("aigw_ratelimit_backend_errors_total").tag("failure_mode", "FailClosed").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(reg.get("aigw_ratelimit_backend_errors_total").tag("failure_mode", "FailOpen").counter().count()).isGreaterThanOrEqualTo(1);
        redis.restart();
        // The pool reconnects; the script cache is empty (NOSCRIPT → EVAL).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Admission back;
        do {
            back = rc.admit(vars("u")).await(5, TimeUnit.SECONDS);
        } while (!back.allowed() && System.nanoTime() < deadline);
        assertThat(back.allowed()).isTrue();
        assertThat(back.headers()).containsEntry("x-ratelimit-limit", "1000");
        assertThat(Long.parseLong(back.headers().get("x-ratelimit-remaining"))).isLessThan(1000);
    }

    @Test
    void concurrentChecksAcrossAKillAllComplete() throws Exception {
        RouteLimits rl = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(a, FailureMode.FAIL_CLOSED, null),
                List.of(requests(1_000_000)))), Clock.systemUTC());
        List<Future<Admission>> all = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 20; i++) all.add(a.getOrCreateContext() == null ? null : rl.admit(vars("u")));
            if (round == 10) redis.kill();
            if (round == 20) redis.restart();
            Thread.sleep(50);
        }
        Future.join(all).await(30, TimeUnit.SECONDS);
        assertThat(all).allMatch(Future::isComplete);
    }
}

package dev.aigw.limit;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LocalBucketTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void requestsBucketHoldsAmountPlusBurstAndRefills() {
        LocalBucket b = new LocalBucket(new LocalBucket.Spec(2, Duration.ofSeconds(1), 1, false), now::get);
        assertThat(b.acquire().allowed()).isTrue();
        assertThat(b.acquire().allowed()).isTrue();
        LocalBucket.Decision third = b.acquire();
        assertThat(third.allowed()).isTrue();
        assertThat(third.remaining()).isZero();
        LocalBucket.Decision refused = b.acquire();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.resetNanos()).isEqualTo(500_000_000L);     // one request per 500 ms
        now.addAndGet(500_000_000L);
        assertThat(b.acquire().allowed()).isTrue();
        assertThat(b.acquire().allowed()).isFalse();
    }

    @Test
    void tokensAreChargedAfterTheResponseAndTheCrossingRequestCompletes() {
        LocalBucket b = new LocalBucket(new LocalBucket.Spec(100, Duration.ofMinutes(1), 0, true), now::get);
        assertThat(b.acquire().allowed()).isTrue();
        b.charge(60);
        assertThat(b.acquire().allowed()).isTrue();    // 40 left: admitted
        b.charge(60);                                   // crosses: -20
        LocalBucket.Decision d = b.acquire();
        assertThat(d.allowed()).isFalse();
        // 20 tokens of debt plus a bit, at 100 per minute: just over 12 s.
        assertThat(Duration.ofNanos(d.resetNanos())).isBetween(Duration.ofSeconds(12), Duration.ofMillis(12_001));
        now.addAndGet(Duration.ofSeconds(13).toNanos());
        assertThat(b.acquire().allowed()).isTrue();
    }

    @Test
    void routeLimitsAnswer429WithHeaders() throws Exception {
        LocalBuckets buckets = new LocalBuckets(now::get);
        RouteLimits rl = new RouteLimits(List.of(buckets.bucket("r1", 0, new LocalBucket.Spec(1, Duration.ofMinutes(1), 0, false))),
                Optional.empty(), Clock.systemUTC());
        Admission a = rl.admit(Map.of()).await(1, TimeUnit.SECONDS);
        assertThat(a.allowed()).isTrue();
        assertThat(a.headers()).containsEntry("x-ratelimit-limit", "1").containsEntry("x-ratelimit-remaining", "0");
        Admission r = rl.admit(Map.of()).await(1, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.message()).isEqualTo("rate limit exceeded");
        assertThat(r.headers()).containsEntry("retry-after", "60").containsEntry("x-ratelimit-remaining", "0");
        // The same rule and spec in the next snapshot keeps its bucket; a changed spec gets a new one.
        assertThat(buckets.bucket("r1", 0, new LocalBucket.Spec(1, Duration.ofMinutes(1), 0, false)).acquire().allowed()).isFalse();
        assertThat(buckets.bucket("r1", 0, new LocalBucket.Spec(2, Duration.ofMinutes(1), 0, false)).acquire().allowed()).isTrue();
    }
}

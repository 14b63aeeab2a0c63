package dev.aigw.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.translate.Usage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficRingTest {
    private final AtomicLong wall = new AtomicLong(1_000_000_000_000L);
    private final AtomicLong nanos = new AtomicLong(0);
    private final TrafficRing ring = new TrafficRing(() -> Set.of("gpt-4o"), wall::get, nanos::get);
    private int ids;

    /** A request of {@code ms} that streams its first chunk after {@code ttftMs} (negative: not streamed). */
    private void request(String route, String model, int status, long ms, long ttftMs, long in, long out) {
        long start = nanos.get();
        ExchangeObserver o = ring.begin(new RequestInfo("r" + ids++, Instant.ofEpochMilli(wall.get()), start, "POST",
                "/v1/chat/completions", "127.0.0.1", null, null));
        o.routed(route, "default/pool");
        o.attemptStarted("openai", "a", model, "127.0.0.1:1");
        o.responseHeaders(status);
        if (ttftMs >= 0) {
            nanos.set(start + ttftMs * 1_000_000);
            o.firstChunk();
        }
        nanos.set(start + ms * 1_000_000);
        o.usage(Usage.of(in, out, 0, 0, 0), model, "stop", false);
        o.finished(status, ttftMs >= 0, 10);
    }

    @Test
    void pointsPerStepWithRatesTokensAndLatencyPercentiles() {
        for (int i = 0; i < 99; i++) request("r1", "gpt-4o", 200, 10, -1, 100, 20);
        request("r1", "gpt-4o", 502, 1000, -1, 0, 0);
        wall.addAndGet(5_000);
        for (int i = 0; i < 10; i++) request("r2", "gpt-4o", 200, 100, 40, 10, 5);

        JsonNode t = ring.traffic(5, null, null);
        assertThat(t.path("stepSeconds").asDouble()).isEqualTo(5.0);
        assertThat(t.path("points")).hasSize(60);
        JsonNode older = t.path("points").get(58);
        JsonNode last = t.path("points").get(59);
        assertThat(older.path("requests").asLong()).isEqualTo(100);
        assertThat(older.path("rps").asDouble()).isEqualTo(20.0);
        assertThat(older.path("errors").asLong()).isEqualTo(1);
        assertThat(older.path("byStatus").path("502").asLong()).isEqualTo(1);
        assertThat(older.path("tokensInPerSec").asDouble()).isEqualTo(99 * 100 / 5.0);
        // log-scale buckets a factor √2 apart: 10 ms reads as (8, 11.3], 1000 ms as (724, 1024]
        assertThat(older.path("p50Ms").asDouble()).isBetween(10.0, 11.32);
        assertThat(older.path("p99Ms").asDouble()).isBetween(10.0, 11.32);
        assertThat(older.path("ttftP50Ms").isNull()).as("not streamed: no first token").isTrue();
        assertThat(last.path("requests").asLong()).isEqualTo(10);
        assertThat(last.path("ttftP50Ms").asDouble()).isBetween(40.0, 45.26);
        assertThat(t.path("points").get(0).path("requests").asLong()).isZero();
        assertThat(t.path("points").get(0).path("p50Ms").isNull()).isTrue();
        assertThat(t.path("total").path("requests").asLong()).isEqualTo(110);
        assertThat(t.path("total").path("p99Ms").asDouble()).isBetween(100.0, 1024.0);
    }

    @Test
    void groupsByRouteAndOneKeysPoints() {
        request("r1", "gpt-4o", 200, 10, -1, 1, 1);
        request("r2", "gpt-4o", 200, 10, -1, 1, 1);
        request("r2", "gpt-4o", 500, 10, -1, 0, 0);
        JsonNode t = ring.traffic(15, "route", "r2");
        assertThat(t.path("stepSeconds").asDouble()).isEqualTo(15.0);
        assertThat(t.path("points").get(59).path("requests").asLong()).isEqualTo(2);
        assertThat(t.path("groups")).hasSize(2);
        assertThat(t.path("groups").get(1).path("key").asText()).isEqualTo("r2");
        assertThat(t.path("groups").get(1).path("errors").asLong()).isEqualTo(1);
    }

    @Test
    void modelsTheConfigDoesNotKnowAreOther() {
        request("r1", "gpt-4o", 200, 10, -1, 1, 1);
        request("r1", "made-up-model-1", 200, 10, -1, 1, 1);
        request("r1", "made-up-model-2", 200, 10, -1, 1, 1);
        JsonNode t = ring.traffic(5, "model", null);
        assertThat(t.path("groups").findValuesAsText("key")).containsExactly("gpt-4o", "other");
        // The recent list keeps what was asked for (bounded), like the access log.
        assertThat(ring.recent(10, null, null, null, "made-up-model-1", null).path("requests")).hasSize(1);
    }

    @Test
    void keysPerSlotAreBounded() {
        for (int i = 0; i < TrafficRing.MAX_KEYS + 50; i++) request("route-" + i, "gpt-4o", 200, 1, -1, 1, 1);
        JsonNode t = ring.traffic(5, "route", null);
        assertThat(t.path("groups")).hasSize(TrafficRing.MAX_KEYS + 1);
        assertThat(t.path("groups").findValuesAsText("key")).contains("other");
        assertThat(t.path("total").path("requests").asLong()).isEqualTo(TrafficRing.MAX_KEYS + 50);
    }

    @Test
    void oldSlotsAgeOutOfTheWindowAndTheRing() {
        request("r1", "gpt-4o", 200, 10, -1, 1, 1);
        wall.addAndGet(6 * 60_000);
        assertThat(ring.traffic(5, null, null).path("total").path("requests").asLong()).isZero();
        assertThat(ring.traffic(15, null, null).path("total").path("requests").asLong()).isEqualTo(1);
        wall.addAndGet(60 * 60_000);
        request("r1", "gpt-4o", 200, 10, -1, 1, 1);
        // The first request is over an hour old: only the new one counts.
        assertThat(ring.traffic(60, null, null).path("total").path("requests").asLong()).isEqualTo(1);
    }

    @Test
    void recentIsNewestFirstFilteredAndBounded() {
        for (int i = 0; i < TrafficRing.RECENT + 20; i++) request(i % 2 == 0 ? "r1" : "r2", "gpt-4o", i % 10 == 0 ? 429 : 200, 5, -1, 1, 1);
        JsonNode all = ring.recent(10_000, null, null, null, null, null).path("requests");
        assertThat(all).hasSize(TrafficRing.RECENT);
        assertThat(all.get(0).path("requestId").asText()).isEqualTo("r" + (TrafficRing.RECENT + 19));
        JsonNode limited = ring.recent(3, "4xx", "r1", "openai/a", null, null).path("requests");
        assertThat(limited).hasSize(3).allSatisfy(n -> {
            assertThat(n.path("status").asInt()).isEqualTo(429);
            assertThat(n.path("route").asText()).isEqualTo("r1");
        });
        assertThat(ring.recent(10, null, null, null, null, "r123").path("requests")).hasSize(1);
        assertThat(all.get(0).has("prompt")).as("no prompt unless prompt logging reported one").isFalse();
    }

    @Test
    void promptsAppearOnlyWhenTheProxyReportsThem() {
        ExchangeObserver o = ring.begin(new RequestInfo("p1", Instant.now(), nanos.get(), "POST", "/v1/messages",
                null, null, null));
        o.content("what is 2+2", "4");
        o.finished(200, false, 1);
        JsonNode n = ring.recent(1, null, null, null, null, null).path("requests").get(0);
        assertThat(n.path("prompt").asText()).isEqualTo("what is 2+2");
        assertThat(n.path("completion").asText()).isEqualTo("4");
    }

    @Test
    void bucketsAreLogScale() {
        assertThat(TrafficRing.bucket(0.2)).isZero();
        assertThat(TrafficRing.bucket(1.0)).isZero();
        assertThat(TrafficRing.bucket(2.0)).isEqualTo(2);
        assertThat(TrafficRing.upper(TrafficRing.bucket(300))).isBetween(300.0, 300 * Math.sqrt(2));
        assertThat(TrafficRing.bucket(1e9)).isEqualTo(39);
    }

    @Test
    void statusCountsAddUpAndReadInOrderOfCode() {
        TrafficRing.StatusCounts a = new TrafficRing.StatusCounts();
        for (int s : new int[] {502, 200, 200, 404, 200, 429, 500, 201, 503, 200}) a.add(s, 1);
        TrafficRing.StatusCounts b = new TrafficRing.StatusCounts();
        b.add(404, 2);
        b.add(100, 1);
        b.addAll(a);
        StringBuilder seen = new StringBuilder();
        b.forEachSorted((code, n) -> seen.append(code).append('=').append(n).append(' '));
        assertThat(seen.toString()).isEqualTo("100=1 200=4 201=1 404=3 429=1 500=1 502=1 503=1 ");
    }
}

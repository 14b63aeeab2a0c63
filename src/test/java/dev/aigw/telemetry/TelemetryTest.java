package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The composite the gateway builds its telemetry with: fan-out, containment, no calls to parts that do not observe. */
class TelemetryTest {
    private static final RequestInfo INFO = new RequestInfo("r1", Instant.EPOCH, 0, "POST", "/v1/chat/completions",
            "127.0.0.1", null, h -> null);

    @Test
    void everyObservingPartHearsEveryCallAndAFailingOneIsContained() {
        List<String> heard = new ArrayList<>();
        Telemetry recording = info -> new ExchangeObserver() {
            @Override
            public void routed(String route, String backend) {
                heard.add("routed " + route);
            }

            @Override
            public void finished(int status, boolean streamed, long bytesOut) {
                heard.add("finished " + status);
            }
        };
        Telemetry failing = info -> new ExchangeObserver() {
            @Override
            public void routed(String route, String backend) {
                throw new IllegalStateException("a broken sink");
            }
        };
        Telemetry failingAtBegin = info -> {
            throw new IllegalStateException("cannot begin");
        };
        ExchangeObserver obs = Telemetry.composite(Telemetry.NOOP, failing, recording, failingAtBegin, recording).begin(INFO);
        obs.routed("ns/r#0", "ns/b");
        obs.finished(200, false, 10);
        assertThat(heard).containsExactly("routed ns/r#0", "routed ns/r#0", "finished 200", "finished 200");
        assertThat(obs.upstreamHeaders()).isEmpty();
    }

    @Test
    void whenNoPartObservesTheRequestNothingIsCalled() {
        assertThat(Telemetry.composite(Telemetry.NOOP, info -> null).begin(INFO)).isSameAs(ExchangeObserver.NOOP);
    }

    /** A sink reading ended exchanges: what it was handed. */
    private static ExchangeRecord.Sink sink(List<ExchangeRecord> got, boolean records, boolean fails) {
        return new ExchangeRecord.Sink() {
            @Override
            public boolean records() {
                return records;
            }

            @Override
            public void ended(ExchangeRecord r) {
                got.add(r);
                if (fails) throw new IllegalStateException("a broken sink");
            }

            @Override
            public java.util.function.LongSupplier nanoTime() {
                return () -> 42;
            }
        };
    }

    @Test
    void sinksOfEndedExchangesShareOneRecordBehindWhichLivePartsHearEveryCall() {
        List<String> heard = new ArrayList<>();
        Telemetry live = info -> new ExchangeObserver() {
            @Override
            public void routed(String route, String backend) {
                heard.add("routed " + route);
            }

            @Override
            public void responseHeaders(int status) {
                heard.add("head " + status);
            }

            @Override
            public void finished(int status, boolean streamed, long bytesOut) {
                heard.add("finished " + status);
            }
        };
        List<ExchangeRecord> a = new ArrayList<>();
        List<ExchangeRecord> b = new ArrayList<>();
        List<ExchangeRecord> off = new ArrayList<>();
        ExchangeObserver obs = Telemetry.composite(sink(a, true, true), live, sink(off, false, false), sink(b, true, false))
                .begin(INFO);
        assertThat(obs).isInstanceOf(ExchangeRecord.class);
        obs.routed("ns/r#0", "ns/b");
        obs.attemptStarted("openai", "p", "gpt-4o", "h:1");
        obs.attemptFailed("reset", 0);
        obs.attemptStarted("openai", "q", "gpt-4o", "h:2");
        obs.responseHeaders(200);
        obs.finished(200, false, 10);
        obs.finished(500, false, 10);
        assertThat(heard).containsExactly("routed ns/r#0", "head 200", "finished 200");
        // The first sink failed: contained, and the next one still got the record.
        assertThat(a).hasSize(1);
        assertThat(b).containsExactly(a.getFirst());
        assertThat(off).isEmpty();
        ExchangeRecord r = b.getFirst();
        assertThat(r.route).isEqualTo("ns/r#0");
        assertThat(r.attempts).isEqualTo(2);
        assertThat(r.providerName).isEqualTo("q");
        assertThat(r.failure).isEqualTo("reset");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.ttfbNanos).isEqualTo(42);
        assertThat(r.endNanos).isEqualTo(42);
        // One live part behind the record, failing: contained by the record.
        Telemetry failing = info -> new ExchangeObserver() {
            @Override
            public void routed(String route, String backend) {
                throw new IllegalStateException("a broken sink");
            }

            @Override
            public java.util.Map<String, String> upstreamHeaders() {
                throw new IllegalStateException("a broken sink");
            }
        };
        List<ExchangeRecord> c = new ArrayList<>();
        ExchangeObserver one = Telemetry.composite(failing, sink(c, true, false)).begin(INFO);
        one.routed("ns/r#1", "ns/b");
        assertThat(one.upstreamHeaders()).isEmpty();
        one.finished(204, false, 0);
        assertThat(c).hasSize(1);
        assertThat(c.getFirst().route).isEqualTo("ns/r#1");
        // No sink records and nothing observes: nothing is called.
        assertThat(Telemetry.composite(sink(off, false, false), Telemetry.NOOP).begin(INFO)).isSameAs(ExchangeObserver.NOOP);
    }
}

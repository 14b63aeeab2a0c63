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
}

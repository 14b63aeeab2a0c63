package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's telemetry: one instance per gateway, one {@link ExchangeObserver} per request.
 * Build the gateway's with {@link #composite} so that a failing sink is contained.
 */
public interface Telemetry {

    Telemetry NOOP = info -> ExchangeObserver.NOOP;

    /** A new request arrived. Never null, never throws. */
    ExchangeObserver begin(RequestInfo info);

    /** A configuration (re)load ended: accepted (then {@code generation} is served) or refused. */
    default void configLoaded(boolean accepted, long generation) {
    }

    /** Fans out to every part; an exception in one part is logged once and does not reach the caller. */
    static Telemetry composite(Telemetry... parts) {
        return new Composite(List.of(parts));
    }

    final class Composite implements Telemetry {
        private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
        private static volatile boolean warned;
        private final List<Telemetry> parts;

        Composite(List<Telemetry> parts) {
            this.parts = parts;
        }

        static void failed(RuntimeException e) {
            if (!warned) {
                warned = true;
                log.warn("a telemetry sink failed (reported once; the request is unaffected)", e);
            } else {
                log.debug("telemetry sink failed", e);
            }
        }

        @Override
        public ExchangeObserver begin(RequestInfo info) {
            ExchangeObserver[] obs = new ExchangeObserver[parts.size()];
            int n = 0;
            for (Telemetry part : parts) {
                ExchangeObserver o = null;
                try {
                    o = part.begin(info);
                } catch (RuntimeException e) {
                    failed(e);
                }
                // A part that does not observe this request (tracing off, the access log's level) is
                // left out rather than called a dozen times per request for nothing.
                if (o != null && o != ExchangeObserver.NOOP) {
                    obs[n++] = o;
                }
            }
            return n == 0 ? ExchangeObserver.NOOP : new Fanout(n == obs.length ? obs : java.util.Arrays.copyOf(obs, n));
        }

        @Override
        public void configLoaded(boolean accepted, long generation) {
            for (Telemetry t : parts) {
                try {
                    t.configLoaded(accepted, generation);
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
        }
    }

    /** Calls every observer; each call is isolated. */
    record Fanout(ExchangeObserver[] obs) implements ExchangeObserver {
        private interface Call {
            void on(ExchangeObserver o);
        }

        private void each(Call c) {
            for (ExchangeObserver o : obs) {
                try {
                    c.on(o);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void routed(String route, String backend) {
            each(o -> o.routed(route, backend));
        }

        @Override
        public void attemptStarted(String providerKind, String providerName, String requestedModel, String upstreamHost) {
            each(o -> o.attemptStarted(providerKind, providerName, requestedModel, upstreamHost));
        }

        @Override
        public Map<String, String> upstreamHeaders() {
            Map<String, String> all = new HashMap<>();
            each(o -> all.putAll(o.upstreamHeaders()));
            return all;
        }

        @Override
        public void attemptFailed(String reason, int status) {
            each(o -> o.attemptFailed(reason, status));
        }

        @Override
        public void responseHeaders(int status) {
            each(o -> o.responseHeaders(status));
        }

        @Override
        public void firstChunk() {
            each(ExchangeObserver::firstChunk);
        }

        @Override
        public void usage(Usage usage, String responseModel, String finishReason, boolean estimated) {
            each(o -> o.usage(usage, responseModel, finishReason, estimated));
        }

        @Override
        public void content(String prompt, String completion) {
            each(o -> o.content(prompt, completion));
        }

        @Override
        public void rateLimited(long tokens) {
            each(o -> o.rateLimited(tokens));
        }

        @Override
        public void caller(String principal, String team) {
            each(o -> o.caller(principal, team));
        }

        @Override
        public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
            each(o -> o.cost(total, input, output, cacheRead, cacheWrite));
        }

        @Override
        public void finished(int status, boolean streamed, long bytesOut) {
            each(o -> o.finished(status, streamed, bytesOut));
        }
    }
}

package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import java.util.Arrays;
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

        /**
         * One observer for the request: the {@link ExchangeRecord} shared by every sink that reads the
         * exchange once it ended (access log, dashboard ring), in front of the parts that follow it
         * live (metrics, tracing), each call to those isolated.
         */
        @Override
        public ExchangeObserver begin(RequestInfo info) {
            ExchangeObserver[] obs = new ExchangeObserver[parts.size()];
            ExchangeRecord.Sink[] sinks = null;
            int n = 0;
            int k = 0;
            for (Telemetry part : parts) {
                if (part instanceof ExchangeRecord.Sink s) {
                    try {
                        if (!s.records()) continue;
                    } catch (RuntimeException e) {
                        failed(e);
                        continue;
                    }
                    if (sinks == null) sinks = new ExchangeRecord.Sink[parts.size()];
                    sinks[k++] = s;
                    continue;
                }
                ExchangeObserver o = null;
                try {
                    o = part.begin(info);
                } catch (RuntimeException e) {
                    failed(e);
                }
                // A part that does not observe this request (tracing off) is left out rather than
                // called a dozen times per request for nothing.
                if (o != null && o != ExchangeObserver.NOOP) {
                    obs[n++] = o;
                }
            }
            if (k == 0) return n == 0 ? ExchangeObserver.NOOP : new Fanout(n == obs.length ? obs : Arrays.copyOf(obs, n));
            // The record isolates each call itself: one live part (metrics) is called directly.
            ExchangeObserver live = n == 0 ? ExchangeObserver.NOOP : n == 1 ? obs[0] : new Fanout(Arrays.copyOf(obs, n));
            // The record's times come from the first sink's clock (every sink's is System.nanoTime but in tests).
            return new ExchangeRecord(info, sinks[0].nanoTime(), live, k == sinks.length ? sinks : Arrays.copyOf(sinks, k));
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

    /**
     * Calls every observer; each call is isolated. A loop per method rather than one loop taking a
     * lambda: that lambda, capturing the arguments, was an allocation per call and per request.
     */
    record Fanout(ExchangeObserver[] obs) implements ExchangeObserver {
        @Override
        public void routed(String route, String backend) {
            for (ExchangeObserver o : obs) {
                try {
                    o.routed(route, backend);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void attemptStarted(String providerKind, String providerName, String requestedModel, String upstreamHost) {
            for (ExchangeObserver o : obs) {
                try {
                    o.attemptStarted(providerKind, providerName, requestedModel, upstreamHost);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public Map<String, String> upstreamHeaders() {
            Map<String, String> all = null;
            for (ExchangeObserver o : obs) {
                try {
                    Map<String, String> h = o.upstreamHeaders();
                    if (h.isEmpty()) continue;
                    if (all == null) all = new HashMap<>();
                    all.putAll(h);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
            return all == null ? Map.of() : all;
        }

        @Override
        public void attemptFailed(String reason, int status) {
            for (ExchangeObserver o : obs) {
                try {
                    o.attemptFailed(reason, status);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void responseHeaders(int status) {
            for (ExchangeObserver o : obs) {
                try {
                    o.responseHeaders(status);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void firstChunk() {
            for (ExchangeObserver o : obs) {
                try {
                    o.firstChunk();
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void usage(Usage usage, String responseModel, String finishReason, boolean estimated) {
            for (ExchangeObserver o : obs) {
                try {
                    o.usage(usage, responseModel, finishReason, estimated);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void content(String prompt, String completion) {
            for (ExchangeObserver o : obs) {
                try {
                    o.content(prompt, completion);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void rateLimited(long tokens) {
            for (ExchangeObserver o : obs) {
                try {
                    o.rateLimited(tokens);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void caller(String principal, String team) {
            for (ExchangeObserver o : obs) {
                try {
                    o.caller(principal, team);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
            for (ExchangeObserver o : obs) {
                try {
                    o.cost(total, input, output, cacheRead, cacheWrite);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }

        @Override
        public void finished(int status, boolean streamed, long bytesOut) {
            for (ExchangeObserver o : obs) {
                try {
                    o.finished(status, streamed, bytesOut);
                } catch (RuntimeException e) {
                    Composite.failed(e);
                }
            }
        }
    }
}

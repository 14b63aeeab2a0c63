package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON object per request, written as the message of the {@value #LOGGER} logger when the
 * request finishes (logback sends that logger to stdout as the bare message). Field names follow
 * Envoy's JSON access log where Envoy has one:
 * <pre>
 * start_time request_id method path route backend provider upstream_host requested_model
 * response_model finish_reason response_code duration_ms ttfb_ms tokens_in tokens_out
 * tokens_cached tokens_estimated streamed bytes_sent attempts upstream_failure client_address user_agent
 * </pre>
 * Never a prompt, a completion, a query string or a header value other than the user agent, so
 * no text or credential of the client's can leak here.
 */
public final class AccessLogTelemetry implements ExchangeRecord.Sink {
    public static final String LOGGER = "access";
    private static final int MAX_FIELD = 512;

    private final Logger log;
    private final LongSupplier nanoTime;

    public AccessLogTelemetry() {
        this(LoggerFactory.getLogger(LOGGER), System::nanoTime);
    }

    public AccessLogTelemetry(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean records() {
        return log.isInfoEnabled();
    }

    @Override
    public LongSupplier nanoTime() {
        return nanoTime;
    }

    /** A JSON object written field by field into one StringBuilder (strings escaped as RFC 8259 asks). */
    static final class Json {
        private static final char[] HEX = "0123456789abcdef".toCharArray();
        private final StringBuilder b;

        Json(int capacity) {
            b = new StringBuilder(capacity).append('{');
        }

        /** Empties the object for the next line, its builder kept (or replaced when a long line grew it). */
        Json reset() {
            if (b.capacity() > MAX_KEPT) return new Json(LINE);
            b.setLength(1);
            return this;
        }

        private void name(String n) {
            if (b.length() > 1) b.append(',');
            b.append('"').append(n).append("\":");
        }

        void str(String n, String v) {
            name(n);
            if (v == null) {
                b.append("null");
                return;
            }
            b.append('"');
            int plain = 0;
            while (plain < v.length()) {
                char c = v.charAt(plain);
                if (c < 0x20 || c == '"' || c == '\\') break;
                plain++;
            }
            // Most values need no escape: one bulk append instead of one per char.
            b.append(v, 0, plain);
            for (int i = plain; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }

        void num(String n, long v) {
            name(n);
            b.append(v);
        }

        void num(String n, double v) {
            name(n);
            b.append(v); // as Jackson writes a double (Double.toString)
        }

        /**
         * Milliseconds rounded to two decimals, {@code centis} hundredths, as {@code num(n, centis / 100.0)}
         * writes them (Double.toString's shortest form: {@code 12.0}, {@code 0.35}, {@code 1.5}) without
         * formatting a double; past 10^7 ms, where Double.toString turns to an exponent, it does format one.
         */
        void millis(String n, long centis) {
            if (centis < 0 || centis >= 1_000_000_000L) {
                num(n, centis / 100.0);
                return;
            }
            name(n);
            long frac = centis % 100;
            b.append(centis / 100).append('.');
            if (frac == 0) b.append('0');
            else if (frac % 10 == 0) b.append(frac / 10);
            else b.append((char) ('0' + frac / 10)).append((char) ('0' + frac % 10));
        }

        /** {@code ISO_INSTANT.format(t)}: the date and time of the second remembered while it lasts. */
        void instant(String n, java.time.Instant t) {
            name(n);
            b.append('"');
            Second s = second;
            if (s == null || s.epochSecond != t.getEpochSecond()) {
                s = new Second(t.getEpochSecond(), DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.ofEpochSecond(t.getEpochSecond())));
                second = s;
            }
            String whole = s.text; // yyyy-MM-ddTHH:mm:ssZ
            b.append(whole, 0, whole.length() - 1);
            int nano = t.getNano();
            if (nano != 0) {
                // As ISO_INSTANT: three, six or nine digits, whichever holds the nanoseconds exactly.
                int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
                int v = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
                b.append('.');
                for (int d = digits - 1; d >= 0; d--) {
                    int pow = POW10[d];
                    b.append((char) ('0' + v / pow % 10));
                }
            }
            b.append("Z\"");
        }

        private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

        void raw(String n, String literal) {
            name(n);
            b.append(literal);
        }

        String end() {
            return b.append('}').toString();
        }
    }

    /** A second's text, shared by the event loops (an immutable record, replaced once a second). */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second second;

    /** What a line usually takes, and the most a builder kept for the next one may have grown to. */
    private static final int LINE = 640;
    private static final int MAX_KEPT = 16 * 1024;

    /**
     * Each thread's builder, emptied per line: the lines are written by the event loops, a few
     * threads for the whole process, and a new 640-byte builder per request was 3% of what a
     * passthrough request allocated (its text is copied out by {@link Json#end} anyway).
     */
    private static final ThreadLocal<Json[]> BUILDER = ThreadLocal.withInitial(() -> new Json[] {new Json(LINE)});

    private static String bound(String s) {
        return s == null || s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }

    /** The exchange's line. */
    @Override
    public void ended(ExchangeRecord r) {
        RequestInfo info = r.info;
        // By hand into one builder: a Jackson generator per line (its context, buffers and a
        // StringWriter) cost more than the line itself. Same fields, same order, same JSON.
        Json[] mine = BUILDER.get();
        Json j = mine[0] = mine[0].reset();
        j.instant("start_time", info.startTime());
        j.str("request_id", bound(info.requestId()));
        j.str("method", info.method());
        j.str("path", bound(info.path()));
        j.str("route", r.route);
        j.str("backend", r.backend);
        j.str("provider", r.providerKind);
        j.str("upstream_host", r.upstreamHost);
        j.str("requested_model", bound(r.requestedModel));
        j.str("response_model", bound(r.responseModel));
        j.str("finish_reason", bound(r.finishReason));
        j.num("response_code", r.status);
        j.millis("duration_ms", centis(r.endNanos - info.startNanos()));
        if (r.ttfbNanos >= 0) {
            j.millis("ttfb_ms", centis(r.ttfbNanos - info.startNanos()));
        } else {
            j.raw("ttfb_ms", "null");
        }
        Usage usage = r.usage;
        if (usage != null) {
            j.num("tokens_in", usage.input());
            j.num("tokens_out", usage.output());
            j.num("tokens_cached", usage.cacheRead());
        } else {
            j.raw("tokens_in", "null");
            j.raw("tokens_out", "null");
            j.raw("tokens_cached", "null");
        }
        j.raw("tokens_estimated", r.estimated ? "true" : "false");
        j.raw("streamed", r.streamed ? "true" : "false");
        j.num("bytes_sent", r.bytesOut);
        j.num("attempts", r.attempts);
        j.str("upstream_failure", bound(r.failure));
        if (r.caller != null) {
            j.str("caller", bound(r.caller));
            j.str("team", bound(r.team));
        }
        if (r.costUsd >= 0) j.num("cost_usd", r.costUsd);
        j.str("client_address", info.clientAddress());
        j.str("user_agent", bound(info.userAgent()));
        // Only with --log-prompts: the proxy bounds both before they arrive here.
        if (r.prompt != null) j.str("prompt", r.prompt);
        if (r.completion != null) j.str("completion", r.completion);
        log.info(j.end());
    }

    /** Hundredths of a millisecond, rounded as {@code Math.round(nanos / 10_000.0)}. */
    private static long centis(long nanos) {
        return Math.round(nanos / 10_000.0);
    }
}

package dev.aigw.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.aigw.translate.Usage;
import java.io.IOException;
import java.io.StringWriter;
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
public final class AccessLogTelemetry implements Telemetry {
    public static final String LOGGER = "access";
    private static final JsonFactory JSON = new JsonFactory();
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
    public ExchangeObserver begin(RequestInfo info) {
        return log.isInfoEnabled() ? new Line(info) : ExchangeObserver.NOOP;
    }

    private static String bound(String s) {
        return s == null || s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }

    private final class Line implements ExchangeObserver {
        private final RequestInfo info;
        private String route;
        private String backend;
        private String provider;
        private String upstreamHost;
        private String requestedModel;
        private String responseModel;
        private String finishReason;
        private String upstreamFailure;
        private String prompt;
        private String completion;
        private long ttfb = -1;
        private Usage usage;
        private boolean estimated;
        private int attempts;
        private boolean done;
        private String caller;
        private String team;
        private double costUsd = -1;

        Line(RequestInfo info) {
            this.info = info;
        }

        @Override
        public void routed(String route, String backend) {
            this.route = route;
            this.backend = backend;
        }

        @Override
        public void attemptStarted(String providerKind, String providerName, String model, String host) {
            attempts++;
            provider = providerKind;
            requestedModel = model;
            upstreamHost = host;
        }

        @Override
        public void attemptFailed(String reason, int status) {
            upstreamFailure = status > 0 ? status + " " + reason : reason;
        }

        @Override
        public void responseHeaders(int status) {
            if (ttfb < 0) {
                ttfb = nanoTime.getAsLong();
            }
        }

        @Override
        public void content(String p, String c) {
            prompt = p;
            completion = c;
        }

        @Override
        public void usage(Usage u, String model, String finish, boolean est) {
            usage = u;
            responseModel = model;
            finishReason = finish;
            estimated = est;
        }

        @Override
        public void caller(String principal, String t) {
            caller = principal;
            team = t;
        }

        @Override
        public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
            costUsd = total;
        }

        @Override
        public void finished(int status, boolean streamed, long bytesOut) {
            if (done) {
                return;
            }
            done = true;
            long now = nanoTime.getAsLong();
            StringWriter w = new StringWriter(512);
            try (JsonGenerator g = JSON.createGenerator(w)) {
                g.writeStartObject();
                g.writeStringField("start_time", DateTimeFormatter.ISO_INSTANT.format(info.startTime()));
                g.writeStringField("request_id", bound(info.requestId()));
                g.writeStringField("method", info.method());
                g.writeStringField("path", bound(info.path()));
                g.writeStringField("route", route);
                g.writeStringField("backend", backend);
                g.writeStringField("provider", provider);
                g.writeStringField("upstream_host", upstreamHost);
                g.writeStringField("requested_model", bound(requestedModel));
                g.writeStringField("response_model", bound(responseModel));
                g.writeStringField("finish_reason", bound(finishReason));
                g.writeNumberField("response_code", status);
                g.writeNumberField("duration_ms", millis(now - info.startNanos()));
                if (ttfb >= 0) {
                    g.writeNumberField("ttfb_ms", millis(ttfb - info.startNanos()));
                } else {
                    g.writeNullField("ttfb_ms");
                }
                if (usage != null) {
                    g.writeNumberField("tokens_in", usage.input());
                    g.writeNumberField("tokens_out", usage.output());
                    g.writeNumberField("tokens_cached", usage.cacheRead());
                } else {
                    g.writeNullField("tokens_in");
                    g.writeNullField("tokens_out");
                    g.writeNullField("tokens_cached");
                }
                g.writeBooleanField("tokens_estimated", estimated);
                g.writeBooleanField("streamed", streamed);
                g.writeNumberField("bytes_sent", bytesOut);
                g.writeNumberField("attempts", attempts);
                g.writeStringField("upstream_failure", bound(upstreamFailure));
                if (caller != null) {
                    g.writeStringField("caller", bound(caller));
                    g.writeStringField("team", bound(team));
                }
                if (costUsd >= 0) g.writeNumberField("cost_usd", costUsd);
                g.writeStringField("client_address", info.clientAddress());
                g.writeStringField("user_agent", bound(info.userAgent()));
                // Only with --log-prompts: the proxy bounds both before they arrive here.
                if (prompt != null) g.writeStringField("prompt", prompt);
                if (completion != null) g.writeStringField("completion", completion);
                g.writeEndObject();
            } catch (IOException e) {
                return; // a StringWriter does not fail
            }
            log.info(w.toString());
        }

        private static double millis(long nanos) {
            return Math.round(nanos / 10_000.0) / 100.0;
        }
    }
}

package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The one observer of a request for the sinks that read it only once it ended (the access log,
 * the dashboard's {@link TrafficRing}): it keeps what the exchange reported, once, and hands
 * itself to each {@link Sink} when it finishes. The parts that follow an exchange as it happens
 * (metrics, tracing) hear every call through {@code live}. One object and one clock read per
 * event, where each sink kept its own copy of the same fields, read the clock for itself and was
 * called through a fan-out.
 *
 * <p>Each call to {@code live} is isolated (a failing part is logged once, the request goes on).
 * Fields are written on the request's event loop and read by the sinks in {@link #finished},
 * on the same thread; a sink copies what it keeps.
 */
public final class ExchangeRecord implements ExchangeObserver {

    /** A part that reads each exchange once it ended, from the record all such parts share. */
    public interface Sink extends Telemetry {
        /** Whether requests are recorded for this sink now (the access log: its logger's level). */
        default boolean records() {
            return true;
        }

        /** The exchange ended; {@code r} is complete (read it now, it is not kept for the sink). */
        void ended(ExchangeRecord r);

        /** The clock of the record's times ({@link System#nanoTime} but in tests). */
        LongSupplier nanoTime();

        @Override
        default ExchangeObserver begin(RequestInfo info) {
            return records() ? new ExchangeRecord(info, nanoTime(), ExchangeObserver.NOOP, new Sink[] {this})
                    : ExchangeObserver.NOOP;
        }
    }

    final RequestInfo info;
    private final LongSupplier nanoTime;
    private final ExchangeObserver live;
    private final Sink[] sinks;
    String route;
    String backend;
    String providerKind;
    String providerName;
    String upstreamHost;
    String requestedModel;
    String responseModel;
    String finishReason;
    String failure;
    String prompt;
    String completion;
    String caller;
    String team;
    /** {@link System#nanoTime} of the first response head, of the first body bytes, of the end; -1 when none came. */
    long ttfbNanos = -1;
    long firstChunkNanos = -1;
    long endNanos = -1;
    Usage usage;
    boolean estimated;
    int attempts;
    double costUsd = -1;
    int status;
    boolean streamed;
    long bytesOut;
    private boolean done;

    /** {@code live}: the parts that follow the exchange as it happens (NOOP, one observer or a {@link Telemetry.Fanout}). */
    ExchangeRecord(RequestInfo info, LongSupplier nanoTime, ExchangeObserver live, Sink[] sinks) {
        this.info = info;
        this.nanoTime = nanoTime;
        this.live = live;
        this.sinks = sinks;
    }

    @Override
    public void routed(String route, String backend) {
        this.route = route;
        this.backend = backend;
        try {
            live.routed(route, backend);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void attemptStarted(String kind, String name, String model, String host) {
        attempts++;
        providerKind = kind;
        providerName = name;
        requestedModel = model;
        upstreamHost = host;
        try {
            live.attemptStarted(kind, name, model, host);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public Map<String, String> upstreamHeaders() {
        try {
            return live.upstreamHeaders();
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
            return Map.of();
        }
    }

    @Override
    public void content(String p, String c) {
        prompt = p;
        completion = c;
        try {
            live.content(p, c);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void attemptFailed(String reason, int status) {
        failure = status > 0 ? status + " " + reason : reason;
        try {
            live.attemptFailed(reason, status);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void responseHeaders(int status) {
        if (ttfbNanos < 0) ttfbNanos = nanoTime.getAsLong();
        try {
            live.responseHeaders(status);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void firstChunk() {
        if (firstChunkNanos < 0) firstChunkNanos = nanoTime.getAsLong();
        try {
            live.firstChunk();
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void usage(Usage u, String model, String finish, boolean est) {
        usage = u;
        responseModel = model;
        finishReason = finish;
        estimated = est;
        try {
            live.usage(u, model, finish, est);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void caller(String principal, String t) {
        caller = principal;
        team = t;
        try {
            live.caller(principal, t);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
        costUsd = total;
        try {
            live.cost(total, input, output, cacheRead, cacheWrite);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void rateLimited(long tokens) {
        try {
            live.rateLimited(tokens);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
    }

    @Override
    public void finished(int status, boolean streamed, long bytesOut) {
        if (done) return;
        done = true;
        this.status = status;
        this.streamed = streamed;
        this.bytesOut = bytesOut;
        endNanos = nanoTime.getAsLong();
        try {
            live.finished(status, streamed, bytesOut);
        } catch (RuntimeException e) {
            Telemetry.Composite.failed(e);
        }
        for (Sink s : sinks) {
            try {
                s.ended(this);
            } catch (RuntimeException e) {
                Telemetry.Composite.failed(e);
            }
        }
    }
}

package dev.aigw.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.helpers.NOPAppender;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.telemetry.MetricsTelemetry;
import dev.aigw.telemetry.RequestInfo;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.translate.Usage;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * Telemetry cost of one streamed AI exchange with usage: every {@link ExchangeObserver} call the
 * proxy makes for a request that succeeds at the first attempt ({@code begin}, {@code routed},
 * {@code attemptStarted}, {@code upstreamHeaders}, {@code responseHeaders}, {@code firstChunk},
 * {@code usage}, {@code finished}), through {@link Telemetry#composite} as {@code GatewayApp}
 * builds it (tracing off, so its part is {@link Telemetry#NOOP}).
 *
 * <p>{@code sinks}: {@code all} = metrics + access log (NOP appender) + NOOP tracing, as in the
 * gateway; {@code metrics} or {@code accesslog} alone (NOP appender); {@code all-encoded} = as
 * {@code all} but the access logger's appender formats each line with the gateway's
 * {@code %msg%n} pattern into a discarding stream (the real appender's cost, minus the write to stdout).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class TelemetryBench {

    @Param({"all", "all-encoded", "metrics", "accesslog"})
    public String sinks;

    private Telemetry telemetry;
    private final Usage usage = Usage.of(1247, 131, 128, 0, 0);

    @Setup
    public void setup() {
        LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger access = lc.getLogger(AccessLogTelemetry.LOGGER);
        access.detachAndStopAllAppenders();
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        if (sinks.equals("all-encoded")) {
            PatternLayoutEncoder enc = new PatternLayoutEncoder();
            enc.setContext(lc);
            enc.setPattern("%msg%n");
            enc.start();
            OutputStreamAppender<ILoggingEvent> a = new OutputStreamAppender<>();
            a.setContext(lc);
            a.setEncoder(enc);
            a.setOutputStream(OutputStream.nullOutputStream());
            a.start();
            access.addAppender(a);
        } else {
            NOPAppender<ILoggingEvent> a = new NOPAppender<>();
            a.setContext(lc);
            a.start();
            access.addAppender(a);
        }
        MetricsTelemetry metrics = new MetricsTelemetry(() -> Set.of("gpt-4o", "claude-sonnet-4-5"));
        telemetry = switch (sinks) {
            case "all", "all-encoded" -> Telemetry.composite(metrics, new AccessLogTelemetry(), Telemetry.NOOP);
            case "metrics" -> Telemetry.composite(metrics);
            case "accesslog" -> Telemetry.composite(new AccessLogTelemetry());
            default -> throw new IllegalArgumentException(sinks);
        };
        telemetry.configLoaded(true, 1);
    }

    @Benchmark
    public ExchangeObserver exchange() {
        ExchangeObserver obs = telemetry.begin(new RequestInfo("0f8fad5b-d9cb-469f-a165-70867728950e", Instant.now(),
                System.nanoTime(), "POST", "/v1/chat/completions", "10.0.3.17", "OpenAI/Python 1.99.9", h -> null));
        obs.routed("default/chat/rule/0", "openai");
        obs.attemptStarted("openai", "openai", "gpt-4o", "api.openai.com:443");
        obs.upstreamHeaders();
        obs.responseHeaders(200);
        obs.firstChunk();
        obs.usage(usage, "gpt-4o-2024-08-06", "stop", false);
        obs.finished(200, true, 18_432);
        return obs;
    }
}

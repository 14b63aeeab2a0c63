package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessLogAppenderTest {
    private final PrintStream savedOut = System.out;
    private final PrintStream savedErr = System.err;
    private final LoggerContext context = new LoggerContext();
    private final ch.qos.logback.classic.Logger logger = context.getLogger("access");

    @BeforeEach
    void setUp() {
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private static LoggingEvent event(ch.qos.logback.classic.Logger logger, String msg) {
        return new LoggingEvent("x", logger, Level.INFO, msg, null, null);
    }

    /** Counts the write calls that reach stdout, and keeps the bytes. */
    private static final class CountingOut extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();
        final CountDownLatch gate;

        CountingOut(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writes.incrementAndGet();
            bytes.write(b, off, len);
        }
    }

    @Test
    void everyLineArrivesInOrderAndQueuedLinesShareOneWrite() {
        CountDownLatch gate = new CountDownLatch(1); // stdout is slow at first: lines queue up meanwhile
        CountingOut out = new CountingOut(gate);
        System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
        AccessLogAppender a = new AccessLogAppender();
        a.setContext(context);
        a.start();
        for (int i = 0; i < 2000; i++) a.doAppend(event(logger, "{\"n\":" + i + ",\"text\":\"é\"}"));
        gate.countDown();
        a.stop();

        String[] lines = out.bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2000);
        for (int i = 0; i < 2000; i++) assertThat(lines[i]).isEqualTo("{\"n\":" + i + ",\"text\":\"é\"}");
        // At most 512 lines a write; with the writer held up, far fewer writes than lines.
        assertThat(out.writes.get()).isBetween(4, 100);
    }

    /**
     * Lines of access-log size queued while stdout is held up: full batches are more than the
     * writer's buffer holds, so each goes out in pieces; a line longer than the buffer goes out
     * whole. Every line arrives once, in order.
     */
    @Test
    void batchesLargerThanTheBufferAndLinesLongerThanItArriveWholeAndInOrder() {
        CountDownLatch gate = new CountDownLatch(1);
        CountingOut out = new CountingOut(gate);
        System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
        AccessLogAppender a = new AccessLogAppender();
        a.setContext(context);
        a.start();
        String pad = "x".repeat(600);
        String huge = "h".repeat(AccessLogAppender.BUFFER + 10);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1500; i++) sent.add(i == 700 ? "{\"n\":" + i + ",\"big\":\"" + huge + "\"}" : "{\"n\":" + i + ",\"pad\":\"" + pad + "\"}");
        for (String line : sent) a.doAppend(event(logger, line));
        gate.countDown();
        a.stop();

        assertThat(out.bytes.toString(StandardCharsets.UTF_8).split("\n")).containsExactlyElementsOf(sent);
        // Full batches of 512 lines (~310 KB) do not fit the buffer: more writes than batches,
        // still far fewer than lines.
        assertThat(out.writes.get()).isBetween(6, 100);
    }

    @Test
    void aFullQueueDropsLinesWithoutBlockingAndSaysSo() {
        CountDownLatch gate = new CountDownLatch(1);
        CountingOut out = new CountingOut(gate);
        System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        AccessLogAppender a = new AccessLogAppender();
        a.setContext(context);
        a.setQueueSize(4);
        a.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) a.doAppend(event(logger, "line " + i));
        long took = System.nanoTime() - t0;
        gate.countDown();
        a.stop();

        assertThat(TimeUnit.NANOSECONDS.toMillis(took)).as("appending never waits for stdout").isLessThan(2000);
        int written = out.bytes.toString(StandardCharsets.UTF_8).split("\n").length;
        assertThat(written).isBetween(4, 9); // the queue's 4 lines, plus those the writer had taken
        assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("access log: \\d+ lines? dropped");
    }

    @Test
    void linesWithQuotesAndControlCharactersStayOneValidJsonLine() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<String> lines = new ArrayList<>();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> collect =
                new ch.qos.logback.core.AppenderBase<>() {
                    @Override
                    protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
                        lines.add(e.getFormattedMessage());
                    }
                };
        collect.setContext(context);
        collect.start();
        logger.addAppender(collect);
        String agent = "evil\"agent\\with\nnewline\ttab\u0001ctl and ünïcode";
        AccessLogTelemetry t = new AccessLogTelemetry(logger, clock::get);
        ExchangeObserver o = t.begin(new RequestInfo("r1", Instant.parse("2025-03-01T12:00:00Z"), clock.get(), "POST",
                "/v1/chat/completions?x=\"y\"", "127.0.0.1", agent, h -> null));
        o.finished(404, false, 12);

        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).doesNotContain("\n");
        var j = new ObjectMapper().readTree(lines.getFirst());
        assertThat(j.path("user_agent").asText()).isEqualTo(agent);
        assertThat(j.path("path").asText()).isEqualTo("/v1/chat/completions?x=\"y\"");
        assertThat(j.path("route").isNull()).isTrue();
        assertThat(j.path("ttfb_ms").isNull()).isTrue();
        assertThat(j.path("response_code").asInt()).isEqualTo(404);
        assertThat(j.path("streamed").asBoolean(true)).isFalse();
    }

    /** The writer sleeps while idle, but a line that arrives then is written at once, not after a poll period. */
    @Test
    void aLineAfterAQuietSpellIsWrittenAtOnce() throws Exception {
        CountingOut out = new CountingOut(new CountDownLatch(0));
        System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
        AccessLogAppender a = new AccessLogAppender();
        a.setContext(context);
        a.start();
        try {
            for (int round = 0; round < 3; round++) {
                Thread.sleep(300); // the writer has found the queue empty and sleeps
                int before = out.writes.get();
                long t0 = System.nanoTime();
                a.doAppend(event(logger, "quiet " + round));
                while (out.writes.get() == before && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) Thread.sleep(1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("woken by the line, not by its timer")
                        .isLessThan(500);
            }
        } finally {
            a.stop();
        }
        assertThat(out.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("quiet 0\nquiet 1\nquiet 2\n");
    }
}

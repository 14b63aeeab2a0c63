package dev.aigw.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log's logback appender (named in {@code logback.xml}): each line is queued by the
 * event loop that finished the request, and a thread of its own writes whatever has queued up
 * since its last write to stdout in one {@code write} call. Under load that is many lines per
 * syscall instead of one per request (the former {@code AsyncAppender} + {@code ConsoleAppender}
 * pair wrote each line alone); when traffic is light a line still goes out as soon as it is queued.
 *
 * <p>The event loop never waits: when the queue is full (stdout stuck or far too slow) the line
 * is dropped and counted, and the count is reported on stderr. {@link #stop} writes what is left
 * (logback's shutdown hook calls it), so lines are not lost on a normal exit.
 */
public final class AccessLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Lines written per syscall at most (bounds the batch buffer). */
    private static final int MAX_BATCH = 512;

    private int queueSize = 16384;
    private BlockingQueue<String> queue;
    private Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean stopping;

    /** Set from logback.xml ({@code <queueSize>}). */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    @Override
    public void start() {
        if (queueSize < 1) {
            addError("queueSize must be at least 1");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        writer = new Thread(this::drain, "access-log");
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!queue.offer(event.getFormattedMessage())) dropped.incrementAndGet();
    }

    private void drain() {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        StringBuilder text = new StringBuilder(64 * 1024);
        while (true) {
            try {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    reportDropped();
                    if (stopping) return;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                queue.drainTo(batch);
                stopping = true;
            }
            write(batch, text);
            if (stopping && queue.isEmpty()) {
                reportDropped();
                return;
            }
        }
    }

    private static void write(List<String> batch, StringBuilder text) {
        if (batch.isEmpty()) return;
        text.setLength(0);
        for (String line : batch) text.append(line).append('\n');
        batch.clear();
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        PrintStream out = System.out; // read each time, so a test's System.setOut is honoured
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    private void reportDropped() {
        long n = dropped.getAndSet(0);
        if (n > 0) {
            System.err.println("access log: " + n + " line" + (n == 1 ? "" : "s")
                    + " dropped because stdout did not keep up");
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) return;
        super.stop();
        stopping = true;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log's logback appender (named in {@code logback.xml}): each line is queued by the
 * event loop that finished the request, and a thread of its own writes whatever has queued up
 * since its last write to stdout in one {@code write} call.
 *
 * <p>Under load the writer does not wait to be woken per line: after a write it sleeps
 * {@value #LINGER_MS} ms and takes everything queued meanwhile, so the event loops never signal it
 * (a futex wake per request, and a write per request or two, were ~6 µs of CPU per request in
 * bench/run.sh). Only when the queue has been found empty does it sleep until the next line wakes
 * it, so when traffic is light a line still goes out as soon as it is queued; under load a line
 * waits at most {@value #LINGER_MS} ms (nginx's {@code access_log ... flush=} makes the same trade).
 *
 * <p>The event loop never waits: when the queue is full (stdout stuck or far too slow) the line
 * is dropped and counted, and the count is reported on stderr. {@link #stop} writes what is left
 * (logback's shutdown hook calls it), so lines are not lost on a normal exit.
 */
public final class AccessLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Lines written per syscall at most (bounds the batch buffer). */
    private static final int MAX_BATCH = 512;
    /** How long the writer lets lines gather after a write before it takes them. */
    static final long LINGER_MS = 10;
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private int queueSize = 16384;
    private BlockingQueue<String> queue;
    private Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean stopping;
    /** The writer found the queue empty and sleeps until a line wakes it (the only time one does). */
    private volatile boolean asleep;

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
        if (!queue.offer(event.getFormattedMessage())) {
            dropped.incrementAndGet();
        } else if (asleep) {
            asleep = false;
            LockSupport.unpark(writer);
        }
    }

    private void drain() {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        long lastReport = System.nanoTime();
        while (true) {
            queue.drainTo(batch, MAX_BATCH);
            int n = batch.size();
            write(batch);
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                reportDropped();
                lastReport = System.nanoTime();
            }
            if (n == MAX_BATCH) continue;
            if (n > 0) {
                // Lines are coming: let the next ones gather instead of being woken for each.
                if (!stopping) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LINGER_MS));
                continue;
            }
            if (stopping) {
                reportDropped();
                return;
            }
            // Nothing queued: sleep until a line arrives (append wakes us), checking once more after
            // saying so, so a line queued in between is not left waiting.
            asleep = true;
            if (queue.isEmpty() && !stopping) LockSupport.parkNanos(IDLE_NANOS);
            asleep = false;
            if (Thread.interrupted()) stopping = true;
        }
    }

    /**
     * The batch's lines, each with its newline, encoded straight into one buffer kept between
     * batches (a StringBuilder of the batch, its String and that String's bytes were three copies
     * of every line), and written when the next line would not fit: one write for what a linger
     * gathers at the bench's rates, two for a full batch. The buffer starts at {@value #START}
     * bytes and grows once, to {@value #BUFFER}, the first time a batch needs more; it never grows
     * further nor shrinks. It used to grow by doubling for each batch above 64 KiB and be replaced
     * after one above 256 KiB: the doubled copies (128, 256 and 512 KiB for every full batch) were
     * caught by young collections mid-write, too large for a survivor space, and promoted: nine
     * tenths of what a 1M-request bench run promoted after start-up, kept by the serial collector
     * as RSS (docs/benchmarks.md, "JVM flags"). A line longer than the buffer (prompt logging) is
     * written from its own bytes.
     */
    private void write(List<String> batch) {
        if (batch.isEmpty()) return;
        PrintStream out = System.out; // read each time, so a test's System.setOut is honoured
        int n = 0;
        for (String line : batch) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (n + b.length + 1 > bytes.length && bytes.length < BUFFER) bytes = java.util.Arrays.copyOf(bytes, BUFFER);
            if (n + b.length + 1 > bytes.length) {
                if (n > 0) out.write(bytes, 0, n);
                n = 0;
                if (b.length + 1 > bytes.length) {
                    out.write(b, 0, b.length);
                    out.write('\n');
                    continue;
                }
            }
            System.arraycopy(b, 0, bytes, n, b.length);
            n += b.length;
            bytes[n++] = '\n';
        }
        batch.clear();
        if (n > 0) out.write(bytes, 0, n);
        out.flush();
    }

    /** The writer's buffer at first: what an idle or lightly loaded gateway's batches need. */
    static final int START = 64 * 1024;
    /** Its size once a batch has needed more: a full batch of typical lines (~600 bytes) in two writes. */
    static final int BUFFER = 256 * 1024;
    /** The writer thread's buffer (only it touches it). */
    private byte[] bytes = new byte[START];

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
        LockSupport.unpark(writer);
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

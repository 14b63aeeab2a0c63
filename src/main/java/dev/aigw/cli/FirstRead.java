package dev.aigw.cli;

import dev.aigw.config.FileSource;
import dev.aigw.config.ResourceStore;
import dev.aigw.route.SnapshotCompiler;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first config read ({@link ConfigReloader#read}: the files read, bound and compiled) on a
 * thread of its own, the critical path of a start. {@code run} starts it as soon as its command
 * line names the files ({@link #startEarly}), before the rest of the options are checked and
 * logging is set up (~40 ms of a quiet start, more on a loaded machine); {@link GatewayApp#start}
 * takes it, or starts one itself when there is none for its files. Nothing here logs: a logger
 * would set logging up on this thread, beside the main thread doing the same.
 */
final class FirstRead {
    /** A read under way, with the source and store it reads into the reloader. */
    record Started(FileSource files, ResourceStore store, SnapshotCompiler.Options options,
                   CompletableFuture<ConfigReloader.Read> read) {
        /** The read's result (made again when the files changed since it was made), or what it threw. */
        ConfigReloader.Read join() {
            ConfigReloader.Read r;
            try {
                r = read.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException x) throw x;
                if (e.getCause() instanceof Error x) throw x;
                throw e;
            }
            // An early read that an earlier, failed start in this JVM left behind is not served stale.
            return r.fingerprint().equals(files.fingerprint()) ? r : ConfigReloader.read(files, store, options, 1);
        }
    }

    private static final AtomicReference<Started> EARLY = new AtomicReference<>();

    private FirstRead() {
    }

    /** Starts the first read now, for {@link #take} to hand to the start that follows. */
    static void startEarly(List<Path> files, SnapshotCompiler.Options options) {
        EARLY.set(start(files, options));
    }

    /** The read started early for these files and options, else one started now. */
    static Started take(List<Path> files, SnapshotCompiler.Options options) {
        Started s = EARLY.getAndSet(null);
        if (s != null && s.files().roots().equals(List.copyOf(files)) && same(s.options(), options)) return s;
        return start(files, options);
    }

    /** Field by field (a record's own equals is linked through invokedynamic on first use). */
    private static boolean same(SnapshotCompiler.Options a, SnapshotCompiler.Options b) {
        return a.implicitPort() == b.implicitPort() && a.env() == b.env() && a.implicitGateway() == b.implicitGateway();
    }

    private static Started start(List<Path> paths, SnapshotCompiler.Options options) {
        FileSource files = new FileSource(paths);
        ResourceStore store = new ResourceStore();
        CompletableFuture<ConfigReloader.Read> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                ConfigReloader.Read read = ConfigReloader.read(files, store, options, 1);
                // Noted before the future completes, so the start-up line the main thread prints has it.
                StartupPhases.beside("config read, bound and compiled beside them", t0);
                f.complete(read);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "config-first-read");
        t.setDaemon(true);
        t.start();
        return new Started(files, store, options, f);
    }
}

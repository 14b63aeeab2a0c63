package dev.aigw.cli;

import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceStore;
import dev.aigw.route.SnapshotCompiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads the files, compiles them with everything else in the store, and reports the outcome.
 * A change with errors is refused whole (the last good snapshot keeps serving); blocking: runs
 * on a worker thread, never an event loop.
 */
final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final FileSource files;
    private final ResourceStore store;
    private final SnapshotCompiler.Options options;
    private final AtomicLong generation = new AtomicLong();
    private volatile String lastFingerprint = "";

    ConfigReloader(FileSource files, ResourceStore store, SnapshotCompiler.Options options) {
        this.files = files;
        this.store = store;
        this.options = options;
    }

    /** The outcome of one load: a snapshot to serve, or the problems that refused it. */
    record Outcome(SnapshotCompiler.Result result, List<Problem> problems, boolean accepted) {
    }

    /** The files' sizes and modification times now: cheap, no parsing. */
    String fingerprint() {
        return files.fingerprint();
    }

    /** The fingerprint of the files as last loaded (accepted or not). */
    String loadedFingerprint() {
        return lastFingerprint;
    }

    synchronized Outcome load() {
        lastFingerprint = files.fingerprint();
        FileSource.Load load = files.load();
        List<RawResource> all = store.allWith(FileSource.SOURCE, load.resources());
        SnapshotCompiler.Result result = SnapshotCompiler.compile(all, generation.get() + 1, options);
        List<Problem> problems = new ArrayList<>(load.problems());
        problems.addAll(result.problems());
        boolean ok = problems.stream().noneMatch(Problem::isError);
        if (ok) {
            store.replace(FileSource.SOURCE, load.resources());
            generation.incrementAndGet();
        }
        return new Outcome(result, List.copyOf(problems), ok);
    }

    static void report(List<Problem> problems) {
        for (Problem p : problems) {
            switch (p.severity()) {
                case ERROR -> log.error("{}", p);
                case UNRESOLVED, WARNING -> log.warn("{}", p);
            }
        }
    }
}

package dev.aigw.cli;

import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.ResourceStore;
import dev.aigw.governance.Governance;
import dev.aigw.governance.GovernanceCompiler;
import dev.aigw.governance.GovernanceRuntime;
import dev.aigw.route.Snapshot;
import dev.aigw.route.SnapshotCompiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads the files, compiles them with everything else in the store, and reports the outcome.
 * A file change with errors is refused whole (the last good snapshot keeps serving); a source
 * whose resources stand alone (Kubernetes) is offered with {@link #offer}, where a bad resource
 * is rejected by itself. Blocking: runs on a worker thread, never an event loop.
 */
final class ConfigReloader {
    /** Obtained on first use: the first read runs before logging is set up ({@link FirstRead}). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
    }

    private final FileSource files;
    private final ResourceStore store;
    private final SnapshotCompiler.Options options;
    private final GovernanceRuntime governance;
    private final AtomicLong generation = new AtomicLong();
    private volatile String lastFingerprint = "";

    ConfigReloader(FileSource files, ResourceStore store, SnapshotCompiler.Options options) {
        this(files, store, options, null);
    }

    /** @param governance compiles AgentgatewayPolicy traffic governance with each snapshot; null: none */
    ConfigReloader(FileSource files, ResourceStore store, SnapshotCompiler.Options options, GovernanceRuntime governance) {
        this.files = files;
        this.store = store;
        this.options = options;
        this.governance = governance;
    }

    /**
     * The outcome of one load: a snapshot to serve, or the problems that refused it. {@code
     * rejected}: resources left out alone (Kubernetes mode), whose problems are in {@code problems}.
     */
    record Outcome(SnapshotCompiler.Result result, List<Problem> problems, boolean accepted, Set<ResourceKey> rejected,
                   Governance governance) {
        Outcome(SnapshotCompiler.Result result, List<Problem> problems, boolean accepted) {
            this(result, problems, accepted, Set.of(), Governance.EMPTY);
        }
    }

    private GovernanceCompiler.Result governance(List<RawResource> all, long gen) {
        return governance == null ? new GovernanceCompiler.Result(Governance.EMPTY, List.of())
                : GovernanceCompiler.compile(all, gen, governance);
    }

    /** The files' sizes and modification times now: cheap, no parsing. */
    String fingerprint() {
        return files.fingerprint();
    }

    /** The fingerprint of the files as last loaded (accepted or not). */
    String loadedFingerprint() {
        return lastFingerprint;
    }

    /**
     * The files read and compiled as generation {@code generation}, before governance and with
     * nothing stored: what {@link #load(Read)} completes. Touches no reloader state, so the first
     * one runs on a thread of its own while the rest of the gateway is made.
     */
    record Read(String fingerprint, FileSource.Load load, List<RawResource> all, SnapshotCompiler.Result result,
                long generation) {
    }

    static Read read(FileSource files, ResourceStore store, SnapshotCompiler.Options options, long generation) {
        String fingerprint = files.fingerprint();
        FileSource.Load load = files.load();
        List<RawResource> all = store.allWith(FileSource.SOURCE, load.resources());
        return new Read(fingerprint, load, all, SnapshotCompiler.compile(all, generation, options), generation);
    }

    synchronized Outcome load() {
        return load(read(files, store, options, generation.get() + 1));
    }

    /** Completes a {@link #read}: governance compiled, and the store updated if nothing has errors. */
    synchronized Outcome load(Read read) {
        // A read made for another generation (something was loaded since) is made again.
        Read r = read.generation() == generation.get() + 1 ? read : read(files, store, options, generation.get() + 1);
        lastFingerprint = r.fingerprint();
        FileSource.Load load = r.load();
        List<RawResource> all = r.all();
        SnapshotCompiler.Result result = r.result();
        List<Problem> problems = new ArrayList<>(load.problems());
        problems.addAll(result.problems());
        GovernanceCompiler.Result gov = governance(all, r.generation());
        problems.addAll(gov.problems());
        boolean ok = problems.stream().noneMatch(Problem::isError);
        if (ok) {
            store.replace(FileSource.SOURCE, load.resources());
            generation.incrementAndGet();
        }
        return new Outcome(result, List.copyOf(problems), ok, Set.of(), gov.governance());
    }

    /**
     * Offers a source's whole set where each resource stands alone, as in Kubernetes: a resource
     * that does not validate is rejected by itself and the rest is served, instead of the whole
     * change being refused as with files (a cluster has no "previous version of the file" to keep:
     * the API server already holds the new object, and one bad object must not freeze everyone's
     * config). So: compile; drop the source's resources that have ERROR problems; compile again
     * without them, so the snapshot and every reference to them is consistent (a route to a
     * rejected Backend answers 500 "not found" and says so). Rarely, dropping one resource turns up
     * an error in another; a few rounds settle it. The rejected resources' errors stay in the
     * outcome (and the snapshot's problems) so that status and {@code /config_dump} can say why.
     */
    synchronized Outcome offer(String source, List<RawResource> resources) {
        List<RawResource> kept = new ArrayList<>(resources);
        Set<ResourceKey> rejected = new TreeSet<>();
        List<Problem> rejections = new ArrayList<>();
        SnapshotCompiler.Result result;
        for (int round = 0; ; round++) {
            result = SnapshotCompiler.compile(store.allWith(source, kept), generation.get() + 1, options);
            Set<String> bad = new HashSet<>();
            for (Problem p : result.problems()) if (p.isError()) bad.add(p.resource());
            List<RawResource> drop = kept.stream().filter(r -> bad.contains(r.key().toString())).toList();
            if (drop.isEmpty() || round == 4) break;
            Set<String> dropped = new HashSet<>();
            for (RawResource r : drop) {
                rejected.add(r.key());
                dropped.add(r.key().toString());
            }
            for (Problem p : result.problems()) if (p.isError() && dropped.contains(p.resource())) rejections.add(p);
            kept.removeAll(drop);
        }
        List<Problem> problems = new ArrayList<>(rejections);
        problems.addAll(result.problems());
        // Governance is never dropped resource by resource: a policy that does not compile makes the
        // rules it governs refuse requests (500, with the reason), rather than leaving them open.
        // Compiled over everything offered, rejected resources included: an invalid governing policy
        // makes its targets refuse (500) instead of silently dropping their authentication.
        GovernanceCompiler.Result gov = governance(store.allWith(source, resources), generation.get() + 1);
        problems.addAll(gov.problems());
        Snapshot s = result.snapshot();
        Snapshot withRejections = new Snapshot(s.generation(), s.loadedAt(), s.ports(), s.listeners(),
                List.copyOf(problems), s.resources(), s.tls());
        store.replace(source, kept);
        generation.incrementAndGet();
        return new Outcome(new SnapshotCompiler.Result(withRejections, List.copyOf(problems)), List.copyOf(problems),
                true, Set.copyOf(rejected), gov.governance());
    }

    static void report(List<Problem> problems) {
        for (Problem p : problems) {
            switch (p.severity()) {
                case ERROR -> Log.LOG.error("{}", p);
                case UNRESOLVED, WARNING -> Log.LOG.warn("{}", p);
                case INFO -> Log.LOG.info("{}", p);
            }
        }
    }
}

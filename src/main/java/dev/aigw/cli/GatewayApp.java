package dev.aigw.cli;

import dev.aigw.admin.AdminServer;
import dev.aigw.admin.DashboardOptions;
import dev.aigw.admin.DashboardSources;
import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceStore;
import dev.aigw.kube.KubeOptions;
import dev.aigw.kube.KubeSource;
import dev.aigw.kube.StatusWriter;
import dev.aigw.proxy.GatewayServer;
import dev.aigw.proxy.ProxyOptions;
import dev.aigw.route.Snapshot;
import dev.aigw.route.SnapshotCompiler;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.telemetry.MetricsTelemetry;
import dev.aigw.telemetry.ModelLabels;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.telemetry.TracingTelemetry;
import dev.aigw.telemetry.TrafficRing;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A running gateway: Vert.x, the listeners, the admin server, the file watcher and (Kubernetes
 * mode) the cluster watcher and status writer, wired from
 * {@link Settings}. {@link #start} blocks until it serves (or fails with every problem found).
 */
public final class GatewayApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

    /** @param kubernetes when present, the cluster's resources are served too (Kubernetes mode) */
    /** @param modelCatalog a catalog file (agentgateway's format) over the default one, per model */
    public record Settings(List<Path> files, int implicitPort, String adminAddress, int adminPort,
                           ProxyOptions proxy, Duration watchInterval, Function<String, String> env,
                           Optional<KubeOptions> kubernetes, Optional<Path> modelCatalog) {
        public Settings(List<Path> files, int implicitPort, String adminAddress, int adminPort,
                        ProxyOptions proxy, Duration watchInterval, Function<String, String> env) {
            this(files, implicitPort, adminAddress, adminPort, proxy, watchInterval, env, Optional.empty(), Optional.empty());
        }

        public Settings(List<Path> files, int implicitPort, String adminAddress, int adminPort,
                        ProxyOptions proxy, Duration watchInterval, Function<String, String> env,
                        Optional<KubeOptions> kubernetes) {
            this(files, implicitPort, adminAddress, adminPort, proxy, watchInterval, env, kubernetes, Optional.empty());
        }

        public Settings withKubernetes(KubeOptions options) {
            return new Settings(files, implicitPort, adminAddress, adminPort, proxy, watchInterval, env,
                    Optional.of(options), modelCatalog);
        }

        public Settings withModelCatalog(Path file) {
            return new Settings(files, implicitPort, adminAddress, adminPort, proxy, watchInterval, env, kubernetes,
                    Optional.of(file));
        }
    }

    /** The gateway did not start; {@code problems} says why (file, line, resource). */
    public static final class StartupException extends Exception {
        private final List<Problem> problems;

        StartupException(String message, List<Problem> problems) {
            super(message);
            this.problems = problems;
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    private final Vertx vertx;
    private final GatewayServer server;
    private final AdminServer admin;
    private final ConfigReloader reloader;
    private dev.aigw.governance.GovernanceTables tables;
    private dev.aigw.governance.GovernanceRuntime governance;
    private java.util.concurrent.ScheduledExecutorService watcher;
    private KubeSource kube;
    private StatusWriter status;
    private List<Problem> lastKubeProblems = List.of();
    private final DashboardWiring.LeaseHolder leaseHolder = new DashboardWiring.LeaseHolder();

    private final Telemetry telemetry;
    private final java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> knownModels;
    private final java.util.Optional<TracingTelemetry> tracing;

    private GatewayApp(Vertx vertx, GatewayServer server, AdminServer admin, ConfigReloader reloader,
                       Telemetry telemetry, java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> knownModels,
                       java.util.Optional<TracingTelemetry> tracing) {
        this.telemetry = telemetry;
        this.knownModels = knownModels;
        this.tracing = tracing;
        this.vertx = vertx;
        this.server = server;
        this.admin = admin;
        this.reloader = reloader;
    }

    public static GatewayApp start(Settings settings) throws StartupException {
        return start(settings, DashboardOptions.DEFAULTS);
    }

    /** Starts with the dashboard's switches (admin token, Try it). */
    public static GatewayApp start(Settings settings, DashboardOptions dashboard) throws StartupException {
        dev.aigw.proxy.WireDefaults.apply(); // for embedders that do not start through Main
        StartupPhases.mark("arguments and logging");
        // The config is read, bound and compiled on a thread of its own while the cost catalog,
        // Vert.x and the governance runtime are made: the two halves are each 0.1-0.6 s of a start on
        // 2 cores, and neither needs the other until governance compiles the config's policies.
        // In Kubernetes mode the cluster's Gateways decide what listens: no implicit Gateway.
        SnapshotCompiler.Options compileOptions = new SnapshotCompiler.Options(settings.implicitPort(), settings.env(),
                settings.kubernetes().isEmpty());
        // `run` started it before logging was set up; a start from elsewhere starts it here.
        FirstRead.Started firstRead = FirstRead.take(settings.files(), compileOptions);
        FileSource files = firstRead.files();
        ResourceStore store = firstRead.store();
        dev.aigw.cost.Catalog catalog = dev.aigw.cost.Catalog.defaults();
        if (settings.modelCatalog().isPresent()) {
            Path f = settings.modelCatalog().get();
            try {
                catalog = catalog.overriddenBy(dev.aigw.cost.Catalog.parse(java.nio.file.Files.readAllBytes(f), f.toString()));
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new StartupException("--model-catalog " + f + ": " + e.getMessage(), List.of());
            }
        }
        StartupPhases.mark("cost catalog");
        // Vert.x first: governance's clients (Redis, JWKS) are built with the first snapshot (they connect on use).
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(eventLoops(settings.env())));
        if (vertx.isNativeTransportEnabled()) {
            log.debug("network transport: native (epoll)");
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            log.info("network transport: Java NIO (the native epoll transport is unavailable{})",
                    why == null ? "" : ": " + why);
        }
        StartupPhases.mark("Vert.x");
        // Model labels come from config, so a client cannot create unbounded metric series.
        java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> knownModels =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Set.of());
        MetricsTelemetry metrics = new MetricsTelemetry(knownModels::get);
        dev.aigw.governance.GovernanceRuntime governance = new dev.aigw.governance.GovernanceRuntime(vertx, metrics.registry(), catalog);
        ConfigReloader reloader = new ConfigReloader(files, store, compileOptions, governance);
        StartupPhases.mark("metrics and governance");
        ConfigReloader.Read read = firstRead.join();
        StartupPhases.mark("waiting for the config");
        ConfigReloader.Outcome first = reloader.load(read);
        ConfigReloader.report(first.problems());
        if (!first.accepted()) {
            governance.close();
            vertx.close();
            throw new StartupException("the configuration has errors", first.problems());
        }
        knownModels.set(ModelLabels.fromSnapshot(first.result().snapshot()));
        StartupPhases.mark("governance compiled");
        java.util.Optional<TracingTelemetry> tracing = TracingTelemetry.fromEnvironment(settings.env());
        TrafficRing ring = new TrafficRing(knownModels::get);
        Telemetry telemetry = Telemetry.composite(metrics, new AccessLogTelemetry(),
                tracing.<Telemetry>map(t -> t).orElse(Telemetry.NOOP), ring);
        dev.aigw.governance.GovernanceTables tables = new dev.aigw.governance.GovernanceTables();
        GatewayServer server = new GatewayServer(vertx, settings.proxy(), telemetry, dev.aigw.proxy.ProxyServices.Stages.NONE, tables, governance);
        GatewayApp[] self = new GatewayApp[1];
        AdminServer admin = new AdminServer(vertx, server::snapshot, server::boundPorts, metrics::scrape,
                () -> self[0].readiness()).providers(server::providers)
                .governance(() -> governance.ledger().json(governance.describe()));
        admin.dashboard(new DashboardSources(() -> DashboardWiring.providers(server), ring::traffic, ring::recent,
                () -> self[0].clusterInfo(),
                // Keys and spend once a governing policy exists (no keys, nothing to show).
                () -> tables.latest().isEmpty() ? java.util.Optional.empty()
                        : java.util.Optional.of(governance.ledger().dashboard()), settings.proxy().logPromptChars() > 0), dashboard);
        GatewayApp app = new GatewayApp(vertx, server, admin, reloader, telemetry, knownModels, tracing);
        app.tables = tables;
        app.governance = governance;
        self[0] = app;
        try {
            StartupPhases.mark("servers made");
            tables.publish(first.result().snapshot().generation(), first.governance());
            server.apply(first.result().snapshot()).await(30, TimeUnit.SECONDS);
            StartupPhases.mark("listeners bound");
            telemetry.configLoaded(true, first.result().snapshot().generation());
            admin.start(settings.adminAddress(), settings.adminPort()).await(30, TimeUnit.SECONDS);
            StartupPhases.mark("admin");
        } catch (Exception e) {
            app.close();
            throw new StartupException(e.getMessage(), List.of());
        }
        log.info("admin on http://{}:{} (/healthz /readyz /config_dump /routes /providers /metrics /governance; dashboard /ui/)",
                settings.adminAddress(), admin.actualPort());
        String phases = StartupPhases.summary();
        if (phases != null) log.info("{}", phases);
        if (!settings.watchInterval().isZero() && !settings.files().isEmpty()) app.watch(settings.watchInterval());
        if (settings.kubernetes().isPresent()) {
            try {
                app.watchKubernetes(settings.kubernetes().get());
            } catch (RuntimeException e) {
                app.close();
                throw new StartupException("cannot watch the Kubernetes API: " + e.getMessage(), List.of());
            }
        }
        return app;
    }

    /**
     * How many event loops: {@code AIGW_EVENT_LOOPS}, else one per core. (Vert.x's own default is
     * two per core, for applications that block their loops now and then; the gateway never does,
     * and on a small machine the extra loops only split the connections, so each wake-up finds
     * fewer ready sockets: see docs/benchmarks.md.)
     */
    static int eventLoops(java.util.function.Function<String, String> env) {
        String v = env.apply("AIGW_EVENT_LOOPS");
        int cores = Runtime.getRuntime().availableProcessors();
        if (v == null || v.isBlank()) return cores;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 1024) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        log.warn("AIGW_EVENT_LOOPS={} is not a number of event loops (1-1024); using {} (one per core)", v, cores);
        return cores;
    }

    /**
     * Kubernetes mode: a second source feeding the same store and compiler. Each change of the
     * cluster's resources is offered whole ({@link ConfigReloader#offer}: bad resources rejected
     * alone), served, and reported to the status writer.
     */
    private void watchKubernetes(KubeOptions options) {
        kube = new KubeSource(options, this::applyKubernetes);
        status = new StatusWriter(kube);
        status.start();
        if (kube.start(Duration.ofSeconds(30))) {
            log.info("watching the Kubernetes API ({}; gateway classes {})", options.namespaces().isEmpty()
                    ? "all namespaces" : "namespaces " + options.namespaces(), options.gatewayClasses());
        }
    }

    /** Serves the cluster's current resources; called by the source, off the event loop. */
    private synchronized void applyKubernetes(List<RawResource> resources) {
        ConfigReloader.Outcome o = reloader.offer(KubeSource.SOURCE, resources);
        if (!o.problems().equals(lastKubeProblems)) ConfigReloader.report(o.problems());
        lastKubeProblems = o.problems();
        boolean programmed;
        try {
            knownModels.set(ModelLabels.fromSnapshot(o.result().snapshot()));
            tables.publish(o.result().snapshot().generation(), o.governance());
            server.apply(o.result().snapshot()).await(30, TimeUnit.SECONDS);
            telemetry.configLoaded(true, o.result().snapshot().generation());
            programmed = true;
            log.info("config generation {} loaded ({} resources from Kubernetes{})", o.result().snapshot().generation(),
                    resources.size(), o.rejected().isEmpty() ? "" : "; rejected: " + o.rejected());
        } catch (Exception e) {
            programmed = false;
            telemetry.configLoaded(false, server.snapshot().generation());
            log.error("config generation {} not applied: {}", o.result().snapshot().generation(), e.getMessage());
        }
        status.report(new StatusWriter.Report(resources, o.problems(), programmed));
    }

    private Optional<DashboardSources.ClusterInfo> clusterInfo() {
        KubeSource k = kube;
        if (k == null) return Optional.empty();
        StatusWriter w = status;
        boolean leads = w != null && w.isLeader();
        return Optional.of(new DashboardSources.ClusterInfo(k.synced(), k.staleSince(), k.options().identity(), leads,
                leads ? Optional.of(k.options().identity()) : leaseHolder.read(k)));
    }

    private AdminServer.Readiness readiness() {
        KubeSource k = kube;
        if (k == null) return AdminServer.Readiness.READY;
        if (!k.synced()) return new AdminServer.Readiness(false, "waiting for the first list from the Kubernetes API");
        return k.staleSince()
                .map(t -> new AdminServer.Readiness(true, "stale since " + t
                        + " (the Kubernetes API is unreachable; serving the last good config)"))
                .orElse(AdminServer.Readiness.READY);
    }

    /** The Kubernetes status writer, in Kubernetes mode. */
    public Optional<StatusWriter> statusWriter() {
        return Optional.ofNullable(status);
    }

    /**
     * Polls the files on a thread of its own (loading and compiling block). A change is loaded
     * once it has held still for one interval, so a file caught half-written is not loaded.
     */
    private void watch(Duration every) {
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-watcher");
            t.setDaemon(true);
            return t;
        });
        String[] pending = {null};
        watcher.scheduleWithFixedDelay(() -> {
            try {
                String fp = reloader.fingerprint();
                if (fp.equals(reloader.loadedFingerprint())) {
                    pending[0] = null;
                } else if (!fp.equals(pending[0])) {
                    pending[0] = fp;
                } else {
                    pending[0] = null;
                    reloadNow();
                }
            } catch (RuntimeException e) {
                log.error("config watch failed", e);
            }
        }, every.toMillis(), every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Loads the files now and serves the result if it is valid; blocking. Returns whether it was accepted. */
    public synchronized boolean reloadNow() {
        ConfigReloader.Outcome o = reloader.load();
        ConfigReloader.report(o.problems());
        if (!o.accepted()) {
            long errors = o.problems().stream().filter(Problem::isError).count();
            log.error("config change refused ({} error{}); still serving generation {}", errors,
                    errors == 1 ? "" : "s", server.snapshot().generation());
            telemetry.configLoaded(false, server.snapshot().generation());
            return false;
        }
        try {
            knownModels.set(ModelLabels.fromSnapshot(o.result().snapshot()));
            tables.publish(o.result().snapshot().generation(), o.governance());
            server.apply(o.result().snapshot()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("config generation {} not applied: {}", o.result().snapshot().generation(), e.getMessage());
            telemetry.configLoaded(false, server.snapshot().generation());
            return false;
        }
        telemetry.configLoaded(true, o.result().snapshot().generation());
        log.info("config generation {} loaded", o.result().snapshot().generation());
        return true;
    }

    public Snapshot snapshot() {
        return server.snapshot();
    }

    /** The port actually bound for a configured listener port (differs when configured as 0). */
    public int port(int configured) {
        Integer p = server.boundPorts().get(configured);
        if (p == null) throw new IllegalArgumentException("no listener on port " + configured);
        return p;
    }

    public int adminPort() {
        return admin.actualPort();
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        if (watcher != null) watcher.shutdownNow();
        if (status != null) status.close();
        if (kube != null) kube.close();
        try {
            admin.close().await(10, TimeUnit.SECONDS);
            server.close().await(35, TimeUnit.SECONDS);
            if (governance != null) governance.close();
        } catch (Exception e) {
            log.warn("shutdown: {}", e.getMessage());
        } finally {
            tracing.ifPresent(TracingTelemetry::close);
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the process is exiting anyway
            }
        }
    }
}

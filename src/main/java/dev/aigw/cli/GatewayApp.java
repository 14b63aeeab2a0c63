package dev.aigw.cli;

import dev.aigw.admin.AdminServer;
import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceStore;
import dev.aigw.proxy.GatewayServer;
import dev.aigw.proxy.ProxyOptions;
import dev.aigw.route.Snapshot;
import dev.aigw.route.SnapshotCompiler;
import dev.aigw.telemetry.AccessLogTelemetry;
import dev.aigw.telemetry.MetricsTelemetry;
import dev.aigw.telemetry.ModelLabels;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.telemetry.TracingTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A running gateway: Vert.x, the listeners, the admin server and the file watcher, wired from
 * {@link Settings}. {@link #start} blocks until it serves (or fails with every problem found).
 */
public final class GatewayApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

    public record Settings(List<Path> files, int implicitPort, String adminAddress, int adminPort,
                           ProxyOptions proxy, Duration watchInterval, Function<String, String> env) {
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
    private java.util.concurrent.ScheduledExecutorService watcher;

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
        ConfigReloader reloader = new ConfigReloader(new FileSource(settings.files()), new ResourceStore(),
                new SnapshotCompiler.Options(settings.implicitPort(), settings.env()));
        ConfigReloader.Outcome first = reloader.load();
        ConfigReloader.report(first.problems());
        if (!first.accepted()) {
            throw new StartupException("the configuration has errors", first.problems());
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        // Model labels come from config, so a client cannot create unbounded metric series.
        java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> knownModels =
                new java.util.concurrent.atomic.AtomicReference<>(ModelLabels.fromSnapshot(first.result().snapshot()));
        MetricsTelemetry metrics = new MetricsTelemetry(knownModels::get);
        java.util.Optional<TracingTelemetry> tracing = TracingTelemetry.fromEnvironment(settings.env());
        Telemetry telemetry = Telemetry.composite(metrics, new AccessLogTelemetry(),
                tracing.<Telemetry>map(t -> t).orElse(Telemetry.NOOP));
        GatewayServer server = new GatewayServer(vertx, settings.proxy(), telemetry);
        AdminServer admin = new AdminServer(vertx, server::snapshot, server::boundPorts, metrics::scrape);
        GatewayApp app = new GatewayApp(vertx, server, admin, reloader, telemetry, knownModels, tracing);
        try {
            server.apply(first.result().snapshot()).await(30, TimeUnit.SECONDS);
            telemetry.configLoaded(true, first.result().snapshot().generation());
            admin.start(settings.adminAddress(), settings.adminPort()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            app.close();
            throw new StartupException(e.getMessage(), List.of());
        }
        log.info("admin on http://{}:{} (/healthz /readyz /config_dump /routes /metrics)", settings.adminAddress(),
                admin.actualPort());
        if (!settings.watchInterval().isZero()) app.watch(settings.watchInterval());
        return app;
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
        try {
            admin.close().await(10, TimeUnit.SECONDS);
            server.close().await(35, TimeUnit.SECONDS);
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

package dev.aigw.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.route.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process is up), {@code /readyz} (a config is loaded; see {@link Readiness}), {@code /config_dump}
 * (the effective resources as JSON, secrets redacted, with the problems found), {@code /routes}
 * (the route table of each port, in precedence order, as text), {@code /metrics} (Prometheus text
 * exposition, when a metrics supplier is given); with {@link #dashboard}, the web dashboard on
 * {@code /ui/} and its JSON API on {@code /api/} (see docs/dashboard.md).
 */
public final class AdminServer {
    private final Vertx vertx;
    private final Supplier<Snapshot> snapshot;
    private final Supplier<Map<Integer, Integer>> boundPorts;
    private final Supplier<String> metrics;
    private final Supplier<Readiness> readiness;
    private Supplier<String> providers = () -> "not available\n";
    private Dashboard dashboard;
    private HttpServer server;
    private volatile Supplier<String> governance;

    /** Prometheus' text exposition format, as {@code /metrics} serves it. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * What a config source adds to {@code /readyz}: {@code ready} false answers 503 (e.g. the
     * first sync has not arrived); {@code detail} (may be null) is appended either way, e.g.
     * "stale since …" while the Kubernetes API is unreachable, which stays ready (200): the last
     * good config keeps serving, and a 503 on every replica would take them all out of the Service.
     */
    public record Readiness(boolean ready, String detail) {
        public static final Readiness READY = new Readiness(true, null);
    }

    public AdminServer(Vertx vertx, Supplier<Snapshot> snapshot, Supplier<Map<Integer, Integer>> boundPorts) {
        this(vertx, snapshot, boundPorts, null, () -> Readiness.READY);
    }

    /** @param metrics Prometheus text for {@code /metrics} (for example {@code MetricsTelemetry::scrape}); null: no endpoint */
    public AdminServer(Vertx vertx, Supplier<Snapshot> snapshot, Supplier<Map<Integer, Integer>> boundPorts,
                       Supplier<String> metrics) {
        this(vertx, snapshot, boundPorts, metrics, () -> Readiness.READY);
    }

    public AdminServer(Vertx vertx, Supplier<Snapshot> snapshot, Supplier<Map<Integer, Integer>> boundPorts,
                       Supplier<String> metrics, Supplier<Readiness> readiness) {
        this.vertx = vertx;
        this.snapshot = snapshot;
        this.boundPorts = boundPorts;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    public Future<HttpServer> start(String address, int port) {
        if (dashboard != null) dashboard.boundTo(address);
        server = vertx.createHttpServer().requestHandler(this::handle);
        return server.listen(port, address);
    }

    /** Governance's spend and limits as JSON for {@code /governance}; set before {@link #start}. */
    public AdminServer governance(Supplier<String> report) {
        this.governance = report;
        return this;
    }

    /** The providers' health report for {@code /providers}; set before {@link #start}. */
    public AdminServer providers(Supplier<String> report) {
        this.providers = report;
        return this;
    }

    /** Serves the web dashboard ({@code /ui/}) and its JSON API ({@code /api/...}); set before {@link #start}. */
    public AdminServer dashboard(DashboardSources sources, DashboardOptions options) {
        this.dashboard = new Dashboard(vertx, snapshot, boundPorts, sources, options);
        return this;
    }

    public int actualPort() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        if (dashboard != null && Dashboard.handles(req.path())) {
            dashboard.handle(req);
            return;
        }
        Snapshot s = snapshot.get();
        switch (req.path()) {
            case "/healthz" -> text(req, 200, "ok\n");
            case "/readyz" -> {
                Readiness r = readiness.get();
                String detail = r.detail() == null ? "" : "; " + r.detail();
                if (s.generation() == 0) text(req, 503, "not ready: no configuration loaded yet" + detail + "\n");
                else if (!r.ready()) text(req, 503, "not ready: config generation " + s.generation() + detail + "\n");
                else text(req, 200, "ready: config generation " + s.generation() + detail + "\n");
            }
            case "/config_dump" -> json(req, configDump(s));
            case "/routes" -> text(req, 200, routes(s));
            case "/providers" -> text(req, 200, providers.get());
            case "/governance" -> {
                Supplier<String> g = governance;
                req.response().setStatusCode(200).putHeader("content-type", "application/json")
                        .end(g == null ? "{\"callers\":{},\"teams\":{},\"limiters\":{}}\n" : g.get());
            }
            case "/metrics" -> {
                if (metrics == null) text(req, 404, "metrics are not enabled\n");
                else prometheus(req);
            }
            default -> text(req, 404, "not found; try /healthz /readyz /config_dump /routes /providers /metrics"
                    + (dashboard != null ? " /ui/" : "") + "\n");
        }
    }

    private ObjectNode configDump(Snapshot s) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("generation", s.generation());
        out.put("loadedAt", s.loadedAt().toString());
        ArrayNode resources = out.putArray("resources");
        for (RawResource r : s.resources()) {
            ObjectNode item = Redaction.redact(r.kind(), r.body());
            item.put("x-source", r.location().toString());
            resources.add(item);
        }
        ArrayNode problems = out.putArray("problems");
        for (Problem p : s.problems()) problems.add(p.toString());
        return out;
    }

    private String routes(Snapshot s) {
        StringBuilder sb = new StringBuilder("config generation ").append(s.generation()).append('\n');
        for (Snapshot.ListenerInfo l : s.listeners()) {
            sb.append("Gateway ").append(l.gateway()).append(" listener ").append(l.name()).append(" port ")
                    .append(l.port()).append(l.implicit() ? " (implicit: the config defines no Gateway)" : "").append('\n');
        }
        Map<Integer, Integer> bound = boundPorts.get();
        s.ports().forEach((port, table) -> {
            Integer actual = bound.get(port);
            sb.append("\nport ").append(port).append(actual != null && !actual.equals(port) ? " (bound " + actual + ")" : "")
                    .append(":\n");
            String d = table.describe();
            sb.append(d.isEmpty() ? "  (no routes)\n" : d);
        });
        if (!s.problems().isEmpty()) {
            sb.append("\nproblems:\n");
            for (Problem p : s.problems()) sb.append("  ").append(p).append('\n');
        }
        return sb.toString();
    }

    /** Scrapes off the event loop: a large registry takes a while to render. */
    private void prometheus(HttpServerRequest req) {
        vertx.executeBlocking(metrics::get, false).onComplete(ar -> {
            if (ar.succeeded()) {
                req.response().setStatusCode(200).putHeader("content-type", PROMETHEUS_CONTENT_TYPE).end(ar.result());
            } else {
                text(req, 500, "metrics failed: " + ar.cause() + "\n");
            }
        });
    }

    private static void text(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(body);
    }

    private static void json(HttpServerRequest req, ObjectNode body) {
        req.response().putHeader("content-type", "application/json").end(body.toPrettyString());
    }
}

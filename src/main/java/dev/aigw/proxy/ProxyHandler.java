package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.provider.Provider;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteMatch;
import dev.aigw.route.RouteTable;
import dev.aigw.route.Snapshot;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.telemetry.RequestInfo;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Serves one request: match a route in the current snapshot and hand the request to the stage
 * for its destination: {@link AiExchange} (LLM providers: body read once, bounded; failover;
 * translation), {@link StaticForward} (plain HTTP, streamed), or an error. Everything runs on
 * the request's event loop.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProxyHandler.class);

    private final ProxyServices services;
    private final int port;
    private final Supplier<Snapshot> snapshot;

    public ProxyHandler(ProxyServices services, int port, Supplier<Snapshot> snapshot) {
        this.services = services;
        this.port = port;
        this.snapshot = snapshot;
    }

    @Override
    public void handle(HttpServerRequest req) {
        try {
            serve(req);
        } catch (RuntimeException e) {
            // A bug must still answer the client, not leave it waiting.
            log.error("request {} {} failed in the gateway", req.method(), req.path(), e);
            Errors.send(req, 500, "gateway_error", "the gateway failed to handle this request: " + e);
        }
    }

    private void serve(HttpServerRequest req) {
        long start = System.nanoTime();
        String clientId = req.getHeader("x-request-id");
        String requestId = clientId == null || clientId.isBlank() ? newRequestId() : clientId;
        req.response().headers().set("x-request-id", requestId);
        ExchangeObserver obs = services.telemetry().begin(new RequestInfo(requestId, Instant.now(), start,
                req.method().name(), req.path(), req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(),
                req.getHeader("user-agent"), req::getHeader));
        HttpServerResponse response = req.response();
        // On a client abort Vert.x calls the end handler before the close handler, with the response not ended.
        List<Runnable> endActions = new java.util.ArrayList<>(1);
        response.endHandler(v -> {
            for (Runnable r : endActions) r.run();
            obs.finished(response.ended() ? response.getStatusCode() : 499, isStream(response), response.bytesWritten());
        });
        List<Runnable> closeActions = new java.util.ArrayList<>(2);
        response.closeHandler(v -> {
            if (response.ended()) return;
            for (Runnable r : closeActions) r.run();
            // 499, as nginx and Envoy log a client that left before the answer was complete.
            obs.finished(499, isStream(response), response.bytesWritten());
        });
        Snapshot snap = snapshot.get();
        RouteTable table = snap.ports().get(port);
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(req.uri()).parameters();
        } catch (IllegalArgumentException e) {
            Errors.send(req, 400, "invalid_request_error", "the query string cannot be decoded: " + e.getMessage());
            return;
        }
        if (table != null && table.routesByModel() && req.method() == io.vertx.core.http.HttpMethod.POST
                && ClientFormat.detect(req.method().name(), req.path()) instanceof ClientFormat.Api) {
            // Model routing: the body's "model" becomes the x-gateway-model header before matching.
            readBody(req, body -> {
                ObjectNode parsed = parseQuietly(body);
                String model = parsed != null && parsed.path("model").isTextual() ? parsed.get("model").asText() : null;
                route(snap, req, table, query, start, requestId, obs, closeActions, endActions, model, body, parsed);
            });
            return;
        }
        route(snap, req, table, query, start, requestId, obs, closeActions, endActions, null, null, null);
    }

    private void route(Snapshot snap, HttpServerRequest req, RouteTable table, Map<String, List<String>> query, long start,
                       String requestId, ExchangeObserver obs, List<Runnable> closeActions,
                       List<Runnable> endActions, String model,
                       Buffer body, ObjectNode parsed) {
        String path = req.path();
        HostAndPort authority = req.authority();
        String host = authority == null ? "" : authority.host();
        java.util.function.Function<String, String> headers = model == null ? req::getHeader
                : name -> name.equalsIgnoreCase(MODEL_HEADER) ? model : req.getHeader(name);
        Optional<RouteMatch> match = table == null ? Optional.empty()
                : table.match(host, path, req.method().name(), headers, query);
        if (match.isEmpty() && table != null && table.routesByModel() && req.method() == io.vertx.core.http.HttpMethod.GET
                && ClientFormat.detect("GET", path) instanceof ClientFormat.ModelList) {
            // Routed by model, a model list has no model to route by: it lists every model routed here.
            modelList(req, table.rulesByPath(path, "GET"));
            return;
        }
        if (match.isEmpty()) {
            if (model != null) {
                Errors.send(req, 404, "model_not_found", "no route serves model " + model + "; models routed on "
                        + "this listener: " + String.join(", ", table.routedModels()));
                return;
            }
            Errors.send(req, 404, "not_found", "no route matches " + req.method() + " " + path
                    + (host.isEmpty() ? "" : " on host " + host) + " (listener port " + port + ")");
            return;
        }
        CompiledRule rule = match.get().rule();
        Optional<Destination> dest = rule.pick();
        if (dest.isEmpty()) {
            Errors.send(req, 500, "gateway_error", "route " + rule.id() + " has no backend that can take traffic");
            return;
        }
        obs.routed(rule.id(), dest.get().name());
        Exchange ex = new Exchange(req, match.get(), requestId, query, start, obs, closeActions, endActions);
        dev.aigw.governance.Governance gov = services.governance().get(snap.generation());
        Optional<dev.aigw.governance.RuleGate> gate = gov.isEmpty() ? Optional.empty() : gateFor(gov, snap, rule);
        if (gate.isPresent()) {
            governed(ex, dest.get(), gate.get(), path, model, body, parsed);
            return;
        }
        dispatch(ex, dest.get(), path, model, body, parsed);
    }

    private void dispatch(Exchange ex, Destination dest, String path, String model, Buffer body, ObjectNode parsed) {
        HttpServerRequest req = ex.req();
        CompiledRule rule = ex.rule();
        switch (dest) {
            case Destination.Unavailable u -> Errors.send(req, 500, "gateway_error",
                    "route " + rule.id() + " cannot be served: " + u.reason());
            case Destination.Ai ai -> {
                ClientFormat format = ClientFormat.detect(req.method().name(), path);
                // Priced under the model catalog when the usage is known (llm.cost in telemetry).
                Exchange metered = ex.obs() instanceof MeteredObserver ? ex : new Exchange(req, ex.match(), ex.requestId(),
                        ex.query(), ex.startNanos(), new MeteredObserver(ex.obs(), services.governanceRuntime().catalog(), null,
                        dev.aigw.limit.Admission.NONE, Map.of(), null), ex.closeActions(), ex.endActions());
                if (format instanceof ClientFormat.ModelList) modelList(req, List.of(rule));
                else if (body != null) AiExchange.start(services, metered, ai, format, body, parsed);
                else readBody(req, b -> AiExchange.start(services, metered, ai, format, b));
            }
            case Destination.Static s -> {
                if (body == null) StaticForward.forward(services, ex, s);
                else Errors.send(req, 400, "invalid_request_error", "route " + rule.id() + " matched by model "
                        + model + " leads to a Static backend, which cannot take a body the gateway has read");
            }
        }
    }

    /** The gate of this rule on this listener's Gateway, if a policy governs it. */
    private Optional<dev.aigw.governance.RuleGate> gateFor(dev.aigw.governance.Governance gov, Snapshot snap, CompiledRule rule) {
        for (Snapshot.ListenerInfo l : snap.listeners()) {
            if (l.port() != port) continue;
            Optional<dev.aigw.governance.RuleGate> g = gov.gate(l.gateway(), rule.route().ref(), rule.index());
            if (g.isPresent()) return g;
        }
        return Optional.empty();
    }

    /** Governance first (it may need the body's model), then the exchange as {@link #dispatch} runs it. */
    private void governed(Exchange ex, Destination dest, dev.aigw.governance.RuleGate gate, String path, String model,
                          Buffer body, ObjectNode parsed) {
        HttpServerRequest req = ex.req();
        ClientFormat format = ClientFormat.detect(req.method().name(), path);
        dev.aigw.translate.Schema schema = format.api().orElse(null);
        if (dest instanceof Destination.Ai && !(format instanceof ClientFormat.ModelList) && body == null) {
            readBody(req, b -> {
                ObjectNode p = parseQuietly(b);
                GovernedRequest.run(services, ex, dest, gate, p, schema, next -> dispatch(next, dest, path, model, b, p));
            });
            return;
        }
        GovernedRequest.run(services, ex, dest, gate, parsed, schema, next -> dispatch(next, dest, path, model, body, parsed));
    }

    /** The header a request's body model is copied into for HTTPRoute header matches. */
    public static final String MODEL_HEADER = "x-gateway-model";

    private static ObjectNode parseQuietly(Buffer body) {
        try {
            return JSON.readTree(body.getBytes()) instanceof ObjectNode o ? o : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * A random (version 4) UUID from the thread's own generator: request ids need to be unique,
     * not unguessable, and UUID.randomUUID's SecureRandom was ~1% of a proxied request.
     */
    static String newRequestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    private static boolean isStream(HttpServerResponse r) {
        String ct = r.headers().get("content-type");
        return ct != null && (ct.startsWith("text/event-stream") || ct.startsWith("application/vnd.amazon.eventstream"));
    }

    /** Reads the whole body, refusing it with 413 past the limit. */
    private void readBody(HttpServerRequest req, Handler<Buffer> then) {
        long max = services.options().maxBodyBytes();
        if (!withinLimit(req, max)) return;
        String cl = req.getHeader("content-length");
        // A declared length is a hint, not a reason to allocate it before a byte arrives.
        Buffer body = Buffer.buffer(cl == null ? 1024 : (int) Math.min(Long.parseLong(cl.strip()), 64 * 1024));
        boolean[] failed = {false};
        req.handler(chunk -> {
            if (failed[0]) return;
            if (body.length() + chunk.length() > max) {
                failed[0] = true;
                tooLarge(req, max);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> failed[0] = true);
        req.endHandler(v -> {
            if (!failed[0]) then.handle(body);
        });
    }

    /** Checks a declared Content-Length against the limit; answers 400/413 and returns false when it fails. */
    static boolean withinLimit(HttpServerRequest req, long max) {
        String cl = req.getHeader("content-length");
        if (cl == null) return true;
        try {
            if (Long.parseLong(cl.strip()) <= max) return true;
            tooLarge(req, max);
        } catch (NumberFormatException e) {
            Errors.send(req, 400, "invalid_request_error", "Content-Length " + cl + " is not a number");
        }
        return false;
    }

    private static void tooLarge(HttpServerRequest req, long max) {
        req.response().headers().set("connection", "close");
        Errors.send(req, 413, "request_too_large", "request body is larger than the limit of " + max
                + " bytes (--max-body-bytes)");
    }

    /** {@code GET …/models}: the models this rule's AI backends serve, as OpenAI lists them. */
    private static void modelList(HttpServerRequest req, List<CompiledRule> rules) {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        var data = list.putArray("data");
        Set<String> seen = new LinkedHashSet<>();
        for (CompiledRule.Weighted w : rules.stream().flatMap(r -> r.destinations().stream()).toList()) {
            if (!(w.destination() instanceof Destination.Ai ai)) continue;
            for (List<Provider> group : ai.groups()) {
                for (Provider p : group) {
                    String id = p.model().orElse(null);
                    if (id == null || !seen.add(id)) continue;
                    data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", p.kind());
                }
            }
        }
        req.response().putHeader("content-type", "application/json").end(list.toString());
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.proxy.stage.GatewayError;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Serves one request: match a route in the current snapshot and hand the request to the handler
 * for its destination: {@link AiExchange} (the AI pipeline: body read once, bounded; request
 * stages; failover; translation), {@link ModelList} and {@link CountTokens} (AI requests that
 * generate nothing), {@link StaticForward} (plain HTTP, streamed), or an error. Every answer goes
 * through the request's {@link ClientResponse}. Everything runs on the request's event loop.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
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
            // A bug must still answer the client, not leave it waiting (the writer sees what was sent).
            log.error("request {} {} failed in the gateway", req.method(), req.path(), e);
            new ClientResponse(req, ExchangeObserver.NOOP, services.vertx(), "")
                    .fail(new GatewayError.Internal("the gateway failed to handle this request: " + e));
        }
    }

    /** What is known of a request before its route is chosen; one record instead of a dozen parameters. */
    private record Incoming(HttpServerRequest req, ClientResponse out, BufferBudget.Hold buffered, RouteTable table,
                            Map<String, List<String>> query, long start, String requestId, ExchangeObserver obs,
                            List<Runnable> closeActions, List<Runnable> endActions, Snapshot snapshot) {
    }

    /** A body read before matching (model routing): its model, bytes and parsed object. */
    private record Peeked(String model, Buffer body, ObjectNode parsed) {
    }

    private void serve(HttpServerRequest req) {
        long start = System.nanoTime();
        String clientId = req.getHeader(Headers.X_REQUEST_ID);
        String requestId = clientId == null || clientId.isBlank() || !Headers.safeValue(clientId) ? newRequestId() : clientId;
        req.response().headers().set(Headers.X_REQUEST_ID, requestId);
        ExchangeObserver obs = services.telemetry().begin(new RequestInfo(requestId, Instant.now(), start,
                req.method().name(), req.path(), req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(),
                req.getHeader(Headers.USER_AGENT), req::getHeader));
        HttpServerResponse response = req.response();
        ClientResponse out = new ClientResponse(req, obs, services.vertx(), requestId);
        // Errors before a route is known answer in the format the path names (OpenAI's for others).
        out.schema(ClientFormat.detect(req.method().name(), FrontDoor.path(req)).errorSchema());
        BufferBudget.Hold buffered = services.buffers().hold();
        // On a client abort Vert.x calls the end handler before the close handler, with the response not ended.
        List<Runnable> endActions = new java.util.ArrayList<>(2);
        endActions.add(buffered::release);
        response.endHandler(v -> {
            for (Runnable r : endActions) r.run();
            obs.finished(response.ended() ? response.getStatusCode() : 499, isStream(response), response.bytesWritten());
        });
        List<Runnable> closeActions = new java.util.ArrayList<>(2);
        response.closeHandler(v -> {
            buffered.release();
            if (response.ended()) return;
            for (Runnable r : closeActions) r.run();
            // 499, as nginx and Envoy log a client that left before the answer was complete.
            obs.finished(499, isStream(response), response.bytesWritten());
        });
        if (!FrontDoor.admit(out, req)) return;
        Snapshot snap = snapshot.get();
        RouteTable table = snap.ports().get(port);
        Map<String, List<String>> query;
        try {
            // Most AI requests have no query: no decoder, no maps.
            query = req.uri().indexOf('?') < 0 ? Map.of() : new QueryStringDecoder(req.uri()).parameters();
        } catch (IllegalArgumentException e) {
            out.fail(new GatewayError.BadRequest("the query string cannot be decoded: " + e.getMessage()));
            return;
        }
        Incoming in = new Incoming(req, out, buffered, table, query, start, requestId, obs, closeActions, endActions, snap);
        if (table != null && table.routesByModel() && req.method() == io.vertx.core.http.HttpMethod.POST
                && ClientFormat.detect(req.method().name(), FrontDoor.path(req)) instanceof ClientFormat.Api) {
            // Model routing: the body's "model" becomes the x-gateway-model header before matching.
            readBody(in, body -> {
                ObjectNode parsed = BodyStage.parseQuietly(body);
                GatewayError bad = parsed == null ? null : BodyStage.checkModel(parsed);
                if (bad != null) {
                    out.fail(bad);
                    return;
                }
                String model = parsed != null && parsed.path("model").isTextual() ? parsed.get("model").asText() : null;
                route(in, Optional.of(new Peeked(model, body, parsed)));
            });
            return;
        }
        route(in, Optional.empty());
    }

    private void route(Incoming in, Optional<Peeked> peeked) {
        HttpServerRequest req = in.req();
        ClientResponse out = in.out();
        RouteTable table = in.table();
        String path = FrontDoor.path(req);
        HostAndPort authority = req.authority();
        String host = authority == null ? "" : authority.host();
        String model = peeked.map(Peeked::model).orElse(null);
        java.util.function.Function<String, String> headers = model == null ? req::getHeader
                : name -> name.equalsIgnoreCase(MODEL_HEADER) ? model : req.getHeader(name);
        Optional<RouteMatch> match = table == null ? Optional.empty()
                : table.match(host, path, req.method().name(), headers, in.query());
        if (match.isEmpty() && table != null && table.routesByModel() && req.method() == io.vertx.core.http.HttpMethod.GET
                && ClientFormat.detect("GET", path) instanceof ClientFormat.ModelList) {
            // Routed by model, a model list has no model to route by: it lists every model routed here.
            ModelList.answer(out, table.rulesByPath(path, "GET"));
            return;
        }
        if (match.isEmpty()) {
            if (model != null) {
                out.fail(new GatewayError.NotFound("model_not_found", "no route serves model " + model
                        + "; models routed on this listener: " + String.join(", ", table.routedModels())));
                return;
            }
            out.fail(new GatewayError.NotFound("not_found", "no route matches " + req.method() + " " + path
                    + (host.isEmpty() ? "" : " on host " + host) + " (listener port " + port + ")"));
            return;
        }
        CompiledRule rule = match.get().rule();
        if (Cors.handle(rule, req)) return;
        Optional<Destination> dest = rule.pick();
        if (dest.isEmpty()) {
            out.fail(new GatewayError.Unresolved("route " + rule.id() + " has no backend that can take traffic"));
            return;
        }
        in.obs().routed(rule.id(), dest.get().name());
        Exchange ex = new Exchange(req, out, in.buffered(), match.get(), in.requestId(), in.query(), in.start(), in.obs(),
                in.closeActions(), in.endActions());
        // Governance (AgentgatewayPolicy traffic: authentication, authorization, limits) runs first when a policy governs the rule.
        dev.aigw.governance.Governance gov = services.governance().get(in.snapshot().generation());
        Optional<dev.aigw.governance.RuleGate> gate = gov.isEmpty() ? Optional.empty() : gateFor(gov, in.snapshot(), rule);
        if (gate.isPresent()) {
            governed(in, ex, dest.get(), gate.get(), peeked, path, model);
            return;
        }
        dispatch(in, ex, dest.get(), peeked, path, model);
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

    /** Governance before the exchange; an AI body is read first (CEL's llm.requestModel). */
    private void governed(Incoming in, Exchange ex, Destination dest, dev.aigw.governance.RuleGate gate, Optional<Peeked> peeked,
                          String path, String model) {
        HttpServerRequest req = in.req();
        // The same reading of the path as dispatch's (the Backend's routes decide), so a body that
        // dispatch relays unread is not read here either.
        ClientFormat format = dest instanceof Destination.Ai ai ? AiPaths.format(ai, req.method().name(), AiPaths.path(ex, ai))
                : ClientFormat.detect(req.method().name(), path);
        dev.aigw.translate.Schema schema = format.api().orElse(null);
        // Bodies that are relayed unread (provider passthrough, counts) or refused anyway are not read here.
        boolean readsBody = !(format instanceof ClientFormat.ModelList) && !(format instanceof ClientFormat.Passthrough)
                && !(format instanceof ClientFormat.Unserved) && !(format instanceof ClientFormat.ResponsesInputTokens);
        if (dest instanceof Destination.Ai && readsBody && peeked.isEmpty()) {
            readBody(in, b -> {
                ObjectNode p = BodyStage.parseQuietly(b);
                Optional<Peeked> read = Optional.of(new Peeked(model, b, p));
                GovernedRequest.run(services, ex, dest, gate, p, schema, next -> dispatch(in, next, dest, read, path, model));
            });
            return;
        }
        ObjectNode parsed = peeked.map(Peeked::parsed).orElse(null);
        GovernedRequest.run(services, ex, dest, gate, parsed, schema, next -> dispatch(in, next, dest, peeked, path, model));
    }

    private void dispatch(Incoming in, Exchange ex, Destination destination, Optional<Peeked> peeked, String path, String model) {
        HttpServerRequest req = in.req();
        ClientResponse out = in.out();
        CompiledRule rule = ex.rule();
        Optional<Destination> dest = Optional.of(destination);
        if (destination instanceof Destination.Ai && !(ex.obs() instanceof MeteredObserver)) {
            // Priced under the model catalog when the usage is known (llm.cost in telemetry).
            ex = new Exchange(req, out, ex.buffered(), ex.match(), ex.requestId(), ex.query(), ex.startNanos(),
                    new MeteredObserver(ex.obs(), services.governanceRuntime().catalog(), null, dev.aigw.limit.Admission.NONE,
                            Map.of(), null), ex.closeActions(), ex.endActions());
        }
        Exchange exchange = ex;
        switch (dest.get()) {
            case Destination.Unavailable u -> out.fail(new GatewayError.Unresolved("route " + rule.id()
                    + " cannot be served: " + u.reason()));
            case Destination.Ai ai -> {
                // Handlers of their own, chosen before the pipeline: the model list, estimated token counts,
                // the providers' other endpoints (streamed, never read whole) and paths the route does not serve.
                ClientFormat format = AiPaths.format(ai, req.method().name(), AiPaths.path(exchange, ai));
                if (format instanceof ClientFormat.ModelList) {
                    ModelList.answer(out, List.of(rule));
                } else if (format instanceof ClientFormat.Unserved u) {
                    AiPaths.notServed(exchange, u);
                } else if (peeked.isEmpty() && format instanceof ClientFormat.Passthrough p) {
                    ProviderPassthrough.forward(services, exchange, ai, p);
                } else if (peeked.isEmpty() && format instanceof ClientFormat.ResponsesInputTokens
                        && ProviderPassthrough.servesNatively(ai.primary(), format)) {
                    ProviderPassthrough.forward(services, exchange, ai, new ClientFormat.Passthrough(false));
                } else if (peeked.isPresent() && format instanceof ClientFormat.CountTokens && CountTokens.estimates(ai)) {
                    CountTokens.answer(services, exchange, ai, peeked.get().body());
                } else if (peeked.isPresent() && format instanceof ClientFormat.ResponsesInputTokens) {
                    // A count, never a generation, even when the body was read first (model routing).
                    CountTokens.estimate(services, exchange, ai, peeked.get().body(), INPUT_TOKENS_NEEDS_A_BODY, ProxyHandler::inputTokens);
                } else if (peeked.isPresent()) {
                    AiExchange.start(services, exchange, ai, format, peeked.get().body(), peeked.get().parsed());
                } else {
                    readBody(in, b -> {
                        if (format instanceof ClientFormat.CountTokens && CountTokens.estimates(ai)) {
                            CountTokens.answer(services, exchange, ai, b);
                        } else if (format instanceof ClientFormat.ResponsesInputTokens) {
                            // The Responses API's count, for a provider without one.
                            CountTokens.estimate(services, exchange, ai, b, INPUT_TOKENS_NEEDS_A_BODY, ProxyHandler::inputTokens);
                        } else {
                            AiExchange.start(services, exchange, ai, format, b, null);
                        }
                    });
                }
            }
            case Destination.Static s -> {
                if (peeked.isEmpty()) StaticForward.forward(services, exchange, s);
                else out.fail(new GatewayError.BadRequest("route " + rule.id() + " matched by model "
                        + model + " leads to a Static backend, which cannot take a body the gateway has read"));
            }
        }
    }

    private static final String INPUT_TOKENS_NEEDS_A_BODY = "input_tokens needs a Responses request body (a JSON object)";

    private static ObjectNode inputTokens(long n) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("object", "response.input_tokens").put("input_tokens", n);
    }

    /** The header a request's body model is copied into for HTTPRoute header matches. */
    public static final String MODEL_HEADER = "x-gateway-model";

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
        String ct = r.headers().get(Headers.CONTENT_TYPE);
        return ct != null && (ct.startsWith("text/event-stream") || ct.startsWith("application/vnd.amazon.eventstream"));
    }

    /**
     * Reads the whole body, refusing it with 413 past the request limit and 503 past the global
     * bound on buffered bytes.
     */
    private void readBody(Incoming in, Handler<Buffer> then) {
        HttpServerRequest req = in.req();
        long max = services.options().maxBodyBytes();
        if (!withinLimit(in.out(), req, max)) return;
        String cl = req.getHeader(Headers.CONTENT_LENGTH);
        // A declared length is a hint, not a reason to allocate it before a byte arrives.
        Buffer body = Buffer.buffer(cl == null ? 1024 : (int) Math.min(Long.parseLong(cl.strip()), 64 * 1024));
        boolean[] failed = {false};
        req.handler(chunk -> {
            if (failed[0]) return;
            if (body.length() + chunk.length() > max) {
                failed[0] = true;
                FrontDoor.refuse(in.out(), req, tooLarge(max));
                return;
            }
            if (!in.buffered().reserve(chunk.length())) {
                failed[0] = true;
                FrontDoor.refuse(in.out(), req, new GatewayError.Overloaded("the gateway is holding its limit of "
                        + services.buffers().max() + " buffered bytes (--max-buffered-bytes) across all requests; "
                        + "retry shortly"));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> failed[0] = true);
        req.endHandler(v -> {
            if (failed[0]) return;
            try {
                then.handle(body);
            } catch (RuntimeException e) {
                // Thrown in a callback, past handle()'s own catch: the client still gets an answer.
                log.error("request failed after its body was read", e);
                in.out().fail(new GatewayError.Internal("the gateway failed to handle this request: " + e.getClass().getSimpleName()));
            }
        });
    }

    /** Checks a declared Content-Length against the limit; answers 400/413 and returns false when it fails. */
    static boolean withinLimit(ClientResponse out, HttpServerRequest req, long max) {
        String cl = req.getHeader(Headers.CONTENT_LENGTH);
        if (cl == null) return true;
        try {
            if (Long.parseLong(cl.strip()) <= max) return true;
            FrontDoor.refuse(out, req, tooLarge(max));
        } catch (NumberFormatException e) {
            out.fail(new GatewayError.BadRequest("Content-Length " + cl + " is not a number"));
        }
        return false;
    }

    private static GatewayError tooLarge(long max) {
        return new GatewayError.TooLarge("request body is larger than the limit of " + max + " bytes (--max-body-bytes)");
    }
}

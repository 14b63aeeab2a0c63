package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.HttpRouteResource.PathType;
import dev.aigw.config.HttpRouteResource.ValueMatch;
import dev.aigw.route.RouteMatch;
import dev.aigw.route.RouteTable;
import dev.aigw.route.Snapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * "Try it": sends a prompt to a chosen route through the gateway's own listener (over loopback,
 * in the front-door format asked for) and streams the answer back as it comes, with the
 * request id the gateway logged it under. The request passes the whole data path, so what the
 * page shows is what a client gets. Only plain-HTTP listeners (the gateway does not trust its
 * own certificate as a client).
 */
final class TryIt {
    static final int MAX_PROMPT = 32 * 1024;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Vertx vertx;
    private HttpClient client;

    TryIt(Vertx vertx) {
        this.vertx = vertx;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(120)
                    .setKeepAlive(false), new PoolOptions().setHttp1MaxSize(8));
        }
        return client;
    }

    /** The paths a format's request may take under a route's path match, best first. */
    static List<String> candidates(String format, String model, PathType type, String value) {
        String api = switch (format) {
            case "openai" -> "/v1/chat/completions";
            case "anthropic" -> "/v1/messages";
            case "gemini" -> "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                    + ":streamGenerateContent";
            default -> throw new IllegalArgumentException(format);
        };
        Set<String> out = new LinkedHashSet<>();
        if (type == PathType.EXACT) out.add(value);
        if (type == PathType.PATH_PREFIX) {
            String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            // A prefix that already ends in the API's version (/openai/v1) is not doubled.
            for (String version : List.of("/v1beta", "/v1")) {
                if (prefix.endsWith(version) && api.startsWith(version + "/")) out.add(prefix + api.substring(version.length()));
            }
            out.add(prefix + api);
        }
        out.add(api);
        return new ArrayList<>(out);
    }

    static ObjectNode body(String format, String model, String prompt) {
        ObjectNode b = JSON.objectNode();
        switch (format) {
            case "openai" -> {
                b.put("model", model);
                b.put("stream", true);
                b.putObject("stream_options").put("include_usage", true);
                b.putArray("messages").addObject().put("role", "user").put("content", prompt);
            }
            case "anthropic" -> {
                b.put("model", model);
                b.put("max_tokens", 1024);
                b.put("stream", true);
                b.putArray("messages").addObject().put("role", "user").put("content", prompt);
            }
            default -> {
                ObjectNode c = b.putArray("contents").addObject();
                c.put("role", "user");
                c.putArray("parts").addObject().put("text", prompt);
            }
        }
        return b;
    }

    void send(HttpServerRequest req, JsonNode in, Snapshot s, Map<Integer, Integer> bound) {
        String routeId = in.path("route").asText("");
        String format = in.path("format").asText("openai");
        String model = in.path("model").asText("").strip();
        String prompt = in.path("prompt").asText("");
        if (!List.of("openai", "anthropic", "gemini").contains(format)) {
            Dashboard.error(req, 400, "format " + format + " is not a front door; use openai, anthropic or gemini");
            return;
        }
        if (prompt.isBlank() || prompt.length() > MAX_PROMPT) {
            Dashboard.error(req, 400, "the prompt must be 1 to " + MAX_PROMPT + " characters");
            return;
        }
        if (model.isEmpty()) model = "default";
        if (model.length() > 256) {
            Dashboard.error(req, 400, "the model name is over 256 characters");
            return;
        }
        for (var port : s.ports().entrySet()) {
            for (RouteTable.Entry e : port.getValue().entries()) {
                if (!e.rule().id().equals(routeId)) continue;
                if (s.tls().containsKey(port.getKey())) {
                    Dashboard.error(req, 400, "route " + routeId + " is served on an HTTPS listener; Try it uses plain-HTTP listeners only");
                    return;
                }
                Integer actual = bound.get(port.getKey());
                if (actual == null) continue;
                Map<String, String> headers = new HashMap<>();
                for (ValueMatch h : e.match().headers()) if (h.regex() == null) headers.put(h.name().toLowerCase(), h.value());
                String host = e.hostnames().stream().filter(h -> !h.startsWith("*")).findFirst().orElse("localhost");
                String method = e.match().method().orElse("POST");
                for (String path : candidates(format, model, e.match().path().type(), e.match().path().value())) {
                    var m = port.getValue().match(host, path, method, headers::get, Map.of());
                    if (m.map(RouteMatch::rule).map(r -> r.id().equals(routeId)).orElse(false)) {
                        forward(req, actual, host, format.equals("gemini") ? path + "?alt=sse" : path, headers,
                                body(format, model, prompt));
                        return;
                    }
                }
                Dashboard.error(req, 400, "route " + routeId + " does not take " + format + " requests at "
                        + candidates(format, model, e.match().path().type(), e.match().path().value())
                        + " (its match is " + e.match().path().type() + " " + e.match().path().value() + ")");
                return;
            }
        }
        Dashboard.error(req, 404, "no route " + routeId + " in config generation " + s.generation()
                + "; pick one from /api/overview");
    }

    private void forward(HttpServerRequest req, int port, String host, String path, Map<String, String> headers,
                         ObjectNode body) {
        String requestId = "tryit-" + UUID.randomUUID();
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).setTimeout(120_000).putHeader("host", host).putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream").putHeader("x-request-id", requestId)
                .putHeader("user-agent", "ai-gateway-dashboard");
        headers.forEach(o::putHeader);
        client().request(o).compose(r -> r.send(body.toString())).onComplete(ar -> {
            if (ar.failed()) {
                Dashboard.error(req, 502, "the gateway's listener on port " + port + " did not answer: "
                        + ar.cause().getMessage());
                return;
            }
            var up = ar.result();
            var resp = req.response().setStatusCode(up.statusCode()).putHeader("cache-control", "no-store")
                    .putHeader("x-request-id", up.getHeader("x-request-id") == null ? requestId : up.getHeader("x-request-id"))
                    .putHeader("x-tryit-path", path);
            String type = up.getHeader("content-type");
            if (type != null) resp.putHeader("content-type", type);
            String provider = up.getHeader("x-gateway-provider");
            if (provider != null) resp.putHeader("x-gateway-provider", provider);
            resp.setChunked(true);
            // The page went away mid-answer: stop the gateway's request too, not only our side.
            req.connection().closeHandler(v -> up.request().reset());
            up.pipeTo(resp);
        });
    }
}

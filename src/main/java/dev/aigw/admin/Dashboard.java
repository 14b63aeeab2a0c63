package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.route.Snapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The web dashboard on the admin listener: the page ({@code /ui/}, static files from the jar's
 * {@code ui/}) and the JSON API it reads ({@code /api/...}, documented in docs/dashboard.md and
 * usable by scripts). Data is computed on a worker thread, never on the admin event loop.
 */
final class Dashboard {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9_-]*\\.(html|js|css|svg|png)");
    private static final int MAX_BODY = 64 * 1024;
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Vertx vertx;
    private final Supplier<Snapshot> snapshot;
    private final Supplier<Map<Integer, Integer>> boundPorts;
    private final DashboardSources sources;
    private final DashboardOptions options;
    private final DashboardAuth auth;
    private final TryIt tryIt;

    Dashboard(Vertx vertx, Supplier<Snapshot> snapshot, Supplier<Map<Integer, Integer>> boundPorts,
              DashboardSources sources, DashboardOptions options) {
        this.vertx = vertx;
        this.snapshot = snapshot;
        this.boundPorts = boundPorts;
        this.sources = sources;
        this.options = options;
        this.auth = new DashboardAuth(options.adminToken());
        this.tryIt = new TryIt(vertx);
    }

    void boundTo(String address) {
        auth.boundTo(address);
    }

    static boolean handles(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/") || path.startsWith("/api/");
    }

    void handle(HttpServerRequest req) {
        String path = req.path();
        HttpServerResponse resp = req.response();
        resp.putHeader("x-content-type-options", "nosniff").putHeader("referrer-policy", "no-referrer")
                .putHeader("x-frame-options", "DENY");
        if (path.equals("/") || path.equals("/ui")) {
            resp.setStatusCode(302).putHeader("location", "/ui/").end();
        } else if (path.startsWith("/ui/")) {
            asset(req, path.equals("/ui/") ? "index.html" : path.substring(4));
        } else {
            api(req, path.substring(5));
        }
    }

    private void asset(HttpServerRequest req, String name) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            error(req, 405, "the dashboard's pages are read with GET");
            return;
        }
        if (!ASSET.matcher(name).matches()) {
            error(req, 404, "no dashboard file " + name + "; the dashboard is at /ui/");
            return;
        }
        byte[] body;
        try (InputStream in = Dashboard.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                error(req, 404, "no dashboard file " + name + "; the dashboard is at /ui/");
                return;
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            error(req, 500, "cannot read dashboard file " + name + ": " + e.getMessage());
            return;
        }
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> "image/png";
        };
        req.response().putHeader("content-type", type).putHeader("cache-control", "no-cache")
                .putHeader("content-security-policy", CSP).end(Buffer.buffer(body));
    }

    private void api(HttpServerRequest req, String name) {
        boolean post = req.method() == HttpMethod.POST;
        if (post && !sameOrigin(req)) {
            error(req, 403, "cross-origin POST refused: send it from the dashboard's own page, with content-type application/json");
            return;
        }
        switch (name) {
            case "session" -> session(req);
            case "login" -> {
                if (!post) error(req, 405, "log in with POST {\"token\": \"...\"}");
                else readJson(req, body -> login(req, body));
            }
            case "logout" -> {
                if (!post) {
                    error(req, 405, "log out with POST");
                    return;
                }
                req.response().addCookie(auth.logout(req)).setStatusCode(204).end();
            }
            default -> {
                if (auth.misconfigured()) {
                    error(req, 403, auth.misconfiguredMessage());
                } else if (!auth.authenticated(req)) {
                    error(req, 401, "the dashboard API needs the admin token: log in on /ui/ or send "
                            + "Authorization: Bearer <token>");
                } else {
                    data(req, name, post);
                }
            }
        }
    }

    private void data(HttpServerRequest req, String name, boolean post) {
        if (name.equals("try")) {
            if (!post) error(req, 405, "send a prompt with POST /api/try");
            else if (!options.tryIt()) error(req, 403, "Try it is off; start the gateway with --admin-try-it to enable it");
            else readJson(req, body -> tryIt.send(req, body, snapshot.get(), boundPorts.get()));
            return;
        }
        if (req.method() != HttpMethod.GET) {
            error(req, 405, "/api/" + name + " is read with GET");
            return;
        }
        Supplier<JsonNode> compute = switch (name) {
            case "overview" -> () -> DashboardJson.overview(snapshot.get(), boundPorts.get(), sources.cluster().get());
            case "providers" -> () -> DashboardJson.providers(sources.providers().get());
            case "traffic" -> {
                Integer minutes = intParam(req, "minutes", 5);
                String by = req.getParam("by");
                if (minutes == null || (minutes != 5 && minutes != 15 && minutes != 60)) {
                    error(req, 400, "minutes=" + req.getParam("minutes") + " is not a window; use 5, 15 or 60");
                    yield null;
                }
                if (by != null && !by.equals("route") && !by.equals("model") && !by.equals("provider")) {
                    error(req, 400, "by=" + by + " is not a dimension; use route, model or provider");
                    yield null;
                }
                yield () -> sources.traffic().traffic(minutes, by, by == null ? null : blankToNull(req.getParam("key")));
            }
            case "requests" -> {
                Integer limit = intParam(req, "limit", 200);
                if (limit == null) {
                    error(req, 400, "limit=" + req.getParam("limit") + " is not a number (1 to 500)");
                    yield null;
                }
                yield () -> {
                    JsonNode n = sources.recent().recent(limit, blankToNull(req.getParam("status")),
                            blankToNull(req.getParam("route")), blankToNull(req.getParam("provider")),
                            blankToNull(req.getParam("model")), blankToNull(req.getParam("q")));
                    if (n instanceof ObjectNode o) o.put("promptsLogged", sources.logPrompts());
                    return n;
                };
            }
            case "spend" -> () -> sources.spend().get().orElseGet(Dashboard::noSpend);
            default -> {
                error(req, 404, "no dashboard API /api/" + name
                        + "; try /api/overview /api/providers /api/traffic /api/requests /api/spend /api/session");
                yield null;
            }
        };
        if (compute == null) return;
        vertx.executeBlocking(compute::get, false).onComplete(ar -> {
            if (ar.succeeded()) json(req, 200, ar.result());
            else error(req, 500, "/api/" + name + " failed: " + ar.cause());
        });
    }

    /** The contract of /api/spend while no key store exists: the same shape, empty. */
    static ObjectNode noSpend() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("configured", false);
        n.put("message", "no keys or budgets configured");
        n.putArray("keys");
        n.putArray("teams");
        return n;
    }

    private void session(HttpServerRequest req) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("authRequired", auth.required());
        n.put("authenticated", !auth.misconfigured() && auth.authenticated(req));
        if (auth.misconfigured()) n.put("problem", auth.misconfiguredMessage());
        n.put("tryIt", options.tryIt());
        n.put("promptsLogged", sources.logPrompts());
        json(req, 200, n);
    }

    private void login(HttpServerRequest req, JsonNode body) {
        if (auth.misconfigured()) {
            error(req, 403, auth.misconfiguredMessage());
        } else if (!auth.required()) {
            req.response().setStatusCode(204).end();
        } else if (auth.throttled()) {
            error(req, 429, "too many wrong tokens in the last minute; wait a minute and try again");
        } else {
            Optional<io.vertx.core.http.Cookie> c = auth.login(body.path("token").asText(null));
            if (c.isEmpty()) error(req, 401, "that is not the admin token");
            else req.response().addCookie(c.get()).setStatusCode(204).end();
        }
    }

    /**
     * A POST must say it is JSON (a form cannot, without a CORS preflight this server never
     * grants) and, when the browser names its origin, come from this host.
     */
    private static boolean sameOrigin(HttpServerRequest req) {
        String type = req.getHeader("content-type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) return false;
        String origin = req.getHeader("origin");
        if (origin == null) return true;
        String host = req.getHeader("host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static void readJson(HttpServerRequest req, Consumer<JsonNode> then) {
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(b -> {
            if (over[0]) return;
            if (body.length() + b.length() > MAX_BODY) {
                over[0] = true;
                error(req, 413, "request body over " + MAX_BODY + " bytes");
                return;
            }
            body.appendBuffer(b);
        });
        req.endHandler(v -> {
            if (over[0]) return;
            JsonNode n;
            try {
                n = MAPPER.readTree(body.getBytes());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                error(req, 400, "the body is not JSON: " + e.getOriginalMessage());
                return;
            } catch (IOException e) {
                error(req, 400, "the body is not JSON: " + e.getMessage());
                return;
            }
            if (n == null || !n.isObject()) {
                error(req, 400, "the body must be a JSON object");
                return;
            }
            then.accept(n);
        });
    }

    private static Integer intParam(HttpServerRequest req, String name, int dflt) {
        String v = req.getParam(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static void json(HttpServerRequest req, int status, JsonNode body) {
        if (req.response().ended()) return;
        req.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").end(body.toString());
    }

    static void error(HttpServerRequest req, int status, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putObject("error").put("status", status).put("message", message);
        json(req, status, n);
    }
}

package dev.aigw.proxy;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.route.CompiledRule;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A rule's CORS settings ({@code traffic.cors} of an AgentgatewayPolicy, Gateway API
 * {@code HTTPCORSFilter} semantics). A preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) is answered here, 200 with the allow headers when the
 * origin is allowed and without them when not; it never reaches the backend. Other requests from
 * an allowed origin get {@code Access-Control-Allow-Origin} (and credentials, exposed headers) on
 * whatever response they get, errors included.
 */
final class Cors {
    private Cors() {
    }

    /** True when the request was answered (a preflight). */
    static boolean handle(CompiledRule rule, HttpServerRequest req) {
        HttpRouteResource.Cors cors = null;
        for (HttpRouteResource.Filter f : rule.filters()) if (f instanceof HttpRouteResource.Cors c) cors = c;
        String origin = req.getHeader("origin");
        if (cors == null || origin == null) return false;
        boolean allowed = cors.allows(origin);
        HttpServerResponse resp = req.response();
        if (req.method() == HttpMethod.OPTIONS && req.getHeader("access-control-request-method") != null) {
            if (allowed) {
                allowOrigin(resp, cors, origin);
                if (!cors.allowMethods().isEmpty()) resp.putHeader("access-control-allow-methods", String.join(", ", cors.allowMethods()));
                if (!cors.allowHeaders().isEmpty()) resp.putHeader("access-control-allow-headers", String.join(", ", cors.allowHeaders()));
                cors.maxAge().ifPresent(a -> resp.putHeader("access-control-max-age", String.valueOf(a)));
            }
            resp.setStatusCode(200).putHeader("content-length", "0").end();
            return true;
        }
        if (allowed) {
            HttpRouteResource.Cors c = cors;
            resp.headersEndHandler(v -> {
                allowOrigin(resp, c, origin);
                if (!c.exposeHeaders().isEmpty()) resp.putHeader("access-control-expose-headers", String.join(", ", c.exposeHeaders()));
            });
        }
        return false;
    }

    private static void allowOrigin(HttpServerResponse resp, HttpRouteResource.Cors cors, String origin) {
        boolean wildcard = cors.allowOrigins().contains("*") && !cors.allowCredentials();
        resp.putHeader("access-control-allow-origin", wildcard ? "*" : origin);
        if (!wildcard) resp.putHeader("vary", "Origin");
        if (cors.allowCredentials()) resp.putHeader("access-control-allow-credentials", "true");
    }
}

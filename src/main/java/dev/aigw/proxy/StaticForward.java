package dev.aigw.proxy;

import dev.aigw.config.BackendResource;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteMatch;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.Pipe;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Plain HTTP proxying to a Static backend: the body streams through, URLRewrite applies. */
final class StaticForward {
    private StaticForward() {
    }

    static void forward(ProxyServices services, Exchange ex, Destination.Static s) {
        Vertx vertx = services.vertx();
        Upstreams upstreams = services.upstreams();
        ProxyOptions options = services.options();
        HttpServerRequest req = ex.req();
        if (!ProxyHandler.withinLimit(ex.out(), req, options.maxBodyBytes())) return;
        // A body comes with a length or chunked; without either there is none to stream.
        String cl = req.getHeader("content-length");
        // (FrontDoor has refused any Transfer-Encoding but chunked, so a TE here means a chunked body.)
        boolean hasBody = cl != null && !cl.strip().equals("0") || req.headers().contains("transfer-encoding");
        // The request is already flowing: take the pipe before the upstream request exists.
        Pipe<Buffer> pipe = hasBody ? req.pipe() : null;
        BackendResource.HostPort hp = s.hosts().size() == 1 ? s.hosts().getFirst()
                : s.hosts().get(ThreadLocalRandom.current().nextInt(s.hosts().size()));
        MultiMap headers = Headers.copy(req.headers(), Set.of());
        // Host is the upstream's host:port unless URLRewrite sets one: a client's Host (say
        // 169.254.169.254) must not choose a virtual host behind the backend. Origin-form always.
        String hostHeader = (hp.host().contains(":") ? "[" + hp.host() + "]" : hp.host()) + ":" + hp.port();
        headers.remove("host");
        String uri = FrontDoor.originForm(req);
        for (HttpRouteResource.Filter f : ex.rule().filters()) {
            if (f instanceof HttpRouteResource.UrlRewrite rw) {
                if (rw.hostname().isPresent()) hostHeader = rw.hostname().get();
                if (rw.path().isPresent()) uri = rewritePath(req, ex.match(), rw);
            }
        }
        Filters.request(ex.rule(), headers);
        String xff = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        if (xff != null) {
            String prior = headers.get("x-forwarded-for");
            headers.set("x-forwarded-for", prior == null ? xff : prior + ", " + xff);
        }
        headers.set("x-forwarded-proto", req.isSSL() ? "https" : "http");
        if (req.authority() != null) headers.set("x-forwarded-host", req.authority().toString());
        headers.set("x-request-id", ex.requestId());
        if (hostHeader != null) headers.set("host", hostHeader);
        UpstreamCall call = new UpstreamCall(vertx, upstreams, "backend " + s.name() + " (" + hp + ")");
        ex.obs().attemptStarted(null, null, null, hp.toString());
        ex.obs().upstreamHeaders().forEach(headers::set);
        ex.onClientGone(call::cancel);
        var t = ex.rule().timeouts();
        call.send(hp.host(), hp.port(), false, req.method(), uri, headers, hasBody ? null : Buffer.buffer(), pipe,
                        shorter(t.backendRequest(), t.request()))
                .onSuccess(resp -> {
                    ex.obs().responseHeaders(resp.statusCode());
                    Relay.pipe(ex, resp, call.request(), null);
                })
                .onFailure(e -> {
                    UpstreamFailure f = UpstreamFailure.classify(call.where(), e);
                    ex.obs().attemptFailed(f.getMessage(), f.status());
                    ex.out().fail(f.toGatewayError());
                });
    }

    static java.util.Optional<java.time.Duration> shorter(java.util.Optional<java.time.Duration> a,
                                                          java.util.Optional<java.time.Duration> b) {
        if (a.isPresent() && b.isPresent()) return java.util.Optional.of(a.get().compareTo(b.get()) < 0 ? a.get() : b.get());
        return a.or(() -> b);
    }

    static String rewritePath(HttpServerRequest req, RouteMatch m, HttpRouteResource.UrlRewrite rw) {
        String path = FrontDoor.path(req);
        String query = req.query() == null ? "" : "?" + req.query();
        String replacement = rw.path().orElse("/");
        if (rw.fullPath()) return replacement + query;
        String prefix = m.prefix();
        if (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        String rest = path.length() >= prefix.length() ? path.substring(prefix.length()) : "";
        String r = replacement.endsWith("/") && rest.startsWith("/") ? replacement + rest.substring(1) : replacement + rest;
        if (r.isEmpty()) r = "/";
        return r + query;
    }
}

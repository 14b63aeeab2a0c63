package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.provider.ApiPassthrough;
import dev.aigw.provider.AzureOpenAiProvider;
import dev.aigw.provider.ClientCall;
import dev.aigw.provider.OpenAiProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.Destination;
import dev.aigw.translate.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.Pipe;

/**
 * A provider's other endpoints (files, batches, images, audio, moderations, models, token
 * counts) on an AI route: method, path below the route's prefix, query and body go to the
 * Backend's primary provider as they came, with the Backend's credential in place of the
 * client's. Bodies stream both ways under backpressure (a multipart upload is never held whole);
 * a JSON answer is also copied, up to {@link #METER_BYTES}, to read the usage it may carry.
 */
final class ProviderPassthrough {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers longer than this are relayed without metering (usage-bearing answers are small). */
    static final int METER_BYTES = 1024 * 1024;

    private ProviderPassthrough() {
    }

    /** Whether the provider has {@code format}'s endpoint itself (else the gateway answers it). */
    static boolean servesNatively(Provider p, ClientFormat format) {
        return format instanceof ClientFormat.ResponsesInputTokens
                && (p instanceof OpenAiProvider o && o.servesResponses() || p instanceof AzureOpenAiProvider);
    }

    static void forward(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat.Passthrough how) {
        HttpServerRequest req = ex.req();
        ClientResponse out = ex.out();
        if (!ProxyHandler.withinLimit(out, req, services.options().maxBodyBytes())) return;
        String cl = req.getHeader("content-length");
        boolean hasBody = cl != null && !cl.strip().equals("0")
                || "chunked".equalsIgnoreCase(String.valueOf(req.getHeader("transfer-encoding")).strip());
        // The request is already flowing: take the pipe before the upstream request exists.
        Pipe<Buffer> pipe = hasBody ? req.pipe() : null;
        Provider p = ai.primary();
        UpstreamRequest up;
        try {
            // The normalised path: a client cannot climb out of the provider API root with dot segments.
            // agentgateway's Passthrough route type sends the path (after the route's URLRewrite) as it is.
            boolean kept = ai.agentgateway().isPresent() && ai.routes().configured();
            String path = kept ? AiPaths.path(ex, ai) : relativePath(FrontDoor.path(req), ex.match().prefix());
            up = ApiPassthrough.prepare(p, path, req.query(),
                    new ClientCall(req.method().name(), kept ? path : req.path(), ex.query(), req::getHeader, null));
        } catch (ProviderException e) {
            if (pipe != null) pipe.close();
            out.fail(GatewayError.of(e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage()));
            return;
        }
        MultiMap headers = Headers.copy(req.headers(), Headers.CREDENTIALS);
        headers.remove("host");
        Filters.request(ex.rule(), headers);
        headers.set("x-request-id", ex.requestId());
        // Read for usage when it is JSON: ask for it uncompressed.
        if (how.meter()) headers.set("accept-encoding", "identity");
        ex.obs().upstreamHeaders().forEach(headers::set);
        up.headers().forEach(headers::set);
        String where = "Backend " + ai.name() + " provider " + p.name() + " (" + p.kind() + " " + up.host() + ":" + up.port() + ")";
        UpstreamCall call = new UpstreamCall(services.vertx(), services.upstreams(), where);
        ex.obs().attemptStarted(p.kind(), p.name(), p.model().orElse(null), up.host() + ":" + up.port());
        ex.onClientGone(call::cancel);
        var t = ex.rule().timeouts();
        call.send(up.host(), up.port(), up.tls(), req.method(), up.pathAndQuery(), headers, hasBody ? null : Buffer.buffer(),
                        pipe, StaticForward.shorter(t.backendRequest(), t.request()))
                .onSuccess(resp -> {
                    ex.obs().responseHeaders(resp.statusCode());
                    relay(ex, resp, call.request(), how.meter(), MultiMap.caseInsensitiveMultiMap()
                            .set("x-gateway-provider", p.kind() + "/" + p.name()));
                })
                .onFailure(e -> {
                    UpstreamFailure f = UpstreamFailure.classify(call.where(), e);
                    ex.obs().attemptFailed(f.getMessage(), f.status());
                    out.fail(f.toGatewayError());
                });
    }

    /** The client's path below the route's matched prefix: what is relative to the provider's API root. */
    static String relativePath(String path, String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) return path;
        String pre = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!path.startsWith(pre)) return path;
        String rest = path.substring(pre.length());
        return rest.isEmpty() ? "/" : rest.startsWith("/") ? rest : "/" + rest;
    }

    /** Relays the answer as it comes; a small JSON answer is copied on the side to read its usage. */
    private static void relay(Exchange ex, HttpClientResponse upResp, HttpClientRequest up, boolean meter, MultiMap extra) {
        ClientResponse out = ex.out();
        Relay.head(ex, upResp, extra);
        String ct = String.valueOf(upResp.getHeader("content-type"));
        Buffer copy = meter && upResp.statusCode() < 300 && ct.startsWith("application/json") ? Buffer.buffer() : null;
        boolean[] copying = {copy != null};
        upResp.handler(b -> {
            if (!out.writable()) {
                up.reset();
                return;
            }
            if (copying[0]) {
                // The side copy counts against the global buffer bound; past either bound metering is given up, not the answer.
                if (copy.length() + b.length() > METER_BYTES || !ex.buffered().reserve(b.length())) copying[0] = false;
                else copy.appendBuffer(b);
            }
            out.write(b);
            if (out.writeQueueFull()) {
                upResp.pause();
                out.drainHandler(v -> upResp.resume());
            }
        });
        upResp.exceptionHandler(e -> {
            if (!out.writable()) return;
            String msg = "the provider's response broke off before it finished: " + e.getMessage();
            ex.obs().attemptFailed(msg, 502);
            out.fail(new GatewayError.BadGateway("upstream_stream_truncated", msg));
        });
        upResp.endHandler(v -> {
            // Usage first: ending the response closes the exchange's record.
            if (copying[0]) meter(ex, copy);
            out.end();
        });
        ex.onClientGone(up::reset);
    }

    /** Usage in whichever shape the answer has it: OpenAI's, the Responses API's, Anthropic's or Gemini's. */
    private static void meter(Exchange ex, Buffer body) {
        JsonNode n;
        try {
            n = JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return;
        }
        if (n == null || !n.isObject()) return;
        Usage u = usageOf(n);
        if (u.total() > 0) ex.obs().usage(u, n.path("model").isTextual() ? n.get("model").asText() : null, null, false);
    }

    static Usage usageOf(JsonNode n) {
        JsonNode u = n.path("usage");
        if (u.isObject()) {
            long in = u.path("prompt_tokens").asLong(u.path("input_tokens").asLong(0));
            long out = u.path("completion_tokens").asLong(u.path("output_tokens").asLong(0));
            long total = u.path("total_tokens").asLong(in + out);
            return new Usage(in, out, total, 0, 0, 0);
        }
        JsonNode g = n.path("usageMetadata");
        if (g.isObject()) {
            long in = g.path("promptTokenCount").asLong(0);
            long out = g.path("candidatesTokenCount").asLong(0);
            return new Usage(in, out, g.path("totalTokenCount").asLong(in + out), 0, 0, 0);
        }
        return Usage.ZERO;
    }
}

package dev.aigw.limit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Global limits counted by an Envoy rate-limit service (envoyproxy/ratelimit and compatibles), over
 * gRPC {@code ShouldRateLimit} on Vert.x's HTTP/2 client. Requests hits go with their amount;
 * post-charged descriptors (tokens, costs) are checked with {@code hits_addend} 0 and charged after
 * the response with the real amount, as agentgateway does. The service owns the limits; a
 * descriptor's {@code limit} is sent as its {@code limit} override.
 */
public final class RlsLimiter implements GlobalLimiter {
    private final GrpcClient client;
    private final SocketAddress address;
    private final String domain;
    private final Duration timeout;
    private final FailureMode failureMode;
    private final Clock clock;
    private final LimiterHealth health;

    public RlsLimiter(Vertx vertx, String host, int port, boolean tls, String domain, Duration timeout, FailureMode failureMode,
                      Clock clock, MeterRegistry registry) {
        HttpClientOptions o = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setSsl(tls).setUseAlpn(tls).setConnectTimeout((int) Math.max(1, timeout.toMillis()));
        this.client = GrpcClient.client(vertx, o);
        this.address = SocketAddress.inetSocketAddress(port, host);
        this.domain = domain;
        this.timeout = timeout;
        this.failureMode = failureMode;
        this.clock = clock;
        this.health = new LimiterHealth("rate-limit service " + host + ":" + port, "rls", failureMode, registry);
    }

    @Override
    public String describe() {
        return "rate-limit service " + address;
    }

    @Override
    public Future<GlobalDecision> checkAndCharge(List<Hit> hits) {
        if (hits.isEmpty()) return Future.succeededFuture(GlobalDecision.open());
        Instant now = clock.instant();
        return call(hits).map(r -> {
            List<GlobalDecision.Counter> cs = new ArrayList<>();
            Optional<Integer> refused = Optional.empty();
            for (int i = 0; i < r.statuses().size(); i++) {
                RlsMessages.Status s = r.statuses().get(i);
                cs.add(new GlobalDecision.Counter(s.limit(), s.limit() < 0 ? 0 : s.limit() - s.remaining(),
                        now.plusSeconds(s.resetSeconds())));
                if (s.code() == RlsMessages.OVER_LIMIT && refused.isEmpty()) refused = Optional.of(i);
            }
            boolean over = r.overall() == RlsMessages.OVER_LIMIT;
            return new GlobalDecision(!over, over ? Optional.of(refused.orElse(0)) : Optional.empty(), cs, false);
        }).recover(e -> {
            health.failed(e);
            return Future.succeededFuture(new GlobalDecision(failureMode == FailureMode.FAIL_OPEN, Optional.empty(), List.of(), true));
        });
    }

    @Override
    public Future<Void> charge(List<Hit> hits) {
        List<Hit> some = hits.stream().filter(h -> h.amount() > 0).toList();
        if (some.isEmpty()) return Future.succeededFuture();
        return call(some).<Void>mapEmpty().recover(e -> {
            health.failed(e);
            return Future.succeededFuture();
        });
    }

    private Future<RlsMessages.Reply> call(List<Hit> hits) {
        List<RlsMessages.Desc> ds = new ArrayList<>();
        for (Hit h : hits) ds.add(new RlsMessages.Desc(h.values(), h.descriptor().limit().orElse(null), h.amount()));
        byte[] body = RlsMessages.request(domain, ds);
        return client.request(address)
                .compose(req -> {
                    req.fullMethodName(RlsMessages.METHOD);
                    req.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return req.send(Buffer.buffer(body));
                })
                .compose(resp -> resp.last().compose(b -> resp.status() == null || resp.status() == GrpcStatus.OK
                        ? Future.succeededFuture(b)
                        : Future.failedFuture("ShouldRateLimit answered " + resp.status() + " " + resp.statusMessage())))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .compose(b -> {
                    try {
                        return Future.succeededFuture(RlsMessages.reply(b.getBytes()));
                    } catch (java.io.IOException e) {
                        return Future.failedFuture("ShouldRateLimit answer is not a RateLimitResponse: " + e.getMessage());
                    }
                });
    }

    @Override
    public void close() {
        client.close();
    }
}

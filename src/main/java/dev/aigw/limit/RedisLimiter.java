package dev.aigw.limit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Global limits counted in Redis directly ({@code url: redis://…} or {@code rediss://…}).
 *
 * <p>Each descriptor carries its own limit. One request is one round trip: a Lua script reads
 * every counter, refuses if any would go over (a Requests hit: count + amount &gt; limit; a
 * post-charged hit: count &ge; limit), and otherwise adds every amount, so concurrent requests on
 * any replica can never admit one more than the limit. Counters are fixed windows aligned to UTC
 * ({@link LimitUnit#window}); the key is {@code aigw:rl:<domain>:<kind><unit>:<sha256 of the
 * entries>:<window>}: entry values (which may be user ids or worse) are never stored in clear.
 *
 * <p>Every call is bounded by {@code timeout}; the client is Vert.x's (async, pooled, reconnecting),
 * so no thread ever waits on Redis. A Redis restart empties its script cache: NOSCRIPT is answered
 * by sending the script again.
 */
public final class RedisLimiter implements GlobalLimiter {
    static final String SCRIPT = """
            local mode = tonumber(ARGV[1])
            local n = #KEYS
            local cur = {}
            for i = 1, n do
              cur[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
              if mode == 1 then
                local limit = tonumber(ARGV[3*i - 1])
                local amount = tonumber(ARGV[3*i])
                if (amount > 0 and cur[i] + amount > limit) or (amount == 0 and cur[i] >= limit) then
                  return {0, i, cur[i]}
                end
              end
            end
            local out = {1}
            for i = 1, n do
              local amount = tonumber(ARGV[3*i])
              local v = cur[i]
              if amount > 0 then
                v = redis.call('INCRBY', KEYS[i], amount)
                if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3*i + 1])) end
              end
              out[#out + 1] = v
            end
            return out
            """;
    static final String SHA = sha1(SCRIPT);

    private final Redis redis;
    private final String domain;
    private final Duration timeout;
    private final FailureMode failureMode;
    private final Clock clock;
    private final LimiterHealth health;
    private final String describe;

    /**
     * @param url      {@code redis://[user@]host:port[/db]} or {@code rediss://…}; a password in the URL is refused by the caller, it comes from a Secret
     * @param password from the Secret, or null
     */
    public RedisLimiter(Vertx vertx, String url, String password, String domain, Duration timeout, FailureMode failureMode,
                        Clock clock, MeterRegistry registry) {
        RedisOptions o = new RedisOptions().setConnectionString(url).setMaxPoolSize(32).setMaxPoolWaiting(1024)
                .setMaxWaitingHandlers(4096).setPoolRecycleTimeout(15_000)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) Math.max(1, timeout.toMillis()))
                        .setTcpNoDelay(true).setTcpKeepAlive(true).setSsl(url.startsWith("rediss://")));
        if (password != null && !password.isEmpty()) o.setPassword(password);
        this.redis = Redis.createClient(vertx, o);
        this.domain = domain;
        this.timeout = timeout;
        this.failureMode = failureMode;
        this.clock = clock;
        java.net.URI u = java.net.URI.create(url);
        this.describe = "redis " + u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort());
        this.health = new LimiterHealth(describe, "redis", failureMode, registry);
    }

    @Override
    public String describe() {
        return describe;
    }

    long errors() {
        return health.errors();
    }

    @Override
    public Future<GlobalDecision> checkAndCharge(List<Hit> hits) {
        if (hits.isEmpty()) return Future.succeededFuture(GlobalDecision.open());
        Instant now = clock.instant();
        return run(1, hits, now).map(r -> decide(r, hits, now)).recover(e -> {
            health.failed(e);
            return Future.succeededFuture(new GlobalDecision(failureMode == FailureMode.FAIL_OPEN, Optional.empty(), List.of(), true));
        });
    }

    @Override
    public Future<Void> charge(List<Hit> hits) {
        List<Hit> some = hits.stream().filter(h -> h.amount() > 0).toList();
        if (some.isEmpty()) return Future.succeededFuture();
        return run(2, some, clock.instant()).<Void>mapEmpty().recover(e -> {
            health.failed(e);
            return Future.succeededFuture();
        });
    }

    private GlobalDecision decide(Response r, List<Hit> hits, Instant now) {
        if (r.get(0).toLong() == 0) {
            int i = r.get(1).toInteger() - 1;
            List<GlobalDecision.Counter> cs = new ArrayList<>();
            for (int k = 0; k < hits.size(); k++) {
                Descriptor.Limit l = hits.get(k).descriptor().limit().orElseThrow();
                cs.add(new GlobalDecision.Counter(l.perUnit(), k == i ? Math.max(r.get(2).toLong(), l.perUnit()) : 0,
                        l.unit().resetAt(now)));
            }
            return new GlobalDecision(false, Optional.of(i), cs, false);
        }
        List<GlobalDecision.Counter> cs = new ArrayList<>();
        for (int k = 0; k < hits.size(); k++) {
            Descriptor.Limit l = hits.get(k).descriptor().limit().orElseThrow();
            cs.add(new GlobalDecision.Counter(l.perUnit(), r.get(k + 1).toLong(), l.unit().resetAt(now)));
        }
        return new GlobalDecision(true, Optional.empty(), cs, false);
    }

    private Future<Response> run(int mode, List<Hit> hits, Instant now) {
        List<String> args = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        args.add(Integer.toString(mode));
        for (Hit h : hits) {
            Descriptor.Limit l = h.descriptor().limit().orElseThrow();
            keys.add(key(h, l, now));
            args.add(Long.toString(l.perUnit()));
            args.add(Long.toString(h.amount()));
            args.add(Long.toString(Duration.between(now, l.unit().resetAt(now)).toSeconds() + 5));
        }
        return send(Command.EVALSHA, SHA, keys, args)
                .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                        ? send(Command.EVAL, SCRIPT, keys, args) : Future.failedFuture(e))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Future<Response> send(Command cmd, String script, List<String> keys, List<String> args) {
        Request req = Request.cmd(cmd).arg(script).arg(keys.size());
        for (String k : keys) req.arg(k);
        for (String a : args) req.arg(a);
        return redis.send(req);
    }

    String key(Hit h, Descriptor.Limit l, Instant now) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : h.values()) sb.append(e.getKey()).append('\u0000').append(e.getValue()).append('\u0001');
        String kind = h.descriptor().isBudget() ? "c" : h.descriptor().tokens() ? "t" : h.descriptor().cost().isPresent() ? "x" : "r";
        return "aigw:rl:" + domain + ":" + kind + l.unit().name().charAt(0) + ":" + sha256(sb.toString()).substring(0, 32)
                + ":" + l.unit().window(now);
    }

    @Override
    public void close() {
        redis.close();
    }

    private static String sha1(String s) {
        return digest("SHA-1", s);
    }

    static String sha256(String s) {
        return digest("SHA-256", s);
    }

    private static String digest(String alg, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

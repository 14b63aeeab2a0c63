package dev.aigw.governance;

import dev.aigw.auth.JwksCache;
import dev.aigw.cost.Catalog;
import dev.aigw.limit.FailureMode;
import dev.aigw.limit.GlobalLimiter;
import dev.aigw.limit.LocalBuckets;
import dev.aigw.limit.RedisLimiter;
import dev.aigw.limit.RlsLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What governance keeps across snapshots, created once per gateway: the JWKS caches (by URL and
 * cache duration), the global limiters' clients (by what they connect to), the local buckets,
 * the model catalog and the spend ledger. Clients are created on first use by a compile, so a
 * gateway without such policies opens nothing.
 */
public final class GovernanceRuntime implements AutoCloseable {
    /** How long a global limiter may take before its failure mode applies. */
    public static final Duration LIMITER_TIMEOUT = Duration.ofSeconds(1);
    static final Duration JWKS_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final MeterRegistry registry;
    private final Clock clock;
    private final LocalBuckets buckets = new LocalBuckets(System::nanoTime);
    private final ConcurrentHashMap<String, JwksCache> jwks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, GlobalLimiter> limiters = new ConcurrentHashMap<>();
    private final SpendLedger ledger = new SpendLedger();
    private final Catalog base;
    private volatile Catalog catalog;
    private volatile HttpClient jwksClient;

    /** @param catalog the default catalog, overridden by a file if one is configured (standalone) */
    public GovernanceRuntime(Vertx vertx, MeterRegistry registry, Catalog catalog) {
        this.vertx = vertx;
        this.registry = registry;
        this.base = catalog;
        this.catalog = catalog;
        this.clock = Clock.systemUTC();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public SpendLedger ledger() {
        return ledger;
    }

    LocalBuckets buckets() {
        return buckets;
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The catalogs of AgentgatewayParameters' ConfigMaps, over the base one, per model; null: the base alone. */
    void overrideCatalog(Catalog fromConfig) {
        this.catalog = fromConfig == null ? base : base.overriddenBy(fromConfig);
    }

    JwksCache jwks(URI uri, Duration cacheDuration) {
        return jwks.computeIfAbsent(uri + "|" + cacheDuration, k -> new JwksCache(jwksClient(), uri, cacheDuration, JWKS_TIMEOUT, System::nanoTime));
    }

    private synchronized HttpClient jwksClient() {
        if (jwksClient == null) {
            jwksClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) JWKS_TIMEOUT.toMillis())
                    .setIdleTimeout(30).setVerifyHost(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(4));
        }
        return jwksClient;
    }

    GlobalLimiter redis(String url, String password, String domain, FailureMode mode) {
        String key = "redis|" + url + "|" + domain + "|" + mode + "|" + (password == null ? "" : Integer.toHexString(password.hashCode()));
        return limiters.computeIfAbsent(key, k -> new RedisLimiter(vertx, url, password, domain, LIMITER_TIMEOUT, mode, clock, registry));
    }

    GlobalLimiter rls(String host, int port, boolean tls, String domain, FailureMode mode) {
        String key = "rls|" + host + ":" + port + "|" + tls + "|" + domain + "|" + mode;
        return limiters.computeIfAbsent(key, k -> new RlsLimiter(vertx, host, port, tls, domain, LIMITER_TIMEOUT, mode, clock, registry));
    }

    /** For the admin API: which limiters exist (no credentials). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        limiters.values().forEach(l -> m.put(l.describe(), "connected on demand"));
        jwks.values().forEach(j -> m.put("jwks " + j.uri(), j.fetches() + " fetches"));
        return m;
    }

    @Override
    public void close() {
        limiters.values().forEach(GlobalLimiter::close);
        if (jwksClient != null) jwksClient.close();
    }
}

package dev.aigw.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** JWTs against a real JWKS endpoint (a Vert.x HTTP server on loopback). */
class JwtAuthTest {
    static final String ISS = "https://issuer.test";
    static Vertx vertx;
    static HttpServer jwks;
    static HttpClient client;
    static RSAKey k1, k2;
    static final AtomicReference<String> served = new AtomicReference<>();
    static final AtomicInteger hits = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        vertx = Vertx.vertx();
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        served.set(new JWKSet(k1.toPublicJWK()).toString());
        jwks = vertx.createHttpServer().requestHandler(r -> {
            hits.incrementAndGet();
            r.response().putHeader("content-type", "application/json").end(served.get());
        }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterAll
    static void tearDown() {
        vertx.close().await();
    }

    static String token(RSAKey key, Instant exp, String aud) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISS).subject("user-1").audience(aud).expirationTime(Date.from(exp))
                        .claim("azp", "agw-client").claim("team", "ml").build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    JwtAuth remote(int port) {
        JwksCache cache = new JwksCache(client, URI.create("http://127.0.0.1:" + port + "/jwks"), Duration.ofMinutes(5),
                Duration.ofSeconds(3), System::nanoTime);
        return new JwtAuth(AuthMode.STRICT, CredentialLocation.BEARER,
                List.of(new JwtAuth.Provider(ISS, List.of("gateway"), new JwtAuth.Keys.Remote(cache))), Clock.systemUTC());
    }

    static AuthOutcome run(JwtAuth a, String token) throws Exception {
        return a.authenticate(h -> h.equals("authorization") && token != null ? "Bearer " + token : null).await(5, TimeUnit.SECONDS);
    }

    @Test
    void validTokenGivesItsClaims() throws Exception {
        var o = (AuthOutcome.Authenticated) run(remote(jwks.actualPort()), token(k1, Instant.now().plusSeconds(600), "gateway"));
        assertThat(o.caller().jwt()).containsEntry("sub", "user-1").containsEntry("azp", "agw-client");
        assertThat(o.caller().team()).isEqualTo("ml");
        assertThat(o.caller().principal()).isEqualTo("jwt:user-1");
    }

    @Test
    void expiredWrongAudienceMissingAndTampered() throws Exception {
        JwtAuth a = remote(jwks.actualPort());
        assertThat(run(a, token(k1, Instant.now().minusSeconds(3600), "gateway")))
                .isEqualTo(new AuthOutcome.Denied(401, "authentication failure: token expired", null));
        assertThat(run(a, token(k1, Instant.now().plusSeconds(600), "someone-else")))
                .isEqualTo(new AuthOutcome.Denied(401, "authentication failure: token audience not allowed", null));
        assertThat(run(a, null)).isEqualTo(new AuthOutcome.Denied(401, "authentication failure: no bearer token found", null));
        String t = token(k1, Instant.now().plusSeconds(600), "gateway");
        String forged = t.substring(0, t.lastIndexOf('.') + 1) + "AAAA" + t.substring(t.lastIndexOf('.') + 5);
        assertThat(run(a, forged)).isInstanceOf(AuthOutcome.Denied.class);
        assertThat(run(a, "not-a-jwt")).isEqualTo(new AuthOutcome.Denied(401, "authentication failure: malformed token", null));
    }

    @Test
    void unknownKidRefreshesTheKeySetOnce() throws Exception {
        served.set(new JWKSet(k1.toPublicJWK()).toString());
        JwtAuth a = remote(jwks.actualPort());
        assertThat(run(a, token(k1, Instant.now().plusSeconds(600), "gateway"))).isInstanceOf(AuthOutcome.Authenticated.class);
        int before = hits.get();
        // The issuer rotates to k2: the first k2 token makes the gateway fetch once, then it verifies.
        served.set(new JWKSet(List.of(k1.toPublicJWK(), k2.toPublicJWK())).toString());
        assertThat(run(a, token(k2, Instant.now().plusSeconds(600), "gateway"))).isInstanceOf(AuthOutcome.Authenticated.class);
        assertThat(hits.get()).isEqualTo(before + 1);
        // A kid nobody publishes: refreshed at most once per window, never per token.
        RSAKey k3 = new RSAKeyGenerator(2048).keyID("k3").generate();
        for (int i = 0; i < 5; i++) assertThat(run(a, token(k3, Instant.now().plusSeconds(600), "gateway"))).isInstanceOf(AuthOutcome.Denied.class);
        assertThat(hits.get()).isLessThanOrEqualTo(before + 2);
        served.set(new JWKSet(k1.toPublicJWK()).toString());
    }

    @Test
    void jwksEndpointDownIsABoundedRefusal() throws Exception {
        int deadPort;
        try (var s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        AuthOutcome o = run(remote(deadPort), token(k1, Instant.now().plusSeconds(600), "gateway"));
        assertThat(o).isEqualTo(new AuthOutcome.Denied(401, "authentication failure: the issuer's signing keys (JWKS) could not be fetched", null));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void inlineKeysAndPermissiveMode() throws Exception {
        JwtAuth a = new JwtAuth(AuthMode.PERMISSIVE, CredentialLocation.BEARER,
                List.of(new JwtAuth.Provider(ISS, List.of(), new JwtAuth.Keys.Inline(new JWKSet(k1.toPublicJWK())))), Clock.systemUTC());
        assertThat(run(a, token(k1, Instant.now().plusSeconds(60), "any"))).isInstanceOf(AuthOutcome.Authenticated.class);
        assertThat(run(a, token(k1, Instant.now().minusSeconds(3600), "any"))).isInstanceOf(AuthOutcome.Anonymous.class);
    }
}

package dev.aigw.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jwtAuthentication, basicAuthentication and CEL authorization over JWT claims through a running
 * gateway, with a real JWKS endpoint (a Vert.x server on loopback): valid, expired and wrong-audience
 * tokens (OpenAI and Anthropic error formats), key rotation fetching the JWKS once, a JWKS endpoint
 * that is down or never answers (401, bounded), and the client's credential never reaching the upstream.
 * Each scenario has its own issuer and JWKS path, so the order of the tests does not matter.
 */
class JwtEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ISS = "https://issuer.test", ROT = "https://rotating.test", DOWN = "https://down.test",
            NEVER = "https://never.test", SLOW = "https://slow.test";
    static Vertx vertx;
    static HttpServer jwks, doomed;
    static RSAKey k1, k2;
    /** JWKS document served per path, and hits per path. */
    static final Map<String, String> served = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    static FakeUpstream openai;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        String one = new JWKSet(k1.toPublicJWK()).toString();
        for (String p : new String[]{"/a/jwks", "/rot/jwks", "/down/jwks", "/never/jwks"}) served.put(p, one);
        io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler = r -> {
            hits.computeIfAbsent(r.path(), k -> new AtomicInteger()).incrementAndGet();
            if (r.path().equals("/slow/jwks")) return;   // accepts, never answers
            String body = served.get(r.path());
            if (body == null) r.response().setStatusCode(404).end();
            else r.response().putHeader("content-type", "application/json").end(body);
        };
        jwks = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        doomed = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        openai = FakeUpstream.plain().respondWith(200, "application/json", """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""");
        String j = "http://127.0.0.1:" + jwks.actualPort(), d = "http://127.0.0.1:" + doomed.actualPort();
        String users = "alice:" + Md5Crypt.apr1Crypt("wonderland", "abcdefgh");
        gw = GatewayHarness.builder().file("a.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: upstream-key}}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: jwt}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - name: plain
                    matches: [{path: {type: PathPrefix, value: /jwt}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - name: ml
                    matches: [{path: {type: PathPrefix, value: /ml}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: basic}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /basic}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: jwt, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: jwt}]
                  traffic:
                    jwtAuthentication:
                      mode: Strict
                      providers:
                      - {issuer: "%s", audiences: [gateway], jwks: {remote: {url: "%s/a/jwks"}}}
                      - {issuer: "%s", audiences: [gateway], jwks: {remote: {url: "%s/rot/jwks"}}}
                      - {issuer: "%s", audiences: [gateway], jwks: {remote: {url: "%s/down/jwks"}}}
                      - {issuer: "%s", audiences: [gateway], jwks: {remote: {url: "%s/never/jwks"}}}
                      - {issuer: "%s", audiences: [gateway], jwks: {remote: {url: "%s/slow/jwks"}}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: ml-only, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: jwt, sectionName: ml}]
                  traffic:
                    authorization:
                      action: Allow
                      policy:
                        matchExpressions: ["jwt.team == 'ml' && jwt.sub.startsWith('user-')"]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: basic, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: basic}]
                  traffic:
                    basicAuthentication:
                      realm: models
                      users: ["%s"]
                """.formatted(openai.port(), ISS, j, ROT, j, DOWN, d, NEVER, d, SLOW, j, users)).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        vertx.close().await();
    }

    static String token(RSAKey key, String iss, Instant exp, String aud, String team) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(iss).subject("user-1").audience(aud).expirationTime(Date.from(exp))
                        .claim("team", team).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String valid(RSAKey key, String iss) throws Exception {
        return token(key, iss, Instant.now().plusSeconds(600), "gateway", "ml");
    }

    /** Drops what earlier tests left in the upstream's queue. */
    static void drain() {
        while (openai.received() > 0) openai.take();
    }

    static String chat() {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    static HttpResponse<String> openAi(String path, String bearer) throws Exception {
        return gw.post(path + "/v1/chat/completions", chat(), "authorization", "Bearer " + bearer);
    }

    static HttpResponse<String> anthropic(String path, String bearer) throws Exception {
        return gw.post(path + "/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + bearer, "anthropic-version", "2023-06-01");
    }

    static void assertOpenAi401(HttpResponse<String> r, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(e.at("/error/message").asText()).isEqualTo(message);
    }

    static void assertAnthropic401(HttpResponse<String> r, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.path("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(e.at("/error/message").asText()).isEqualTo(message);
    }

    @Test
    void validTokenPassesAndNeverReachesTheUpstream() throws Exception {
        String t = valid(k1, ISS);
        drain();
        HttpResponse<String> r = openAi("/jwt", t);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer upstream-key");
        assertThat(up.headers().toString()).doesNotContain(t);
    }

    @Test
    void missingExpiredAndWrongAudienceAre401InTheClientsFormat() throws Exception {
        assertOpenAi401(gw.post("/jwt/v1/chat/completions", chat()), "authentication failure: no bearer token found");
        // Past the 30 s leeway.
        String expired = token(k1, ISS, Instant.now().minusSeconds(120), "gateway", "ml");
        assertOpenAi401(openAi("/jwt", expired), "authentication failure: token expired");
        assertAnthropic401(anthropic("/jwt", expired), "authentication failure: token expired");
        String otherAud = token(k1, ISS, Instant.now().plusSeconds(600), "someone-else", "ml");
        assertOpenAi401(openAi("/jwt", otherAud), "authentication failure: token audience not allowed");
        assertAnthropic401(anthropic("/jwt", otherAud), "authentication failure: token audience not allowed");
        // Signed by a key the issuer does not publish under that kid.
        RSAKey forged = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertOpenAi401(openAi("/jwt", valid(forged, ISS)), "authentication failure: signature does not verify");
        HttpResponse<String> r = anthropic("/jwt", expired);
        assertThat(r.body()).doesNotContain(expired);
    }

    @Test
    void rotatedKeyIsFetchedOnce() throws Exception {
        assertThat(openAi("/jwt", valid(k1, ROT)).statusCode()).isEqualTo(200);
        int before = hits.get("/rot/jwks").get();
        assertThat(before).isEqualTo(1);
        // The issuer rotates: k2 is published, tokens now carry kid k2.
        served.put("/rot/jwks", new JWKSet(java.util.List.of(k1.toPublicJWK(), k2.toPublicJWK())).toString());
        assertThat(openAi("/jwt", valid(k2, ROT)).statusCode()).isEqualTo(200);
        assertThat(hits.get("/rot/jwks").get()).isEqualTo(before + 1);
        // Cached from now on: more k2 tokens (and k1 ones) do not fetch again.
        assertThat(openAi("/jwt", valid(k2, ROT)).statusCode()).isEqualTo(200);
        assertThat(openAi("/jwt", valid(k1, ROT)).statusCode()).isEqualTo(200);
        assertThat(hits.get("/rot/jwks").get()).isEqualTo(before + 1);
        // A made-up kid right after is refused without another fetch (refreshes are rate-limited).
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("k9").generate();
        assertOpenAi401(openAi("/jwt", valid(unknown, ROT)), "authentication failure: no key in the issuer's JWKS matches the token's kid");
        assertThat(hits.get("/rot/jwks").get()).isEqualTo(before + 1);
    }

    @Test
    void jwksEndpointDownIs401WithoutHanging() throws Exception {
        // Keys held from before the endpoint went down keep working.
        assertThat(openAi("/jwt", valid(k1, DOWN)).statusCode()).isEqualTo(200);
        doomed.close().await(5, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        assertThat(openAi("/jwt", valid(k1, DOWN)).statusCode()).isEqualTo(200);
        // A new kid: the refresh fails (connection refused), the held set lacks it.
        assertOpenAi401(openAi("/jwt", valid(k2, DOWN)), "authentication failure: no key in the issuer's JWKS matches the token's kid");
        // An issuer whose keys were never fetched.
        assertOpenAi401(openAi("/jwt", valid(k1, NEVER)), "authentication failure: the issuer's signing keys (JWKS) could not be fetched");
        assertAnthropic401(anthropic("/jwt", valid(k1, NEVER)), "authentication failure: the issuer's signing keys (JWKS) could not be fetched");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void jwksEndpointThatNeverAnswersIsBounded() throws Exception {
        long t0 = System.nanoTime();
        assertOpenAi401(openAi("/jwt", valid(k1, SLOW)), "authentication failure: the issuer's signing keys (JWKS) could not be fetched");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // The fetch is bounded at 5 s.
        assertThat(took).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(9));
        assertThat(hits.get("/slow/jwks").get()).isEqualTo(1);
    }

    @Test
    void authorizationRuleOverAJwtClaim() throws Exception {
        assertThat(openAi("/ml", valid(k1, ISS)).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = openAi("/ml", token(k1, ISS, Instant.now().plusSeconds(600), "gateway", "ads"));
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
        assertThat(JSON.readTree(denied.body()).at("/error/message").asText()).isEqualTo("authorization failed");
        // Authentication still comes first on the section.
        assertOpenAi401(gw.post("/ml/v1/chat/completions", chat()), "authentication failure: no bearer token found");
    }

    static String basic(String u, String p) {
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthentication() throws Exception {
        drain();
        HttpResponse<String> ok = gw.post("/basic/v1/chat/completions", chat(), "authorization", basic("alice", "wonderland"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer upstream-key");
        for (String cred : new String[]{basic("alice", "nope"), basic("mallory", "wonderland")}) {
            HttpResponse<String> bad = gw.post("/basic/v1/chat/completions", chat(), "authorization", cred);
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(401);
            assertThat(bad.headers().firstValue("www-authenticate")).contains("Basic realm=\"models\"");
            assertThat(JSON.readTree(bad.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        }
        HttpResponse<String> none = gw.post("/basic/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[]}",
                "anthropic-version", "2023-06-01");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).path("type").asText()).isEqualTo("error");
        assertThat(none.headers().firstValue("www-authenticate")).contains("Basic realm=\"models\"");
    }
}

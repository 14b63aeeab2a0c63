package dev.aigw.governance;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.auth.ApiKeys;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AgentgatewayPolicy traffic governance through a running gateway: API keys (plain, JSON,
 * rotated in the Secret while serving), Optional mode, CEL authorization over the key's metadata
 * and the requested model, a local request limit, errors in the client's API format, the key
 * stripped before the upstream, spend under the catalog, and no key in any log, metric or dump.
 */
class GovernanceEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_A = "sk-team-a-0123456789abcdef";
    static final String KEY_B = "sk-team-b-fedcba9876543210";
    static final String KEY_NEW = "sk-rotated-00000000000000";
    static final String KEY_HASHED = "sk-hashed-in-configmap-01";
    static FakeUpstream openai;
    static GatewayHarness gw;
    static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    static String secret(String extra) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: keys, namespace: default}
                stringData:
                  a: '{"key": "%s", "metadata": {"name": "alice", "team": "search"}}'
                  b: '{"key": "%s", "metadata": {"team": "ads"}}'
                %s""".formatted(KEY_A, KEY_B, extra);
    }

    @BeforeAll
    static void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("access")).addAppender(logs);
        openai = FakeUpstream.plain().respondWith(200, "application/json", """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500,
                "prompt_tokens_details":{"cached_tokens":400}}}""");
        gw = GatewayHarness.builder().watch(Duration.ofMillis(100)).file("a.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: upstream-key}}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - name: strict
                    matches: [{path: {type: PathPrefix, value: /strict}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - name: optional
                    matches: [{path: {type: PathPrefix, value: /optional}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - name: limited
                    matches: [{path: {type: PathPrefix, value: /limited}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: hashed-keys, namespace: default, labels: {keys: gateway}}
                data:
                  k1: '{"keyHash": "sha256:%s", "metadata": {"team": "search"}}'
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: keys, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
                  traffic:
                    apiKeyAuthentication: {mode: Strict, secretRef: {name: keys}}
                    authorization:
                      action: Allow
                      policy:
                        matchExpressions:
                        - "apiKey.team == 'search' || llm.requestModel == 'gpt-4o-mini'"
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: optional, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: optional}]
                  traffic:
                    apiKeyAuthentication: {mode: Optional, configMapSelector: {matchLabels: {keys: gateway}}}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: limited, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat, sectionName: limited}]
                  traffic:
                    rateLimit:
                      local: [{requests: 2, unit: Minutes}]
                """.formatted(openai.port(), ApiKeys.digest(KEY_HASHED))).file("secret.yaml", secret("")).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("access")).detachAppender(logs);
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void validKeyPassesAndNeverReachesTheUpstream() throws Exception {
        HttpResponse<String> r = gw.post("/strict/v1/chat/completions", chat("gpt-4o"), "authorization", "Bearer " + KEY_A);
        assertThat(r.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer upstream-key");
        assertThat(up.headers().toString()).doesNotContain(KEY_A);
    }

    @Test
    void missingAndInvalidKeysAre401InTheClientsFormat() throws Exception {
        HttpResponse<String> none = gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"));
        assertThat(none.statusCode()).isEqualTo(401);
        JsonNode e = JSON.readTree(none.body());
        assertThat(e.at("/error/message").asText()).isEqualTo("api key authentication failure: no API Key found");
        assertThat(e.at("/error/type").asText()).isEqualTo("authentication_error");
        HttpResponse<String> bad = gw.post("/strict/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[]}",
                "authorization", "Bearer sk-wrong-key-123", "anthropic-version", "2023-06-01");
        assertThat(bad.statusCode()).isEqualTo(401);
        JsonNode a = JSON.readTree(bad.body());
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(a.at("/error/message").asText()).isEqualTo("api key authentication failure: invalid credentials");
        assertThat(bad.body()).doesNotContain("sk-wrong-key-123");
    }

    @Test
    void authorizationUsesKeyMetadataAndTheRequestedModel() throws Exception {
        // Team ads may use gpt-4o-mini only.
        assertThat(gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_B).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = gw.post("/strict/v1/chat/completions", chat("gpt-4o"), "authorization", "Bearer " + KEY_B);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(denied.body()).at("/error/message").asText()).isEqualTo("authorization failed");
    }

    @Test
    void optionalModeAndHashedKeysFromConfigMaps() throws Exception {
        assertThat(gw.post("/optional/v1/chat/completions", chat("gpt-4o-mini")).statusCode()).isEqualTo(200);
        assertThat(gw.post("/optional/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_HASHED).statusCode()).isEqualTo(200);
        assertThat(gw.post("/optional/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer nope").statusCode()).isEqualTo(401);
    }

    @Test
    void localRequestLimitAnswers429WithHeaders() throws Exception {
        // The rule's limit adds to the route's API keys (each field from its most specific level).
        assertThat(gw.post("/limited/v1/chat/completions", chat("gpt-4o-mini")).statusCode()).isEqualTo(401);
        HttpResponse<String> first = gw.post("/limited/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_A);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit")).contains("2");
        assertThat(gw.post("/limited/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_A).statusCode()).isEqualTo(200);
        HttpResponse<String> third = gw.post("/limited/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_A);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).isPresent();
        assertThat(third.headers().firstValue("x-ratelimit-remaining")).contains("0");
        assertThat(JSON.readTree(third.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void keyRotatedInTheSecretWithoutRestart() throws Exception {
        assertThat(gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_NEW).statusCode()).isEqualTo(401);
        Files.writeString(gw.dir.resolve("secret.yaml"), secret("  c: " + KEY_NEW + "\n"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            Thread.sleep(100);
            status = gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_NEW).statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
        // And removed again.
        Files.writeString(gw.dir.resolve("secret.yaml"), secret(""));
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            Thread.sleep(100);
            status = gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_NEW).statusCode();
        } while (status != 401 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(401);
    }

    @Test
    void spendIsReportedAndNoKeyAppearsAnywhere() throws Exception {
        assertThat(gw.post("/strict/v1/chat/completions", chat("gpt-4o-mini"), "authorization", "Bearer " + KEY_A).statusCode()).isEqualTo(200);
        JsonNode g = JSON.readTree(gw.get(gw.adminUrl() + "/governance").body());
        assertThat(g.at("/callers/alice/team").asText()).isEqualTo("search");
        // gpt-4o-mini: 600 uncached * 0.15 + 400 cached * 0.075 + 500 * 0.60, per million.
        assertThat(new java.math.BigDecimal(g.at("/callers/alice/spendUsd").asText()))
                .isGreaterThanOrEqualTo(new java.math.BigDecimal("0.00042"));
        // The dashboard's Keys and spend view reads the same ledger, by key id, never the key.
        JsonNode spend = JSON.readTree(gw.get(gw.adminUrl() + "/api/spend").body());
        assertThat(spend.path("configured").asBoolean()).as(spend.toString()).isTrue();
        JsonNode alice = java.util.stream.StreamSupport.stream(spend.path("keys").spliterator(), false)
                .filter(k -> k.path("id").asText().equals("alice")).findFirst().orElseThrow();
        assertThat(alice.path("team").asText()).isEqualTo("search");
        assertThat(alice.path("spend").asDouble()).isGreaterThanOrEqualTo(0.00042);
        assertThat(alice.at("/topModels/0/model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(spend.path("teams").toString()).contains("\"search\"");
        // Recent requests name the caller by key id.
        String recent = gw.get(gw.adminUrl() + "/api/requests?limit=50").body();
        assertThat(recent).contains("\"client\":\"alice @ ");
        String metrics = gw.get(gw.adminUrl() + "/metrics").body();
        assertThat(metrics).contains("aigw_spend_usd_total{").contains("team=\"search\"");
        String dump = gw.get(gw.adminUrl() + "/config_dump").body();
        String all = dump + metrics + g + spend + recent + String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        for (String k : new String[]{KEY_A, KEY_B, KEY_NEW, KEY_HASHED}) assertThat(all).doesNotContain(k);
        assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("\"caller\":\"alice\"")))
                .isNotEmpty();
    }
}

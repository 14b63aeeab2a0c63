package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AgentgatewayPolicy {@code targetSelectors} through a running gateway, from files: one policy
 * selects HTTPRoutes by label for {@code traffic} (API keys, a header) and {@code backend.ai}
 * (a default), another selects an AgentgatewayBackend by label; moving the label to another route
 * re-selects on the next reload.
 */
class TargetSelectorsEndToEndTest {
    static FakeUpstream openai;
    static GatewayHarness gw;

    static String routes(String goldLabels, String silverLabels) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: gold, namespace: agentgateway-system, labels: %s}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /gold}}]
                    backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: openai}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: silver, namespace: agentgateway-system, labels: %s}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /silver}}]
                    backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: openai}]
                """.formatted(goldLabels, silverLabels);
    }

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.plain().respondWith(200, "application/json", """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""");
        gw = GatewayHarness.builder().watch(Duration.ofMillis(100)).file("a.yaml", """
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayBackend
                metadata: {name: openai, namespace: agentgateway-system, labels: {provider: fake}}
                spec:
                  ai:
                    provider:
                      openai: {model: gpt-4o-mini}
                      host: 127.0.0.1
                      port: %d
                      path: /v1/chat/completions
                  policies: {auth: {key: upstream-key}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: apikey, namespace: agentgateway-system}
                stringData: {team: sk-gold-team-0123456789}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: gold-tier, namespace: agentgateway-system}
                spec:
                  targetSelectors:
                  - group: gateway.networking.k8s.io
                    kind: HTTPRoute
                    matchLabels: {tier: gold}
                  traffic:
                    apiKeyAuthentication: {mode: Strict, secretRef: {name: apikey}}
                    headerModifiers: {request: {set: [{name: x-tier, value: gold}]}}
                  backend:
                    ai:
                      defaults: [{field: temperature, value: "0.25"}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: fake-provider, namespace: agentgateway-system}
                spec:
                  targetSelectors:
                  - {group: agentgateway.dev, kind: AgentgatewayBackend, matchLabels: {provider: fake}}
                  backend:
                    ai:
                      prompt: {prepend: [{role: system, content: "Answer briefly."}]}
                      promptGuard:
                        request:
                        - regex: {action: Mask, builtins: [CaSin, Email], matches: ["secret-[0-9]+"]}
                """.formatted(openai.port()))
                .file("routes.yaml", routes("{tier: gold}", "{tier: silver}")).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
    }

    static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @Test
    void aSelectedRouteIsGovernedAndGetsTheBackendAiAndTheBackendSelectorApplies() throws Exception {
        HttpResponse<String> none = gw.post("/gold/v1/chat/completions", CHAT);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
        assertThat(none.body()).contains("api key authentication failure: no API Key found");

        HttpResponse<String> ok = gw.post("/gold/v1/chat/completions", CHAT, "authorization", "Bearer sk-gold-team-0123456789");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        FakeUpstream.Recorded up = openai.take();
        assertThat(up.headers().get("x-tier")).isEqualTo("gold");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer upstream-key");
        assertThat(up.json().path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(up.json().at("/messages/0/content").asText()).isEqualTo("Answer briefly.");

        HttpResponse<String> silver = gw.post("/silver/v1/chat/completions", CHAT);
        assertThat(silver.statusCode()).as("not selected: no key needed").isEqualTo(200);
        FakeUpstream.Recorded s = openai.take();
        assertThat(s.headers().get("x-tier")).isNull();
        assertThat(s.json().has("temperature")).isFalse();
        assertThat(s.json().at("/messages/0/content").asText()).as("the Backend selector still applies")
                .isEqualTo("Answer briefly.");
    }

    @Test
    void movingTheLabelReselectsOnReload() throws Exception {
        try {
            Files.writeString(gw.dir.resolve("routes.yaml"), routes("{tier: bronze}", "{tier: gold}"));
            awaitStatus("/silver/v1/chat/completions", 401);
            assertThat(gw.post("/gold/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            openai.take();
        } finally {
            Files.writeString(gw.dir.resolve("routes.yaml"), routes("{tier: gold}", "{tier: silver}"));
            awaitStatus("/gold/v1/chat/completions", 401);
        }
        while (openai.received() > 0) openai.take();
    }

    @Test
    void agentgatewaysMaskLabelsForCaSinEmailAndCustomMatches() throws Exception {
        String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"ops: ops@example.com\"},"
                + "{\"role\":\"user\",\"content\":"
                + "\"SIN 046-454-286 or 046 454 286, mail ann@example.com, code secret-42, order 123456789\"}]}";
        assertThat(gw.post("/silver/v1/chat/completions", chat).statusCode()).isEqualTo(200);
        JsonNode up = openai.take().json();
        assertThat(up.at("/messages/2/content").asText())
                .isEqualTo("SIN <CA_SIN> or <CA_SIN>, mail <EMAIL_ADDRESS>, code <masked>, order 123456789");
        assertThat(up.at("/messages/1/content").asText()).as("scope defaults to Messages: the system prompt is not read")
                .isEqualTo("ops: ops@example.com");
    }

    private static void awaitStatus(String path, int want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            Thread.sleep(100);
            status = gw.post(path, CHAT).statusCode();
            if (status == 200) openai.take();
        } while (status != want && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(want);
    }
}

package dev.aigw.proxy;

import dev.aigw.cli.GatewayApp;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the gateway sends out on a client's or a config's behalf: URL parts that cannot break out
 * of their segment, keys that stay with their vendor, credentials that stay out of dumps, regexes
 * that cannot stall, and every outbound call through the same client options.
 */
class OutboundHardeningTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String OPENAI_OK = """
            {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
    private static final String GEMINI_OK = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}""";

    /** {@code call}'s result, or a failure when it takes longer than {@code seconds}: a hang fails fast. */
    private static <T> T within(int seconds, java.util.concurrent.Callable<T> call) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(seconds, TimeUnit.SECONDS);
    }

    private static String gemini(String name, String model) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: %s}
                spec:
                  type: AI
                  ai:
                    llm:
                      gemini: {model: %s, apiVersion: v1beta, authToken: {kind: Inline, inline: g}}
                ---
                """.formatted(name, model);
    }

    private static final String ROUTES = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /a}}]
                backendRefs: [{name: a, group: gateway.kgateway.dev, kind: Backend}]
              - matches: [{path: {type: PathPrefix, value: /b}}]
                backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
            """;

    @Test
    void modelNamesInConfigCannotLeaveTheirPathSegmentOrPoisonThePool() throws Exception {
        try (FakeUpstream google = FakeUpstream.tls().respondWith(200, "application/json", GEMINI_OK)) {
            // A line break in a model: refused at start with its location, nothing served.
            assertThatThrownBy(() -> GatewayHarness.builder().upstream("generativelanguage.googleapis.com", google)
                    .file("r.yaml", gemini("a", "\"gemini\\r\\nX-Evil: 1\"") + gemini("b", "gemini-ok") + ROUTES).start())
                    .isInstanceOf(GatewayApp.StartupException.class)
                    .satisfies(e -> assertThat(((GatewayApp.StartupException) e).problems().toString())
                            .contains("r.yaml:").contains("gemini.model").contains("control character"));

            try (GatewayHarness gw = GatewayHarness.builder().upstream("generativelanguage.googleapis.com", google)
                    .watch(Duration.ofMillis(200))
                    .file("r.yaml", gemini("a", "\"../../../admin?x=1#\"") + gemini("b", "gemini-ok") + ROUTES).start()) {
                HttpResponse<String> r = gw.post("/a/v1/chat/completions", CHAT);
                assertThat(r.statusCode()).isEqualTo(200);
                FakeUpstream.Recorded up = google.take();
                // One encoded segment: no ../, no query, no fragment of the config's making.
                assertThat(up.path()).isEqualTo("/v1beta/models/..%2F..%2F..%2Fadmin%3Fx%3D1%23:generateContent");
                assertThat(up.query()).isNull();

                // A reload that brings a CR LF model is refused whole; both Backends keep serving.
                Files.writeString(gw.dir.resolve("r.yaml"), gemini("a", "\"gemini\\r\\nX: y\"") + gemini("b", "gemini-ok") + ROUTES);
                Thread.sleep(1_000);
                for (String p : new String[]{"/a", "/b", "/a"}) {
                    HttpResponse<String> again = within(5, () -> gw.post(p + "/v1/chat/completions", CHAT));
                    assertThat(again.statusCode()).as(p).isEqualTo(200);
                }
                assertThat(google.take().path()).startsWith("/v1beta/models/..%2F");
                assertThat(google.take().path()).isEqualTo("/v1beta/models/gemini-ok:generateContent");
            }
        }
    }

    @Test
    void aPassedThroughKeyNeverReachesAProviderOfAnotherKind() throws Exception {
        try (FakeUpstream openai = FakeUpstream.plain().respondWith(503, "application/json",
                "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
             FakeUpstream anthropic = FakeUpstream.plain().respondWith(200, "application/json", """
                     {"id":"m1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"ok"}],
                      "stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""");
             FakeUpstream openai2 = FakeUpstream.plain().respondWith(200, "application/json", OPENAI_OK);
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: a}
                     spec:
                       type: AI
                       ai:
                         priorityGroups:
                         - providers:
                           - {name: primary, openai: {authToken: {kind: Passthrough}, model: m}, host: 127.0.0.1, port: %d}
                         - providers:
                           - {name: other-vendor, anthropic: {authToken: {kind: Passthrough}, model: claude}, host: 127.0.0.1, port: %d}
                         - providers:
                           - {name: same-vendor, openai: {authToken: {kind: Passthrough}, model: m}, host: 127.0.0.1, port: %d}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - matches: [{path: {type: PathPrefix, value: /a}}]
                         backendRefs: [{name: a, group: gateway.kgateway.dev, kind: Backend}]
                     """.formatted(openai.port(), anthropic.port(), openai2.port()))
                     .start()) {
            HttpResponse<String> r = gw.post("/a/v1/chat/completions", CHAT, "authorization", "Bearer sk-client-openai-key");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(openai.received()).isEqualTo(1);
            assertThat(anthropic.received()).as("the Anthropic fallback got the client's OpenAI key").isZero();
            assertThat(openai2.take().headers().get("authorization")).isEqualTo("Bearer sk-client-openai-key");
        }
    }

    @Test
    void credentialsInHeaderModifiersAreRedactedInTheConfigDump() throws Exception {
        try (FakeUpstream web = FakeUpstream.plain().respond((r, req) -> req.response().end(
                "auth=" + r.headers().get("authorization")));
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: web}
                     spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - matches: [{path: {type: PathPrefix, value: /web}}]
                         filters:
                         - type: RequestHeaderModifier
                           requestHeaderModifier:
                             set: [{name: authorization, value: "Bearer sk-upstream-secret-123"}, {name: x-team, value: blue}]
                             add: [{name: x-extra, value: "sk-proj-abcdefghijklmnop"}]
                         backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                     """.formatted(web.port())).start()) {
            // The credential is used...
            HttpResponse<String> r = gw.get(gw.url() + "/web/x");
            assertThat(r.body()).isEqualTo("auth=Bearer sk-upstream-secret-123");
            // ...and never shown.
            String dump = gw.get(gw.adminUrl() + "/config_dump").body();
            assertThat(dump).doesNotContain("sk-upstream-secret-123").doesNotContain("sk-proj-abcdefghijklmnop")
                    .contains("x-team").contains("blue").contains("<redacted>");
        }
    }

    @Test
    void backtrackingRegexesInRoutesAndGuardsDoNotStall() throws Exception {
        try (FakeUpstream ai = FakeUpstream.plain().respondWith(200, "application/json", OPENAI_OK);
             FakeUpstream web = FakeUpstream.plain().respond((r, req) -> req.response().end("re"));
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", """
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: web}
                     spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: ai}
                     spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: r}
                     spec:
                       parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                       rules:
                       - matches: [{path: {type: RegularExpression, value: "/re/(.*a){12}"}}]
                         backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                       - name: chat
                         matches: [{path: {type: PathPrefix, value: /v1}}]
                         backendRefs: [{name: ai, group: gateway.kgateway.dev, kind: Backend}]
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: TrafficPolicy
                     metadata: {name: guard}
                     spec:
                       targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                       ai:
                         promptGuard:
                           request:
                             regex: {action: REJECT, matches: [{pattern: "(.*a){12}$", name: slow}]}
                     """.formatted(web.port(), ai.port())).start()) {
            String as = "a".repeat(32);
            long t0 = System.nanoTime();
            // Fails to match only after trying every split of the a's, on a backtracking engine.
            assertThat(within(3, () -> gw.get(gw.url() + "/re/" + as + "X")).statusCode()).isEqualTo(404);
            assertThat(gw.get(gw.url() + "/re/" + as).body()).isEqualTo("re");
            HttpResponse<String> guarded = within(3, () -> gw.post("/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + as + "X\"}]}"));
            assertThat(guarded.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void look_aroundIsNotRe2AndIsRefusedWithItsLocation() throws Exception {
        assertThatThrownBy(() -> GatewayHarness.builder().file("r.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: web}
                spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: 9}]}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: RegularExpression, value: "/x(?=y)"}}]
                    backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                """).start())
                .isInstanceOf(GatewayApp.StartupException.class)
                .satisfies(e -> assertThat(((GatewayApp.StartupException) e).problems().toString())
                        .contains("r.yaml:").contains("RE2"));
    }

    @Test
    void webhooksAndModerationUseConnectToAndTheCaFile() throws Exception {
        try (FakeUpstream guard = FakeUpstream.plain().respondWith(200, "application/json", "{\"action\":{\"reason\":\"fine\"}}");
             FakeUpstream moderation = FakeUpstream.tls().respondWith(200, "application/json",
                     "{\"id\":\"modr\",\"model\":\"omni-moderation-latest\",\"results\":[{\"flagged\":false}]}");
             FakeUpstream ai = FakeUpstream.plain().respondWith(200, "application/json", OPENAI_OK);
             GatewayHarness gw = GatewayHarness.builder()
                     // Names that do not resolve here: only --connect-to can reach the fakes, and the
                     // moderation fake's certificate is trusted only through --ca-file.
                     .upstream("guard.invalid:8000", guard)
                     .upstream("api.openai.com", moderation)
                     .file("r.yaml", """
                             apiVersion: gateway.kgateway.dev/v1alpha1
                             kind: Backend
                             metadata: {name: ai}
                             spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                             ---
                             apiVersion: gateway.networking.k8s.io/v1
                             kind: HTTPRoute
                             metadata: {name: r}
                             spec:
                               parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                               rules:
                               - matches: [{path: {type: PathPrefix, value: /v1}}]
                                 backendRefs: [{name: ai, group: gateway.kgateway.dev, kind: Backend}]
                             ---
                             apiVersion: gateway.kgateway.dev/v1alpha1
                             kind: TrafficPolicy
                             metadata: {name: guard}
                             spec:
                               targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
                               ai:
                                 promptGuard:
                                   request:
                                     webhook: {host: {host: guard.invalid, port: 8000}}
                                     moderation:
                                       openAIModeration: {authToken: {kind: Inline, inline: mod-key}}
                             """.formatted(ai.port())).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(guard.take().path()).isEqualTo("/request");
            FakeUpstream.Recorded m = moderation.take();
            assertThat(m.path()).isEqualTo("/v1/moderations");
            assertThat(m.headers().get("authorization")).isEqualTo("Bearer mod-key");
        }
    }
}

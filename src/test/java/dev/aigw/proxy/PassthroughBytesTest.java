package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unchanged OpenAI Chat body reaches OpenAI as the client's own bytes, the pinned model spliced
 * in, with a reject-only regex guard read from the scanned texts; a policy that rewrites still
 * rewrites (it gets the tree).
 */
class PassthroughBytesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream openai;
    private static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.plain().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean(false);
            String reason = req.getHeader("x-test-reason");
            if (reason != null) req.response().setStatusMessage(reason);
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json").end(stream ? SSE : """
                    {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                    "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                    "usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}""");
        });
        gw = GatewayHarness.builder().file("p.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: k}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: guarded}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /guarded}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: rewritten}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /rewritten}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: guard}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: guarded}]
                  ai:
                    promptGuard:
                      request:
                        regex:
                          action: REJECT
                          matches: [{pattern: "(?i)\\\\bpassword\\\\b", name: password}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: rewrite}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: rewritten}]
                  ai:
                    defaults:
                    - {field: temperature, value: 0.5}
                    promptGuard:
                      request:
                        regex:
                          action: REJECT
                          matches: [{pattern: "(?i)\\\\bpassword\\\\b", name: password}]
                """.formatted(openai.port())).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
    }

    private static final String BODY = "{ \"messages\" : [ {\"content\":\"caf\\u00e9 \\\"talk\\\"\", \"role\":\"user\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"fine\"}]} ],\n  \"model\":\"my-model\", \"n\": 1.50 }";

    @Test
    void theClientsBytesGoOutWithThePinnedModelSplicedIn() throws Exception {
        HttpResponse<String> r = gw.post("/guarded/v1/chat/completions", BODY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-model")).contains("gpt-4o-mini");
        String sent = openai.take().body().toString(StandardCharsets.UTF_8);
        assertThat(sent).isEqualTo(BODY.replace("\"my-model\"", "\"gpt-4o-mini\""));
    }

    /** The status line the gateway sends for a passthrough request whose upstream answers with {@code reason}. */
    private static String statusLine(String reason) throws Exception {
        java.net.URI u = java.net.URI.create(gw.url());
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            String head = "POST /guarded/v1/chat/completions HTTP/1.1\r\nHost: " + u.getHost() + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                    + (reason == null ? "" : "x-test-reason: " + reason + "\r\n") + "Connection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void theUpstreamsReasonPhraseReachesTheClientAndTheStandardOneStands() throws Exception {
        assertThat(statusLine("Fine By Me")).isEqualTo("HTTP/1.1 200 Fine By Me");
        assertThat(statusLine(null)).isEqualTo("HTTP/1.1 200 OK");
        openai.take();
        openai.take();
    }

    @Test
    void theGuardStillRejectsFromTheScannedTexts() throws Exception {
        int before = openai.received();
        HttpResponse<String> r = gw.post("/guarded/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"my Password: x\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("content_policy_violation");
        Thread.sleep(100);
        assertThat(openai.received()).isEqualTo(before);
    }

    @Test
    void aPolicyThatRewritesGetsTheTree() throws Exception {
        HttpResponse<String> r = gw.post("/rewritten/v1/chat/completions", BODY);
        assertThat(r.statusCode()).isEqualTo(200);
        var sent = JSON.readTree(openai.take().body().getBytes());
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("café \"talk\"");
        assertThat(gw.post("/rewritten/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"password\"}]}").statusCode()).isEqualTo(403);
    }
    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[%s],\"usage\":%s}\n\n";
    private static final String CHOICE = "{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}";
    private static final String SSE = CHUNK.formatted(CHOICE, "null")
            + CHUNK.formatted("", "{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}") + "data: [DONE]\n\n";

    @Test
    void aStreamGoesOutAsTheClientsBytesWithIncludeUsageSplicedIn() throws Exception {
        // Not asked for: the gateway asks in the client's bytes, and keeps the usage to itself.
        String body = "{ \"stream\" : true,\n \"model\":\"my-model\", \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}] }";
        HttpResponse<String> r = gw.post("/guarded/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(openai.take().body().toString(StandardCharsets.UTF_8)).isEqualTo(body.replace("\"my-model\"", "\"gpt-4o-mini\"")
                .replace("}] }", "}] ,\"stream_options\":{\"include_usage\":true}}"));
        assertThat(r.body()).isEqualTo(CHUNK.formatted(CHOICE, "").replace(",\"usage\":}", "}") + "data: [DONE]\n\n");

        // include_usage false: the value becomes true.
        String off = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}";
        assertThat(gw.post("/guarded/v1/chat/completions", off).body()).doesNotContain("usage");
        assertThat(openai.take().body().toString(StandardCharsets.UTF_8)).isEqualTo(off.replace("false", "true"));

        // Asked for: the client's bytes go out as they are, and the stream comes back as it was sent.
        String asked = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{ \"include_usage\" : true }}";
        HttpResponse<String> a = gw.post("/guarded/v1/chat/completions", asked);
        assertThat(openai.take().body().toString(StandardCharsets.UTF_8)).isEqualTo(asked);
        assertThat(a.body()).isEqualTo(SSE);

        // A stream the guard rejects never leaves.
        int before = openai.received();
        assertThat(gw.post("/guarded/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"password\"}]}")
                .statusCode()).isEqualTo(403);
        assertThat(openai.received()).isEqualTo(before);
    }
}

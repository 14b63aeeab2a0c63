package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anthropic Messages to Anthropic, the Responses API to OpenAI and Gemini to Gemini, unchanged,
 * reach the provider as the client's own bytes (the pinned model spliced in; Gemini's body keeps
 * whatever it had, its model is in the path), with a reject-only regex guard read from the scanned
 * texts of each format; a policy that rewrites still gets the tree, and the streams come back as
 * the provider sent them.
 */
class PassthroughFormatsBytesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeUpstream up;
    private static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        up = FakeUpstream.plain().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean(false) || r.path().endsWith(":streamGenerateContent");
            String body = r.path().startsWith("/v1/messages") ? Fixtures.read(stream ? "anthropic/message-stream.sse" : "anthropic/message.json")
                    : r.path().startsWith("/v1/responses") ? Fixtures.read(stream ? "openai/response-stream.sse" : "openai/response.json")
                    : Fixtures.read(stream ? "gemini/stream.sse" : "gemini/generate.json");
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json").end(body);
        });
        gw = GatewayHarness.builder().file("f.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: anthropic}
                spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: %1$d, anthropic: {authToken: {kind: Inline, inline: k}, model: claude-pinned}}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: responses}
                spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: %1$d, path: /v1/responses, openai: {authToken: {kind: Inline, inline: k}, model: gpt-pinned}}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: gemini}
                spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: %1$d, gemini: {authToken: {kind: Inline, inline: k}, model: gemini-2.0-flash, apiVersion: v1beta}}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: guarded}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /g/v1/messages}}]
                    backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /g/v1/responses}}]
                    backendRefs: [{name: responses, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /g/v1beta}}]
                    backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: rewritten}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /r/v1/messages}}]
                    backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /r/v1beta}}]
                    backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
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
                """.formatted(up.port())).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
        up.close();
    }

    private static final String ANTHROPIC = "{ \"max_tokens\" : 64, \"system\": [{\"type\":\"text\",\"text\":\"caf\\u00e9\"}],"
            + " \"messages\" : [ {\"content\":\"say \\\"hi\\\"\", \"role\":\"user\"} ],\n  \"model\":\"my-model\", \"n\": 1.50 }";
    private static final String RESPONSES = "{\"input\" : [{\"role\":\"developer\",\"content\":\"be brief\"},{\"type\":\"message\",\"role\":\"user\","
            + "\"content\":[{\"type\":\"input_text\",\"text\":\"h\\u00e9llo\"}]}],  \"model\" : \"my-model\", \"top_p\": 1.0 }";
    private static final String GEMINI = "{\"contents\": [ {\"role\":\"user\", \"parts\":[{\"text\":\"caf\\u00e9\"}]} ],"
            + "\n \"systemInstruction\" : {\"parts\":[{\"text\":\"be brief\"}]}, \"generationConfig\": {\"temperature\": 1.50} }";

    private static String sent() {
        return up.take().body().toString(StandardCharsets.UTF_8);
    }

    @Test
    void theClientsBytesGoOutWithThePinnedModelSplicedIn() throws Exception {
        HttpResponse<String> a = gw.post("/g/v1/messages", ANTHROPIC, "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(sent()).isEqualTo(ANTHROPIC.replace("\"my-model\"", "\"claude-pinned\""));
        assertThat(JSON.readTree(a.body()).path("type").asText()).isEqualTo("message");

        HttpResponse<String> r = gw.post("/g/v1/responses", RESPONSES);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sent()).isEqualTo(RESPONSES.replace("\"my-model\"", "\"gpt-pinned\""));

        HttpResponse<String> g = gw.post("/g/v1beta/models/gemini-2.0-flash:generateContent", GEMINI);
        assertThat(g.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded gs = up.take();
        assertThat(gs.path()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(gs.body().toString(StandardCharsets.UTF_8)).isEqualTo(GEMINI);
    }

    @Test
    void streamsGoOutAsTheClientsBytesAndComeBackAsSent() throws Exception {
        String a = ANTHROPIC.replace("\"n\": 1.50", "\"stream\" : true");
        HttpResponse<String> as = gw.post("/g/v1/messages", a, "anthropic-version", "2023-06-01");
        assertThat(sent()).isEqualTo(a.replace("\"my-model\"", "\"claude-pinned\""));
        assertThat(as.body()).isEqualTo(Fixtures.read("anthropic/message-stream.sse"));

        String r = RESPONSES.replace("\"top_p\": 1.0", "\"stream\":true");
        HttpResponse<String> rs = gw.post("/g/v1/responses", r);
        assertThat(sent()).as("no stream_options for the Responses API").isEqualTo(r.replace("\"my-model\"", "\"gpt-pinned\""));
        assertThat(rs.body()).isEqualTo(Fixtures.read("openai/response-stream.sse"));

        HttpResponse<String> gs = gw.post("/g/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", GEMINI);
        FakeUpstream.Recorded g = up.take();
        assertThat(g.path()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent");
        assertThat(g.body().toString(StandardCharsets.UTF_8)).isEqualTo(GEMINI);
        assertThat(gs.body()).isEqualTo(Fixtures.read("gemini/stream.sse"));
    }

    @Test
    void theGuardStillRejectsFromTheScannedTexts() throws Exception {
        int before = up.received();
        assertThat(gw.post("/g/v1/messages", ANTHROPIC.replace("caf\\u00e9", "my PASSWORD"), "anthropic-version", "2023-06-01")
                .statusCode()).isEqualTo(403);
        assertThat(gw.post("/g/v1/responses", RESPONSES.replace("be brief", "a password")).statusCode()).isEqualTo(403);
        assertThat(gw.post("/g/v1/responses", "{\"model\":\"m\",\"instructions\":\"password\",\"input\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(gw.post("/g/v1beta/models/gemini-2.0-flash:generateContent", GEMINI.replace("be brief", "password")).statusCode())
                .isEqualTo(403);
        assertThat(gw.post("/g/v1beta/models/gemini-2.0-flash:generateContent",
                "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"text\":\"the password\"}]}]}").statusCode()).isEqualTo(403);
        // A thought is not a prompt text (BodyText skips it): the guard lets it by, as it does on the tree.
        assertThat(gw.post("/g/v1beta/models/gemini-2.0-flash:generateContent",
                "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"text\":\"the password\",\"thought\":true}]}]}").statusCode()).isEqualTo(200);
        assertThat(up.take().body().toString(StandardCharsets.UTF_8)).contains("\"thought\":true");
        Thread.sleep(100);
        assertThat(up.received()).as("nothing rejected reached the provider").isEqualTo(before);
    }

    @Test
    void aPolicyThatRewritesGetsTheTree() throws Exception {
        assertThat(gw.post("/r/v1/messages", ANTHROPIC, "anthropic-version", "2023-06-01").statusCode()).isEqualTo(200);
        var a = JSON.readTree(up.take().body().getBytes());
        assertThat(a.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(a.path("model").asText()).isEqualTo("claude-pinned");
        assertThat(a.path("messages").get(0).path("content").asText()).isEqualTo("say \"hi\"");
        assertThat(gw.post("/r/v1beta/models/gemini-2.0-flash:generateContent", GEMINI).statusCode()).isEqualTo(200);
        var g = JSON.readTree(up.take().body().getBytes());
        // Gemini's own field is generationConfig.temperature; a default writes the field it names.
        assertThat(g.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(g.path("generationConfig").path("temperature").asDouble()).isEqualTo(1.5);
        assertThat(gw.post("/r/v1/messages", ANTHROPIC.replace("caf\\u00e9", "password"), "anthropic-version", "2023-06-01")
                .statusCode()).isEqualTo(403);
    }
}

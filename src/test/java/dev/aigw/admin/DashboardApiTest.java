package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's JSON API as scripts use it, and who may use it. */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "api-test-admin-token-9f8e7d6c5b4a";
    private static final String PROVIDER_KEY = "sk-provider-key-for-the-api-test";

    private static String config(int port) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai:
                    llm: {openai: {authToken: {kind: Inline, inline: %s}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /openai}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /nowhere}}]
                    backendRefs: [{name: not-defined, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(PROVIDER_KEY, port);
    }

    private static FakeUpstream openai() {
        return FakeUpstream.plain().respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean(false);
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "openai/chat-stream.sse" : "openai/chat-completion.json"));
        });
    }

    private static HttpResponse<String> send(GatewayHarness gw, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.adminUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void onLoopbackTheApiIsOpenAndDescribesTheGateway() throws Exception {
        try (FakeUpstream up = openai();
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", config(up.port())).start()) {
            assertThat(gw.post("/openai/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .statusCode()).isEqualTo(200);

            JsonNode o = json(send(gw, "GET", "/api/overview", null));
            assertThat(o.path("generation").asLong()).isEqualTo(1);
            assertThat(o.path("routes")).hasSize(2);
            assertThat(o.path("routes").get(0).path("path").path("value").asText()).isEqualTo("/nowhere");
            assertThat(o.path("routes").get(1).path("destinations").get(0).path("priorityGroups").get(0).get(0)
                    .path("target").asText()).isEqualTo("127.0.0.1:" + up.port());
            assertThat(o.path("unavailable")).singleElement().satisfies(u -> assertThat(u.path("reason").asText())
                    .contains("not-defined"));
            assertThat(o.path("problems")).singleElement().satisfies(p -> {
                assertThat(p.path("severity").asText()).isEqualTo("UNRESOLVED");
                assertThat(p.path("location").asText()).matches(".*g\\.yaml:\\d+");
            });
            assertThat(o.path("kubernetes").isNull()).isTrue();

            JsonNode p = json(send(gw, "GET", "/api/providers", null));
            assertThat(p.path("providers")).singleElement().satisfies(n -> {
                assertThat(n.path("status").asText()).isEqualTo("HEALTHY");
                assertThat(n.path("tried").asBoolean()).isTrue();
                assertThat(n.path("ttfbMs").isNumber()).isTrue();
            });
            JsonNode t = json(send(gw, "GET", "/api/traffic?minutes=15&by=provider", null));
            assertThat(t.path("total").path("requests").asLong()).isEqualTo(1);
            assertThat(t.path("groups").get(0).path("key").asText()).isEqualTo("openai/llm");
            JsonNode rq = json(send(gw, "GET", "/api/requests?status=2xx", null));
            assertThat(rq.path("requests")).singleElement().satisfies(n -> assertThat(n.path("tokensIn").asLong()).isPositive());
            assertThat(rq.path("promptsLogged").asBoolean()).isFalse();
            JsonNode sp = json(send(gw, "GET", "/api/spend", null));
            assertThat(sp.path("configured").asBoolean()).isFalse();
            assertThat(sp.path("message").asText()).isEqualTo("no keys or budgets configured");

            // Bad input says what was wrong and what to do.
            HttpResponse<String> bad = send(gw, "GET", "/api/traffic?minutes=7", null);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).path("error").path("message").asText()).contains("use 5, 15 or 60");
            assertThat(send(gw, "GET", "/api/traffic?by=colour", null).statusCode()).isEqualTo(400);
            assertThat(json(send(gw, "GET", "/api/nope", null)).path("error").path("message").asText()).contains("/api/overview");
            HttpResponse<String> off = send(gw, "POST", "/api/try", "{}", "content-type", "application/json");
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(json(off).path("error").path("message").asText()).contains("--admin-try-it");

            // The page and its files; nothing else from the classpath.
            assertThat(send(gw, "GET", "/ui", null).headers().firstValue("location")).hasValue("/ui/");
            assertThat(send(gw, "GET", "/", null).headers().firstValue("location")).hasValue("/ui/");
            HttpResponse<String> index = send(gw, "GET", "/ui/", null);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("content-security-policy").orElse("")).contains("script-src 'self'");
            assertThat(send(gw, "GET", "/ui/app.js", null).headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            assertThat(send(gw, "GET", "/ui/..%2Flogback.xml", null).statusCode()).isEqualTo(404);
            assertThat(send(gw, "GET", "/ui/missing.js", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void boundBeyondLoopbackWithoutATokenTheApiStaysClosed() throws Exception {
        try (FakeUpstream up = openai();
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", config(up.port())).adminAddress("0.0.0.0").start()) {
            HttpResponse<String> r = send(gw, "GET", "/api/overview", null);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r).path("error").path("message").asText()).contains("0.0.0.0").contains("--admin-token-file")
                    .contains("AIGW_ADMIN_TOKEN");
            JsonNode s = json(send(gw, "GET", "/api/session", null));
            assertThat(s.path("authRequired").asBoolean()).isTrue();
            assertThat(s.path("authenticated").asBoolean()).isFalse();
            assertThat(send(gw, "GET", "/healthz", null).statusCode()).as("probes keep working").isEqualTo(200);
        }
    }

    @Test
    void withATokenScriptsUseBearerAndBrowsersASessionThatIsNotTheToken() throws Exception {
        try (FakeUpstream up = openai();
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", config(up.port())).adminAddress("0.0.0.0")
                     .dashboard(new DashboardOptions(Optional.of(TOKEN), true)).start()) {
            List<HttpResponse<String>> seen = new ArrayList<>();
            seen.add(send(gw, "GET", "/api/overview", null));
            assertThat(seen.getLast().statusCode()).isEqualTo(401);
            seen.add(send(gw, "GET", "/api/overview", null, "authorization", "Bearer not-it"));
            assertThat(seen.getLast().statusCode()).isEqualTo(401);
            for (String api : List.of("overview", "providers", "traffic", "requests", "spend", "session")) {
                seen.add(send(gw, "GET", "/api/" + api, null, "authorization", "Bearer " + TOKEN));
                assertThat(seen.getLast().statusCode()).as(api).isEqualTo(200);
            }

            seen.add(send(gw, "POST", "/api/login", "{\"token\":\"wrong\"}", "content-type", "application/json"));
            assertThat(seen.getLast().statusCode()).isEqualTo(401);
            HttpResponse<String> login = send(gw, "POST", "/api/login", "{\"token\":\"" + TOKEN + "\"}",
                    "content-type", "application/json");
            seen.add(login);
            assertThat(login.statusCode()).isEqualTo(204);
            String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).startsWith(DashboardAuth.COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
                    .doesNotContain(TOKEN);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            seen.add(send(gw, "GET", "/api/providers", null, "cookie", cookie));
            assertThat(seen.getLast().statusCode()).isEqualTo(200);

            // POSTs must be JSON from this origin: a cross-site form or fetch is refused.
            seen.add(send(gw, "POST", "/api/try", "{}", "cookie", cookie, "content-type", "text/plain"));
            assertThat(seen.getLast().statusCode()).isEqualTo(403);
            seen.add(send(gw, "POST", "/api/try", "{}", "cookie", cookie, "content-type", "application/json",
                    "origin", "http://evil.example"));
            assertThat(seen.getLast().statusCode()).isEqualTo(403);

            // Try it streams an answer from the route, with the request id it was logged under.
            HttpResponse<String> tried = send(gw, "POST", "/api/try",
                    "{\"route\":\"default/chat#0\",\"format\":\"openai\",\"model\":\"gpt-4o-mini\",\"prompt\":\"hi\"}",
                    "cookie", cookie, "content-type", "application/json");
            seen.add(tried);
            assertThat(tried.statusCode()).isEqualTo(200);
            assertThat(tried.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            assertThat(tried.headers().firstValue("x-tryit-path")).hasValue("/openai/v1/chat/completions");
            String id = tried.headers().firstValue("x-request-id").orElseThrow();
            assertThat(id).startsWith("tryit-");
            assertThat(tried.body()).contains("\"content\":\"Hello\"");
            // The record is written when the gateway's side of the exchange ends, a moment after the client's.
            JsonNode logged = null;
            for (int i = 0; i < 50 && (logged == null || logged.path("requests").isEmpty()); i++) {
                if (logged != null) Thread.sleep(100);
                logged = json(send(gw, "GET", "/api/requests?q=" + id, null, "authorization", "Bearer " + TOKEN));
            }
            assertThat(logged.path("requests")).singleElement().satisfies(n -> assertThat(n.path("streamed").asBoolean()).isTrue());
            HttpResponse<String> gemini = send(gw, "POST", "/api/try",
                    "{\"route\":\"default/chat#0\",\"format\":\"gemini\",\"model\":\"gpt-4o-mini\",\"prompt\":\"hi\"}",
                    "cookie", cookie, "content-type", "application/json");
            assertThat(gemini.statusCode()).as(gemini.body()).isEqualTo(200);
            assertThat(gemini.headers().firstValue("x-tryit-path"))
                    .hasValue("/openai/v1beta/models/gpt-4o-mini:streamGenerateContent?alt=sse");
            assertThat(gemini.body()).contains("\"text\":\"Hello\"");
            HttpResponse<String> nowhere = send(gw, "POST", "/api/try", "{\"route\":\"default/none#0\",\"prompt\":\"hi\"}",
                    "cookie", cookie, "content-type", "application/json");
            assertThat(nowhere.statusCode()).isEqualTo(404);
            assertThat(send(gw, "POST", "/api/try", "{\"route\":\"default/chat#0\",\"format\":\"cohere\",\"prompt\":\"hi\"}",
                    "cookie", cookie, "content-type", "application/json").body()).contains("use openai, anthropic or gemini");

            seen.add(send(gw, "POST", "/api/logout", "{}", "cookie", cookie, "content-type", "application/json"));
            assertThat(send(gw, "GET", "/api/providers", null, "cookie", cookie).statusCode()).isEqualTo(401);
            for (String page : List.of("/ui/", "/ui/app.js", "/ui/tryit.js", "/ui/charts.js", "/ui/style.css")) {
                seen.add(send(gw, "GET", page, null));
            }

            // No secret ever goes back: neither the admin token nor a provider's key.
            for (HttpResponse<String> r : seen) {
                assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(PROVIDER_KEY);
                assertThat(r.headers().map().toString()).doesNotContain(TOKEN).doesNotContain(PROVIDER_KEY);
            }

            // Guessing is throttled.
            int last = 0;
            for (int i = 0; i < 12; i++) {
                last = send(gw, "POST", "/api/login", "{\"token\":\"guess-" + i + "\"}", "content-type", "application/json")
                        .statusCode();
            }
            assertThat(last).isEqualTo(429);
        }
    }

    @Test
    void promptsAreShownOnlyWhenPromptLoggingIsOn() throws Exception {
        String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"the secret plan\"}]}";
        try (FakeUpstream up = openai();
             GatewayHarness on = GatewayHarness.builder().file("g.yaml", config(up.port())).logPrompts(200).start();
             GatewayHarness off = GatewayHarness.builder().file("g.yaml", config(up.port())).start()) {
            assertThat(on.post("/openai/v1/chat/completions", chat).statusCode()).isEqualTo(200);
            assertThat(off.post("/openai/v1/chat/completions", chat).statusCode()).isEqualTo(200);
            JsonNode withPrompts = null;
            for (int i = 0; i < 50 && (withPrompts == null || withPrompts.path("requests").isEmpty()); i++) {
                if (withPrompts != null) Thread.sleep(100);
                withPrompts = json(send(on, "GET", "/api/requests", null));
            }
            assertThat(withPrompts.path("promptsLogged").asBoolean()).isTrue();
            assertThat(withPrompts.path("requests").get(0).path("prompt").asText()).contains("the secret plan");
            assertThat(withPrompts.path("requests").get(0).path("completion").asText()).contains("Hello!");
            HttpResponse<String> without = null;
            for (int i = 0; i < 50 && (without == null || json(without).path("requests").isEmpty()); i++) {
                if (without != null) Thread.sleep(100);
                without = send(off, "GET", "/api/requests", null);
            }
            assertThat(json(without).path("promptsLogged").asBoolean()).isFalse();
            assertThat(json(without).path("requests")).singleElement().satisfies(n -> assertThat(n.has("prompt")).isFalse());
            assertThat(without.body()).doesNotContain("the secret plan");
        }
    }
}

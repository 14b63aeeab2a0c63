package dev.aigw.proxy;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.errors.ApiException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.telemetry.ExchangeObserver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The one writer: every {@link GatewayError} (including the 401 and 429 that authentication and
 * limit stages answer with) as the three official SDKs see it, before any byte and after a
 * keep-alive head; and the writer's states, over a real server.
 */
class ClientResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static HttpServer server;
    private static int port;

    static final Map<String, GatewayError> ERRORS = new LinkedHashMap<>();

    static {
        ERRORS.put("not-found", new GatewayError.NotFound("not_found", "no route matches POST /x"));
        ERRORS.put("bad-request", new GatewayError.BadRequest("request body is not valid JSON at line 1, column 2: x"));
        ERRORS.put("too-large", new GatewayError.TooLarge("request body is larger than the limit of 10 bytes"));
        ERRORS.put("unauthorized", new GatewayError.Unauthorized("no client key"));
        ERRORS.put("rate-limited", new GatewayError.RateLimited("token limit reached", Optional.of(Duration.ofSeconds(3))));
        ERRORS.put("rejected", new GatewayError.Rejected(403, "not allowed here", null));
        ERRORS.put("unresolved", new GatewayError.Unresolved("route r cannot be served: secret s not found"));
        ERRORS.put("internal", new GatewayError.Internal("the gateway failed"));
        ERRORS.put("not-implemented", new GatewayError.NotImplemented("no translator"));
        ERRORS.put("overloaded", new GatewayError.Overloaded("buffer bound reached"));
        ERRORS.put("bad-gateway", new GatewayError.BadGateway("connection refused or unreachable"));
        ERRORS.put("timeout", new GatewayError.Timeout("did not answer within 5 ms"));
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // /{mode}/{error}/<the client's API path>: mode "before" fails at once, "after" after keep-alives.
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            String[] parts = req.path().split("/");
            ClientResponse out = new ClientResponse(req, ExchangeObserver.NOOP, vertx, "t");
            out.schema(ClientFormat.detect("POST", req.path()).errorSchema());
            GatewayError e = ERRORS.get(parts[2]);
            switch (parts[1]) {
                case "before" -> out.fail(e);
                case "after" -> {
                    out.keepAlive(Duration.ofMillis(30));
                    vertx.setTimer(120, t -> out.fail(e));
                }
                case "streaming" -> {
                    out.eventStreamHead();
                    out.write("data: {\"partial\":true}\n\n");
                    out.fail(e);
                    out.fail(new GatewayError.Internal("a second failure changes nothing"));
                }
                case "json-body" -> {
                    out.headers().set("content-type", "application/json");
                    out.head(200, null, true);
                    out.write("{\"partial\":");
                    out.fail(e);
                }
                case "whole-after-keepalive" -> {
                    out.keepAlive(Duration.ofMillis(30));
                    vertx.setTimer(120, t -> out.json(200, JSON.createObjectNode().put("answer", 42)));
                }
                default -> req.response().setStatusCode(500).end();
            }
        }));
        port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    enum Sdk { OPENAI, ANTHROPIC, GEMINI }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String error : ERRORS.keySet()) {
            for (Sdk sdk : Sdk.values()) {
                out.add(Arguments.of(error, sdk, "before", false));
                out.add(Arguments.of(error, sdk, "before", true));
                out.add(Arguments.of(error, sdk, "after", true));
            }
        }
        return out.stream();
    }

    /** The status the SDK reported and the error object it carried ({@code error} member or the event itself). */
    record Seen(int status, JsonNode error, JsonNode whole) {
    }

    private static Seen call(Sdk sdk, String base, boolean stream) {
        return assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try {
                switch (sdk) {
                    case OPENAI -> {
                        var c = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("k").maxRetries(0).build();
                        var p = ChatCompletionCreateParams.builder().model("m").addUserMessage("hi").build();
                        if (stream) {
                            try (var s = c.chat().completions().createStreaming(p)) {
                                s.stream().forEach(x -> { });
                            }
                        } else {
                            c.chat().completions().create(p);
                        }
                    }
                    case ANTHROPIC -> {
                        var c = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("k").maxRetries(0).build();
                        var p = MessageCreateParams.builder().model("m").maxTokens(5).addUserMessage("hi").build();
                        if (stream) {
                            try (var s = c.messages().createStreaming(p)) {
                                s.stream().forEach(x -> { });
                            }
                        } else {
                            c.messages().create(p);
                        }
                    }
                    case GEMINI -> {
                        var c = com.google.genai.Client.builder().apiKey("k").httpOptions(HttpOptions.builder().baseUrl(base)
                                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
                        if (stream) {
                            try (var s = c.models.generateContentStream("g", "hi", null)) {
                                for (var ignored : s) {
                                    // drain
                                }
                            }
                        } else {
                            c.models.generateContent("g", "hi", null);
                        }
                    }
                }
            } catch (OpenAIServiceException e) {
                JsonNode body = JSON.readTree(JSON.writeValueAsString(e.body()));
                return new Seen(e.statusCode(), body.has("error") ? body.path("error") : body, body);
            } catch (AnthropicServiceException e) {
                JsonNode body = JSON.readTree(JSON.writeValueAsString(e.body()));
                return new Seen(e.statusCode(), body.path("error"), body);
            } catch (ApiException e) {
                var err = JSON.createObjectNode().put("code", e.code()).put("status", e.status()).put("message", e.message());
                return new Seen(e.code(), err, err);
            }
            throw new AssertionError(sdk + " saw no error");
        });
    }

    @ParameterizedTest(name = "{0} to {1}, {2} the head, stream={3}")
    @MethodSource("matrix")
    void everyGatewayErrorIsTypedForEverySdkBeforeAndAfterTheHead(String error, Sdk sdk, String mode, boolean stream) {
        GatewayError e = ERRORS.get(error);
        Seen seen = call(sdk, "http://127.0.0.1:" + port + "/" + mode + "/" + error, stream);
        boolean afterHead = mode.equals("after");
        assertThat(seen.error().path("message").asText()).isEqualTo(e.message());
        switch (sdk) {
            case OPENAI -> {
                assertThat(seen.status()).isEqualTo(afterHead ? 200 : e.status());
                assertThat(seen.error().path("code").asInt()).isEqualTo(e.status());
                assertThat(seen.error().path("type").asText()).isEqualTo(e.code());
            }
            case ANTHROPIC -> {
                assertThat(seen.status()).isEqualTo(afterHead ? 200 : e.status());
                assertThat(seen.whole().path("type").asText()).isEqualTo("error");
                assertThat(seen.error().path("type").asText()).isNotBlank().doesNotContain("gateway");
            }
            case GEMINI -> {
                assertThat(seen.status()).as("the code in the error, after the head too").isEqualTo(e.status());
                assertThat(seen.error().path("status").asText()).matches("[A-Z_]+");
            }
        }
    }

    private static HttpResponse<String> raw(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHeadersOfAnErrorBeforeTheHeadFitTheError() throws Exception {
        HttpResponse<String> limited = raw("/before/rate-limited/v1/chat/completions");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("3");
        assertThat(limited.headers().firstValue("content-type")).hasValue("application/json");
        HttpResponse<String> large = raw("/before/too-large/v1/messages");
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(large.body()).path("error").path("type").asText()).isEqualTo("request_too_large");
    }

    @Test
    void midStreamTheFirstErrorIsTheLastEventAndLaterOnesChangeNothing() throws Exception {
        HttpResponse<String> r = raw("/streaming/timeout/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("data: {\"partial\":true}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"timeout_error\",\"message\":\"did not answer within 5 ms\"}}\n\n");
        HttpResponse<String> gemini = raw("/streaming/bad-gateway/v1beta/models/g:streamGenerateContent");
        assertThat(gemini.body()).endsWith("\n\ndata: {\"error\":{\"code\":502,\"message\":\"connection refused or "
                + "unreachable\",\"status\":\"INTERNAL\"}}\n\n");
    }

    @Test
    void aBodyThatIsNotAStreamIsCutShortAfterItsHead() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> raw("/json-body/bad-gateway/v1/chat/completions")))
                .as("the status line is gone: a reset, not a clean end").isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aWholeAnswerAfterKeepAlivesIsTheStreamsOneEvent() throws Exception {
        HttpResponse<String> r = raw("/whole-after-keepalive/x/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.body()).startsWith(": keep-alive\n\n").endsWith("\n\ndata: {\"answer\":42}\n\n");
    }
}

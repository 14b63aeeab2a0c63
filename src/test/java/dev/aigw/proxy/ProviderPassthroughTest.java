package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The providers' other endpoints on an AI route: forwarded with method, path below the route's
 * prefix, query and body as they came, the Backend's credential in place of the client's, bodies
 * streamed (a 200 MB multipart upload crosses with the gateway holding only what backpressure
 * lets through), provider errors relayed unchanged, usage metered from the answer. The Backend's
 * {@code routes} choose which paths are served; any other gets a 404 in the client's format
 * naming them.
 */
class ProviderPassthroughTest {
    private static final long UPLOAD = 200L * 1024 * 1024;
    private static Vertx vertx;
    private static HttpServer files;
    private static final AtomicLong clientSent = new AtomicLong();
    private static final AtomicLong sentWhilePaused = new AtomicLong(-1);
    private static final AtomicReference<String> upstreamAuth = new AtomicReference<>();
    private static final AtomicReference<String> upstreamDigest = new AtomicReference<>();
    private static final AtomicReference<String> upstreamContentType = new AtomicReference<>();
    private static FakeUpstream anthropic;
    private static FakeUpstream gemini;
    private static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // Streams the upload into a digest: it keeps nothing, and waits 1.5 s before reading any of it.
        files = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(req -> {
            upstreamAuth.set(req.getHeader("authorization"));
            if (req.path().equals("/v1/files/file-missing")) {
                req.response().setStatusCode(404).putHeader("content-type", "application/json").putHeader("x-provider", "yes")
                        .end("{\"error\":{\"message\":\"No such File object: file-missing\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"id\",\"code\":null}}");
                return;
            }
            if (req.path().equals("/v1/images/generations")) {
                req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json")
                        .end("{\"created\":1,\"data\":[{\"b64_json\":\"AAAA\"}],\"usage\":{\"input_tokens\":50,"
                                + "\"output_tokens\":4160,\"total_tokens\":4210}}"));
                return;
            }
            if (!req.path().equals("/v1/files") || req.method().name().equals("GET")) {
                req.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"uri\":\""
                        + req.uri() + "\",\"data\":[]}");
                return;
            }
            upstreamContentType.set(req.getHeader("content-type"));
            MessageDigest md = sha();
            long[] n = {0};
            req.pause();
            req.handler(b -> {
                n[0] += b.length();
                md.update(b.getBytes());
            });
            req.endHandler(v -> {
                upstreamDigest.set(HexFormat.of().formatHex(md.digest()));
                req.response().putHeader("content-type", "application/json")
                        .end("{\"id\":\"file-abc123\",\"object\":\"file\",\"bytes\":" + n[0] + ",\"purpose\":\"batch\"}");
            });
            vertx.setTimer(1500, id -> {
                sentWhilePaused.set(clientSent.get());
                req.resume();
            });
        });
        files.listen().await(10, TimeUnit.SECONDS);
        anthropic = FakeUpstream.tls().respondWith(200, "application/json",
                "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\"}],\"has_more\":false}");
        gemini = FakeUpstream.tls().respondWith(200, "application/json", "{\"files\":[]}");
        gw = GatewayHarness.builder().maxBody(300L * 1024 * 1024)
                .upstream("api.anthropic.com", anthropic)
                .upstream("generativelanguage.googleapis.com", gemini)
                .file("p.yaml", """
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: openai}
                        spec: {type: AI, ai: {llm: {host: 127.0.0.1, port: %d, openai: {authToken: {kind: Inline, inline: sk-backend}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: anthropic}
                        spec: {type: AI, ai: {llm: {anthropic: {authToken: {kind: Inline, inline: sk-ant-backend}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: gemini}
                        spec: {type: AI, ai: {llm: {gemini: {model: gemini-2.5-flash, apiVersion: v1beta, authToken: {kind: Inline, inline: g-backend}}}}}
                        ---
                        apiVersion: gateway.kgateway.dev/v1alpha1
                        kind: Backend
                        metadata: {name: narrow}
                        spec:
                          type: AI
                          ai:
                            llm: {host: 127.0.0.1, port: %d, openai: {authToken: {kind: Inline, inline: sk-backend}}}
                            routes:
                              /v1/chat/completions: Completions
                              /v1/models: Models
                              /v1/files: Passthrough
                        ---
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata: {name: p}
                        spec:
                          parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                          rules:
                          - matches: [{path: {type: PathPrefix, value: /openai}}]
                            backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /anthropic}}]
                            backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /gemini}}]
                            backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
                          - matches: [{path: {type: PathPrefix, value: /narrow}}]
                            backendRefs: [{name: narrow, group: gateway.kgateway.dev, kind: Backend}]
                        """.formatted(files.actualPort(), files.actualPort()))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        anthropic.close();
        gemini.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A multipart body: a purpose field, then a file of {@code size} pseudo-random bytes; counts what was read. */
    private static final class Multipart extends InputStream {
        static final String BOUNDARY = "aigw-boundary-7MA4YWxkTrZu0gW";
        private final byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        private final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private final MessageDigest md = sha();
        private long pos;
        private long seed = 42;

        Multipart(long size) {
            this.size = size;
        }

        long length() {
            return head.length + size + tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = length();
            if (pos >= total) return -1;
            int n = (int) Math.min(len, total - pos);
            for (int i = 0; i < n; i++, pos++) {
                if (pos < head.length) b[off + i] = head[(int) pos];
                else if (pos < head.length + size) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    b[off + i] = (byte) (seed >>> 56);
                } else b[off + i] = tail[(int) (pos - head.length - size)];
            }
            md.update(b, off, n);
            clientSent.addAndGet(n);
            return n;
        }

        String digest() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    @Test
    void twoHundredMegabyteUploadStreamsWithTheBackendKey() throws Exception {
        Multipart body = new Multipart(UPLOAD);
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url() + "/openai/v1/files")).timeout(Duration.ofSeconds(120))
                .header("authorization", "Bearer sk-client-secret")
                .header("content-type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), body.length()))
                .build();
        HttpResponse<String> r = gw.http().send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"bytes\":" + body.length()).contains("file-abc123");
        assertThat(upstreamDigest.get()).as("every byte arrived, in order").isEqualTo(body.digest());
        assertThat(upstreamAuth.get()).isEqualTo("Bearer sk-backend");
        assertThat(upstreamContentType.get()).isEqualTo("multipart/form-data; boundary=" + Multipart.BOUNDARY);
        // While the provider read nothing, the client could send only what socket buffers and the
        // gateway's bounded write queue hold: the gateway never took the body in whole.
        assertThat(sentWhilePaused.get()).as("bytes the client got rid of while the provider was paused")
                .isPositive().isLessThan(48L * 1024 * 1024);
    }

    @Test
    void queryAndErrorsPassUnchanged() throws Exception {
        HttpResponse<String> list = gw.http().send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/openai/v1/files?purpose=batch&limit=2")).header("authorization", "Bearer sk-client").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"uri\":\"/v1/files?purpose=batch&limit=2\"");
        HttpResponse<String> missing = gw.get(gw.url() + "/openai/v1/files/file-missing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":{\"message\":\"No such File object: file-missing\","
                + "\"type\":\"invalid_request_error\",\"param\":\"id\",\"code\":null}}");
        assertThat(missing.headers().firstValue("x-provider")).hasValue("yes");
    }

    @Test
    void anthropicAndGeminiEndpointsGetTheirOwnCredentials() throws Exception {
        HttpResponse<String> models = gw.http().send(HttpRequest.newBuilder(URI.create(gw.url() + "/anthropic/v1/models/claude-sonnet-4-5"))
                .header("x-api-key", "client-key").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded a = anthropic.take();
        assertThat(a.path()).isEqualTo("/v1/models/claude-sonnet-4-5");
        assertThat(a.headers().get("x-api-key")).isEqualTo("sk-ant-backend");
        assertThat(a.headers().get("anthropic-version")).isEqualTo("2023-06-01");

        HttpResponse<String> g = gw.get(gw.url() + "/gemini/v1beta/files?key=client-key&pageSize=2");
        assertThat(g.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded up = gemini.take();
        assertThat(up.uri()).as("the client's key is not forwarded in the query").isEqualTo("/v1beta/files?pageSize=2");
        assertThat(up.headers().get("x-goog-api-key")).isEqualTo("g-backend");
    }

    @Test
    void usageInAnAnswerIsMetered() throws Exception {
        HttpResponse<String> r = gw.post("/openai/v1/images/generations", "{\"model\":\"gpt-image-1\",\"prompt\":\"a cat\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        String metrics = gw.get(gw.adminUrl() + "/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("gen_ai_client_token_usage_sum{") && l.contains("gen_ai_token_type=\"output\"")
                && l.contains("route=\"default/p#0\"")).findFirst().orElseThrow(() -> new AssertionError(metrics))).endsWith(" 4160.0");
    }

    @Test
    void routesChooseThePathsServedAndOthersGetA404NamingThem() throws Exception {
        HttpResponse<String> files = gw.get(gw.url() + "/narrow/v1/files");
        assertThat(files.statusCode()).isEqualTo(200);
        HttpResponse<String> emb = gw.post("/narrow/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}");
        assertThat(emb.statusCode()).isEqualTo(404);
        assertThat(emb.body()).contains("\"type\":\"not_found\"").contains("/v1/chat/completions (Completions)")
                .contains("/v1/files (Passthrough)").contains("/v1/models (Models)");
        HttpResponse<String> anth = gw.post("/narrow/v1/messages", "{}", "anthropic-version", "2023-06-01");
        assertThat(anth.statusCode()).isEqualTo(404);
        assertThat(anth.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"");
        // Without routes, an unknown non-POST path is not served either (a POST is the provider's own format, as before).
        HttpResponse<String> unknown = gw.get(gw.url() + "/openai/v1/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("is not an API this route serves");
    }
}

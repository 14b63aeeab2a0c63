package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile client over raw sockets: what it sends must be refused or cleaned, never passed on,
 * and nothing it does may hold a connection or the gateway. Every read is bounded by a few
 * seconds, so a hang fails the test instead of stalling the suite.
 */
class HostileClientTest {

    private static String config(int aiPort, int staticPort) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: ai}
                spec: {type: AI, ai: {llm: {openai: {authToken: {kind: Inline, inline: k}}, host: 127.0.0.1, port: %d}}}
                ---
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
                  - matches: [{path: {type: PathPrefix, value: /v1}}]
                    backendRefs: [{name: ai, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /static}}]
                    filters:
                    - type: URLRewrite
                      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /api}}
                    backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                  - matches: [{path: {type: PathPrefix, value: /web}}]
                    backendRefs: [{name: web, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(aiPort, staticPort);
    }

    private static FakeUpstream echo() {
        return FakeUpstream.plain().respond((r, req) -> req.response().end("uri=" + r.uri() + " host="
                + r.headers().get("host") + " body=" + r.body().toString()));
    }

    private static int port(GatewayHarness gw) {
        return Integer.parseInt(gw.url().substring(gw.url().lastIndexOf(':') + 1));
    }

    /** Sends {@code request}, reads until the server closes; fails after 5 s without the close. */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDeclared9ExabyteBodyIsRefusedAndTheConnectionClosed() throws Exception {
        try (FakeUpstream ai = echo(); FakeUpstream web = echo();
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port())).start()) {
            for (String path : List.of("/v1/chat/completions", "/web/upload")) {
                try (Socket s = new Socket("127.0.0.1", port(gw))) {
                    s.setSoTimeout(5_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + path + " HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            + "content-length: 9000000000000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    byte[] junk = new byte[64 * 1024];
                    byte[] buf = new byte[8192];
                    long sent = 0;
                    boolean closed = false;
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    // Keep sending body bytes as an attacker would; the gateway must hang up.
                    while (!closed && System.nanoTime() < deadline) {
                        try {
                            out.write(junk);
                            sent += junk.length;
                        } catch (IOException e) {
                            closed = true;
                        }
                        while (in.available() > 0) {
                            int n = in.read(buf);
                            if (n < 0) {
                                closed = true;
                                break;
                            }
                            got.write(buf, 0, n);
                        }
                    }
                    if (!closed) {
                        s.setSoTimeout(2_000);
                        try {
                            while (in.read(buf) >= 0) {
                                // drain to the close
                            }
                            closed = true;
                        } catch (SocketTimeoutException e) {
                            // still open: closed stays false
                        } catch (IOException e) {
                            closed = true;
                        }
                    }
                    assertThat(got.toString(StandardCharsets.UTF_8)).as(path).startsWith("HTTP/1.1 413");
                    assertThat(closed).as(path + ": connection closed after the 413 (" + sent + " bytes sent)").isTrue();
                    assertThat(sent).as(path).isLessThan(256L * 1024 * 1024);
                }
            }
        }
    }

    @Test
    void staticBackendsGetTheirOwnHostAndOriginFormNormalisedPaths() throws Exception {
        try (FakeUpstream ai = echo(); FakeUpstream web = echo();
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port())).start()) {
            String own = "host=127.0.0.1:" + web.port();
            String hostAttack = raw(port(gw), "GET /web/page HTTP/1.1\r\nhost: 169.254.169.254\r\nconnection: close\r\n\r\n");
            assertThat(hostAttack).startsWith("HTTP/1.1 200").contains("uri=/web/page " + own);

            String absolute = raw(port(gw), "GET http://169.254.169.254/web/latest/meta-data?x=1 HTTP/1.1\r\n"
                    + "host: x\r\nconnection: close\r\n\r\n");
            assertThat(absolute).startsWith("HTTP/1.1 200").contains("uri=/web/latest/meta-data?x=1 " + own);

            String dots = raw(port(gw), "GET /static/../../x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            // /static/../../x is /x: no route serves it, and nothing reaches the upstream as /api/../../x.
            assertThat(dots).startsWith("HTTP/1.1 404").contains("GET /x");
            String encoded = raw(port(gw), "GET /static/%2e%2e/%2E%2E/web/a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            assertThat(encoded).startsWith("HTTP/1.1 200").contains("uri=/web/a ");
            String slashes = raw(port(gw), "GET //static//./v//x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            assertThat(slashes).startsWith("HTTP/1.1 200").contains("uri=/api/v/x ");
            String inside = raw(port(gw), "GET /static/a/../b HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            assertThat(inside).startsWith("HTTP/1.1 200").contains("uri=/api/b ");
            for (int i = 0; i < 5; i++) {
                var r = web.take();
                if (r == null) break;
                assertThat(r.uri()).doesNotContain("..").doesNotContain("//").startsWith("/");
            }
        }
    }

    @Test
    void oddTransferEncodingsAndTwoHostsAreRefusedNotDropped() throws Exception {
        try (FakeUpstream ai = echo(); FakeUpstream web = echo();
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port())).start()) {
            String chunkedBody = "5\r\nhello\r\n0\r\n\r\n";
            for (String te : List.of("chunked, identity", "identity, chunked", "gzip, chunked", "identity")) {
                String r = raw(port(gw), "POST /web/x HTTP/1.1\r\nhost: x\r\ntransfer-encoding: " + te
                        + "\r\n\r\n" + chunkedBody);
                assertThat(r).as(te).startsWith("HTTP/1.1 400").contains("Transfer-Encoding");
            }
            assertThat(web.received()).isZero();
            String ok = raw(port(gw), "POST /web/x HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                    + chunkedBody);
            assertThat(ok).startsWith("HTTP/1.1 200").endsWith("body=hello");

            String twoHosts = raw(port(gw), "GET /web/a HTTP/1.1\r\nhost: a.example\r\nhost: b.example\r\nconnection: close\r\n\r\n");
            assertThat(twoHosts).startsWith("HTTP/1.1 400").contains("Host headers");
        }
    }

    @Test
    void http2CleartextIsOffSoEveryClientIsUnderTheHttp1Limits() throws Exception {
        try (FakeUpstream ai = echo(); FakeUpstream web = echo();
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port())).start()) {
            // java.net.http asks for h2c with Upgrade: h2c; the answer stays HTTP/1.1.
            java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = h2.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/web/h2"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
            // A prior-knowledge preface is not HTTP/2 here: it is refused and the connection closed.
            String preface = raw(port(gw), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertThat(preface).doesNotContain("uri=");
            // Headers over the 64 KiB limit: refused, not passed on.
            String big = raw(port(gw), "GET /web/a HTTP/1.1\r\nhost: x\r\nx-big: " + "a".repeat(70 * 1024)
                    + "\r\nconnection: close\r\n\r\n");
            assertThat(big).startsWith("HTTP/1.1 431");
        }
    }

    @Test
    void slowClientsAreCutAndCannotCrowdOutTheAdminListener() throws Exception {
        try (FakeUpstream ai = echo(); FakeUpstream web = echo();
             GatewayHarness gw = GatewayHarness.builder().file("r.yaml", config(ai.port(), web.port()))
                     .proxy(o -> o.withClientLimits(new ProxyOptions.ClientLimits(Duration.ofMillis(800),
                             Duration.ofMillis(800), 0, 6))).start()) {
            // Half a head, then silence: 408 and closed, well before a human timeout.
            long t0 = System.nanoTime();
            String half = raw(port(gw), "GET /web/a HTTP/1.1\r\nhost: x\r\nx-slow: ");
            assertThat(half).startsWith("HTTP/1.1 408").contains("--request-header-timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));

            // A whole head, then a body that stops: cut as well, and the upstream is not left waiting.
            String trickle = raw(port(gw), "POST /web/a HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789");
            assertThat(trickle).satisfiesAnyOf(t -> assertThat(t).startsWith("HTTP/1.1 408"), t -> assertThat(t).isEmpty(),
                    t -> assertThat(t).startsWith("HTTP/1.1 5"));
            String aiTrickle = raw(port(gw), "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"mo");
            assertThat(aiTrickle).startsWith("HTTP/1.1 408").contains("--request-body-idle-timeout");

            // A keep-alive connection between requests is not a slow head.
            try (Socket s = new Socket("127.0.0.1", port(gw))) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write("GET /web/1 HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
                Thread.sleep(1_500);
                s.getOutputStream().write("GET /web/2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
            }

            // A crowd holding connections: the listener refuses past its limit, the admin listener answers.
            List<Socket> crowd = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = new Socket("127.0.0.1", port(gw));
                    s.getOutputStream().write("GET /web/a HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(5_000);
                    assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
                    crowd.add(s);
                }
                try (Socket extra = new Socket("127.0.0.1", port(gw))) {
                    extra.setSoTimeout(5_000);
                    int first;
                    try {
                        extra.getOutputStream().write("GET /web/a HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        first = extra.getInputStream().read();
                    } catch (IOException e) {
                        first = -1;
                    }
                    assertThat(first).as("the connection over the limit is closed unanswered").isEqualTo(-1);
                }
                HttpResponse<String> health = gw.get(gw.adminUrl() + "/healthz");
                assertThat(health.statusCode()).isEqualTo(200);
            } finally {
                for (Socket s : crowd) s.close();
            }
            // Freed connections are counted back: the listener serves again.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String again = "";
            while (System.nanoTime() < deadline && !again.startsWith("HTTP/1.1 200")) {
                try {
                    again = raw(port(gw), "GET /web/a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
                } catch (IOException e) {
                    again = "";
                }
                if (!again.startsWith("HTTP/1.1 200")) Thread.sleep(100);
            }
            assertThat(again).startsWith("HTTP/1.1 200");
        }
    }

    /** Reads one response with a content-length body (what the echo upstream sends). */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            head.append((char) c);
        }
        int len = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) len = Integer.parseInt(line.substring(15).strip());
        }
        byte[] body = in.readNBytes(len);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}

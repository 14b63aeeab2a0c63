package dev.aigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections with {@link FlushBatching} flush at the end of their event loop's turn: a write made
 * outside the connection's own read (from a timer, from another connection's handler) still goes
 * out, at once, and the upstream clients' connections carry the handler.
 */
class FlushBatchingTest {
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // Answers from a timer, outside any read of the client's connection: the flush is the batching's.
        HttpServer server = vertx.createHttpServer().connectionHandler(FlushBatching::install).requestHandler(req -> {
            boolean batched = ((io.vertx.core.net.impl.ConnectionBase) req.connection()).channel().pipeline()
                    .get(FlushBatching.NAME) != null;
            req.body().onSuccess(b -> vertx.setTimer(5, id -> {
                req.response().setChunked(true).write("batched=" + batched + ";");
                vertx.setTimer(5, id2 -> req.response().end("echo=" + b));
            }));
        });
        port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void writesOutsideAReadReachTheClient() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                o.write(("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nr" + i).getBytes(StandardCharsets.US_ASCII));
                o.flush();
                String response = readChunked(in);
                assertThat(response).isEqualTo("batched=true;echo=r" + i);
            }
        }
    }

    @Test
    void upstreamConnectionsBatchTheirFlushesAndCarryRequests() throws Exception {
        Upstreams upstreams = new Upstreams(vertx, ProxyOptions.defaults());
        List<Future<String>> answers = new ArrayList<>();
        Promise<List<Boolean>> batched = Promise.promise();
        List<Boolean> seen = new ArrayList<>();
        // Several requests in one turn of the loop: each goes out although nothing reads their connections.
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < 4; i++) {
                String body = "u" + i;
                answers.add(upstreams.request(HttpMethod.POST, "127.0.0.1", port, false, "/").compose(req -> {
                    seen.add(((io.vertx.core.net.impl.ConnectionBase) req.connection()).channel().pipeline()
                            .get(FlushBatching.NAME) != null);
                    if (seen.size() == 4) batched.complete(seen);
                    return req.send(Buffer.buffer(body)).compose(HttpClientResponse::body).map(Buffer::toString);
                }));
            }
        });
        assertThat(batched.future().await(10, TimeUnit.SECONDS)).containsOnly(true);
        for (int i = 0; i < 4; i++) {
            assertThat(answers.get(i).await(10, TimeUnit.SECONDS)).isEqualTo("batched=true;echo=u" + i);
        }
        upstreams.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void http2UpstreamStreamsOverTlsEndWhenTheirLastFrameIsWrittenAlone() throws Exception {
        // An HTTP/2 provider (TLS, ALPN) with the batching on its side too, answering each stream late and
        // in pieces from timers, its last frame (the END_STREAM) alone on an otherwise idle connection.
        HttpServer h2 = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true).setUseAlpn(true)
                        .setKeyCertOptions(new io.vertx.core.net.PfxOptions().setPath(dev.aigw.testing.TestCerts.keyStore().toString())
                                .setPassword(dev.aigw.testing.TestCerts.PASSWORD)))
                .connectionHandler(FlushBatching::install).requestHandler(req -> req.body().onSuccess(b -> {
                    String version = req.version().name();
                    vertx.setTimer(30, id -> {
                        req.response().write(version + ";");
                        vertx.setTimer(30, id2 -> req.response().write("echo=" + b + ";"));
                        vertx.setTimer(200, id3 -> req.response().end());
                    });
                }));
        int h2Port = h2.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        Upstreams upstreams = new Upstreams(vertx, ProxyOptions.defaults()
                .withCaFiles(List.of(dev.aigw.testing.TestCerts.caPem())));
        List<Future<String>> answers = new ArrayList<>();
        Promise<Void> sent = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < 5; i++) {
                String body = "h" + i;
                answers.add(upstreams.request(HttpMethod.POST, "localhost", h2Port, true, "/").compose(req -> {
                    boolean batched = ((io.vertx.core.net.impl.ConnectionBase) req.connection()).channel().pipeline()
                            .get(FlushBatching.NAME) != null;
                    return req.send(Buffer.buffer(body)).compose(HttpClientResponse::body).map(b -> "batched=" + batched + ";" + b);
                }));
            }
            sent.complete();
        });
        sent.future().await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertThat(answers.get(i).await(10, TimeUnit.SECONDS)).isEqualTo("batched=true;HTTP_2;echo=h" + i + ";");
        }
        upstreams.close().await(10, TimeUnit.SECONDS);
        h2.close().await(10, TimeUnit.SECONDS);
    }

    /** The body of one chunked HTTP/1.1 response (its head skipped). */
    private static String readChunked(InputStream in) throws Exception {
        String head = line(in);
        assertThat(head).startsWith("HTTP/1.1 200");
        while (!line(in).isEmpty()) {
            // headers
        }
        StringBuilder body = new StringBuilder();
        while (true) {
            int n = Integer.parseInt(line(in).trim(), 16);
            if (n == 0) {
                line(in);
                return body.toString();
            }
            body.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
            line(in);
        }
    }

    private static String line(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new java.io.EOFException("connection closed after: " + b);
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }
}

package dev.aigw.proxy;

import dev.aigw.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that answers before the client's upload is over (a 413 or 400 sent while the
 * body still comes): the answer reaches the client, and the rest of the upload still reaches
 * the upstream. Real peers: a Vert.x server that answers early and keeps reading, and a client
 * on a plain socket that sends its body slowly. (Once the 1 ms timer that lets go of the idle
 * limit was set at the response's end, it reset the request mid-upload: the rest of the body
 * was dropped, and the upstream's connection was left open with half a request.)
 */
class EarlyAnswerUploadTest {
    private static final int PARTS = 12;
    private static final int PART_BYTES = 1000;
    private static final long PART_EVERY_MS = 400;

    @Test
    void anUploadStillGoingWhenTheUpstreamHasAnsweredIsNotCut() throws Exception {
        int gwPort;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            gwPort = ss.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        AtomicLong received = new AtomicLong();
        CompletableFuture<String> uploadEnd = new CompletableFuture<>();
        // Answers once the gateway's watch has handed the request to Vert.x's idle timer (past the
        // grace and a sweep), while the client still has most of its body to send; reads on to the end.
        long answerAfterMs = IdleWatch.GRACE_MS + IdleWatch.SWEEP_MS + 800;
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            req.handler(b -> received.addAndGet(b.length()));
            req.endHandler(v -> uploadEnd.complete("ended"));
            req.exceptionHandler(e -> uploadEnd.complete("broke off: " + e));
            req.connection().closeHandler(v -> uploadEnd.complete("closed"));
            vertx.setTimer(answerAfterMs, id -> req.response().setStatusCode(413).putHeader("content-type", "text/plain")
                    .end("too large"));
        }).listen(0, "127.0.0.1").await();
        try (GatewayHarness gw = GatewayHarness.builder().file("s.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: infra}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - {name: http, port: %d, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: up, namespace: apps}
                spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: web, namespace: apps}
                spec:
                  parentRefs: [{name: gw, namespace: infra}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /upload}}]
                    backendRefs: [{name: up, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(gwPort, upstream.actualPort())).start();
             Socket s = new Socket("127.0.0.1", gwPort)) {
            s.setSoTimeout(30_000);
            OutputStream o = s.getOutputStream();
            o.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + PARTS * PART_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] part = new byte[PART_BYTES];
            java.util.Arrays.fill(part, (byte) 'a');
            for (int i = 0; i < PARTS; i++) {
                o.write(part);
                o.flush();
                Thread.sleep(PART_EVERY_MS);
            }
            String how;
            try {
                how = uploadEnd.get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                how = "neither ended nor cut after 15 s, " + received.get() + " bytes in";
            }
            assertThat(how).as("how the upload ended at the upstream").isEqualTo("ended");
            assertThat(received.get()).as("body bytes the upstream got").isEqualTo((long) PARTS * PART_BYTES);
            String answer = readResponse(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").endsWith("too large");
        } finally {
            vertx.close().await();
        }
    }

    /** One response with a content-length, read off the socket. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.UTF_8);
    }
}

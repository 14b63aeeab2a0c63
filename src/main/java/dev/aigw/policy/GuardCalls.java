package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The calls guards make to their services (webhooks, moderation, Bedrock Guardrails, Model
 * Armor): a JSON POST over the gateway's upstream clients, bounded in time (one timer over the
 * whole exchange) and in size (the reply is read up to {@link #MAX_REPLY} and dropped past it),
 * answered as a Future on the calling event loop. Nothing here blocks.
 */
final class GuardCalls {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_REPLY = 8L * 1024 * 1024;

    private final Vertx vertx;
    private final PolicyEngine.Outbound out;

    GuardCalls(Vertx vertx, PolicyEngine.Outbound out) {
        this.vertx = vertx;
        this.out = out;
    }

    /**
     * POSTs and reads a JSON reply; a non-2xx answer, a reply over the bound or one that is not
     * JSON fails. On timeout the request is reset, which closes its connection: a hung service
     * must not keep a pooled connection that later requests would queue behind.
     */
    Future<JsonNode> post(boolean tls, RequestOptions ro, Buffer body, long timeoutMs) {
        Promise<JsonNode> result = Promise.promise();
        // The timer starts before the connection is asked for: a pool or a connect that never
        // answers is bounded by it too, not only the exchange once a request exists.
        java.util.concurrent.atomic.AtomicReference<HttpClientRequest> inFlight = new java.util.concurrent.atomic.AtomicReference<>();
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (result.tryFail(new TimeoutException("timed out after " + timeoutMs + " ms"))) {
                HttpClientRequest r = inFlight.get();
                if (r != null) r.reset(0, new TimeoutException("timed out"));
            }
        });
        result.future().onComplete(x -> vertx.cancelTimer(timer));
        out.request(ro, tls).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(ar.cause());
                return;
            }
            HttpClientRequest req = ar.result();
            inFlight.set(req);
            if (result.future().isComplete()) {
                req.reset(0, new TimeoutException("timed out")); // obtained after the timer fired
                return;
            }
            req.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    result.tryFail(sent.cause());
                    return;
                }
                var resp = sent.result();
                Buffer reply = Buffer.buffer();
                resp.handler(b -> {
                    if (reply.length() + b.length() > MAX_REPLY) {
                        req.reset(0, new IllegalStateException("reply too large"));
                        result.tryFail(new IllegalStateException("answered more than " + MAX_REPLY + " bytes"));
                    } else {
                        reply.appendBuffer(b);
                    }
                });
                resp.exceptionHandler(result::tryFail);
                resp.endHandler(v -> {
                    if (resp.statusCode() / 100 != 2) {
                        String text = reply.length() > 300 ? reply.getString(0, 300) + "…" : reply.toString();
                        result.tryFail(new Refused(resp.statusCode(), errorType(resp.getHeader("x-amzn-errortype"), reply),
                                text.strip()));
                        return;
                    }
                    try {
                        result.tryComplete(JSON.readTree(reply.getBytes()));
                    } catch (java.io.IOException e) {
                        result.tryFail(new IllegalStateException("answered with a body that is not JSON"));
                    }
                });
            });
        });
        return result.future();
    }

    /**
     * A non-2xx answer: its status, the error type the service named (AWS's {@code x-amzn-errortype}
     * or {@code __type}, Google's {@code error.status}; null when none) and the start of its body.
     */
    static final class Refused extends IllegalStateException {
        final int status;
        final String type;

        Refused(int status, String type, String excerpt) {
            super("answered HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
            this.status = status;
            this.type = type;
        }
    }

    private static final java.util.regex.Pattern ERROR_TYPE = java.util.regex.Pattern.compile("[A-Za-z0-9_.#-]{1,100}");

    private static String errorType(String header, Buffer reply) {
        String t = header == null ? null : header.split(":", 2)[0].strip();
        if (t == null || t.isEmpty()) {
            try {
                JsonNode j = JSON.readTree(reply.getBytes());
                t = j.path("__type").asText(j.path("error").path("status").asText(null));
            } catch (java.io.IOException | RuntimeException e) {
                t = null;
            }
        }
        if (t != null && t.contains("#")) t = t.substring(t.lastIndexOf('#') + 1);
        return t != null && ERROR_TYPE.matcher(t).matches() ? t : null;
    }

    /**
     * Why a cloud service's call failed, for the log and the client: as {@link #describe}, but an
     * error answer by its status and error type only. AWS echoes a request it could not verify,
     * its {@code x-amz-security-token} header included, in the body of the 403.
     */
    static String describeService(Throwable cause, long timeoutMs) {
        if (cause instanceof Refused r) return "answered HTTP " + r.status + (r.type == null ? "" : " (" + r.type + ")");
        return describe(cause, timeoutMs);
    }

    /** Why a call failed, in a few words for the log and the client. */
    static String describe(Throwable cause, long timeoutMs) {
        Throwable c = cause;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof ConnectException)) c = c.getCause();
        if (c instanceof ConnectException) return "connection refused or unreachable";
        if (c instanceof TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException
                || String.valueOf(c.getMessage()).contains("timed out") || String.valueOf(c.getMessage()).contains("Timeout")) {
            return "no answer within " + timeoutMs + " ms";
        }
        if (c instanceof java.net.UnknownHostException) return "host name could not be resolved";
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}

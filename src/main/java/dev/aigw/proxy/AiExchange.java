package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.policy.HeldStream;
import dev.aigw.policy.PolicyOutcome;
import dev.aigw.policy.Rejections;
import dev.aigw.policy.ResponseGuard;
import dev.aigw.provider.ClientCall;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.Providers;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.proxy.resilience.AttemptPlanner;
import dev.aigw.proxy.resilience.Classifier;
import dev.aigw.proxy.resilience.FailureKind;
import dev.aigw.proxy.resilience.ProviderKey;
import dev.aigw.proxy.resilience.RetryBudget;
import dev.aigw.proxy.resilience.RetryPolicy;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.telemetry.TokenEstimator;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.SseWriter;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamParser;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedError;
import dev.aigw.translate.TranslatedRequest;
import dev.aigw.translate.TranslatedResponse;
import dev.aigw.translate.TranslationException;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import dev.aigw.translate.Usage;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One request to an AI backend.
 *
 * <p>Request scope: the JSON body is parsed once, then the route's AI policy runs (guards,
 * defaults, enrichment; a rejection never reaches a provider). Attempt scope: the planner orders
 * the Backend's providers (priority groups, health, balancing); each attempt translates the body
 * into that provider's format, prepares it (path, model, credential, signature) and sends it; a
 * failure before the response (connect, reset, timeout, 429, 5xx, overload) moves to the next
 * provider while the retry policy and budget allow. The chosen response goes back through the
 * translator (identity when formats match, so usage is always read), the response guard, and
 * telemetry.
 */
final class AiExchange {
    private static final Logger log = LoggerFactory.getLogger(AiExchange.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MOCK_CHUNK_DELAY_MS = 15;
    private static final long MAX_ERROR_BODY = 1024 * 1024;
    private static final long MAX_RESPONSE_BODY = 64L * 1024 * 1024;

    private final ProxyServices services;
    private final Exchange ex;
    private final Destination.Ai ai;
    private final ClientFormat format;
    private final ExchangeObserver obs;
    private final Context context;
    private final Optional<AiPolicy> policy;
    private ObjectNode clientBody;
    private Schema clientSchema;
    private AttemptPlanner.Plan plan;
    private RetryPolicy retryPolicy;
    private RetryBudget budget;
    private int maxAttempts;
    private ProviderKey lastKey;
    private UpstreamCall current;
    private UpstreamFailure lastFailure;
    private boolean done;
    private long overallTimer = -1;
    private long keepAliveTimer = -1;
    private boolean holding;

    private AiExchange(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat format) {
        this.services = services;
        this.ex = ex;
        this.ai = ai;
        this.format = format;
        this.obs = ex.obs();
        this.context = services.vertx().getOrCreateContext();
        this.policy = ex.rule().policy();
    }

    static void start(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat format, Buffer raw) {
        start(services, ex, ai, format, raw, null);
    }

    /** {@code parsed}: the body already parsed (model routing reads it before matching), else null. */
    static void start(ProxyServices services, Exchange ex, Destination.Ai ai, ClientFormat format, Buffer raw,
                      ObjectNode parsed) {
        AiExchange a = new AiExchange(services, ex, ai, format);
        a.clientBody = parsed;
        a.run(parsed != null ? Buffer.buffer() : raw);
    }

    private HttpServerRequest req() {
        return ex.req();
    }

    // ---- request scope ----

    private void run(Buffer raw) {
        if (raw.length() > 0) {
            try {
                JsonNode n = JSON.readTree(raw.getBytes());
                if (!(n instanceof ObjectNode o)) {
                    Errors.send(req(), 400, "invalid_request_error", "request body must be a JSON object");
                    return;
                }
                clientBody = o;
            } catch (JsonProcessingException e) {
                var l = e.getLocation();
                Errors.send(req(), 400, "invalid_request_error", "request body is not valid JSON: "
                        + e.getOriginalMessage() + (l == null ? "" : " (line " + l.getLineNr() + ", column "
                        + l.getColumnNr() + ")"));
                return;
            } catch (java.io.IOException e) {
                Errors.send(req(), 400, "invalid_request_error", "request body cannot be read: " + e.getMessage());
                return;
            }
        }
        // A client in no known API speaks the primary provider's own format.
        clientSchema = format.api().orElse(Providers.schema(ai.primary()).orElse(null));
        if (format instanceof ClientFormat.CountTokens) {
            // Counting generates nothing: relayed as is to Anthropic (no usage, no policies), estimated otherwise.
            if (!(ai.primary() instanceof dev.aigw.provider.AnthropicProvider)) {
                estimateTokens();
                return;
            }
            clientSchema = null;
        }
        ex.onClientGone(() -> {
            done = true;
            vertx().cancelTimer(overallTimer);
            if (current != null) current.cancel();
        });
        // timeouts.request bounds the whole exchange, streamed body included (Gateway API, as Envoy's route timeout).
        ex.rule().timeouts().request().filter(d -> !d.isZero()).ifPresent(d -> overallTimer = vertx().setTimer(d.toMillis(),
                id -> {
                    HttpServerResponse resp = req().response();
                    if (resp.ended() || resp.closed()) return;
                    done = true;
                    obs.attemptFailed("timeouts.request of " + d.toMillis() + " ms", 504);
                    // Answer first, then cut the upstream: its reset must not be what the client reads.
                    Errors.send(req(), 504, "gateway_timeout", "Backend " + ai.name() + " did not answer within "
                            + d.toMillis() + " ms (timeouts.request)");
                    if (current != null) current.cancel();
                }));
        ex.onDone(() -> vertx().cancelTimer(overallTimer));
        if (policy.isPresent() && clientBody != null && clientSchema != null) {
            services.policies().applyRequest(policy.get(), clientSchema, clientBody, req()::getHeader)
                    .onComplete(ar -> context.runOnContext(v -> {
                        if (done) return;
                        if (ar.failed()) {
                            finish();
                            Errors.send(req(), 500, "gateway_error", "the route's AI policy failed: " + ar.cause().getMessage());
                        } else if (ar.result() instanceof PolicyOutcome.Reject r) {
                            finish();
                            log.info("request {} rejected by policy: {}", ex.requestId(), r.reason());
                            sendJson(r.status(), Rejections.body(clientSchema, r));
                        } else {
                            startAttempts();
                        }
                    }));
        } else {
            startAttempts();
        }
    }

    /** count_tokens for a provider without it: the prompt counted with a tokenizer, marked as an estimate. */
    private void estimateTokens() {
        if (clientBody == null) {
            Errors.send(req(), 400, "invalid_request_error", "count_tokens needs an Anthropic Messages body");
            return;
        }
        String model = ai.primary().model().orElse(clientBody.path("model").asText(""));
        // Tokenizing up to the body limit is CPU work for a worker, not the event loop.
        vertx().executeBlocking(() -> TokenEstimator.shared().promptTokens(model, clientBody), false)
                .onComplete(ar -> context.runOnContext(v -> {
                    if (ar.failed()) {
                        Errors.send(req(), 500, "gateway_error", "token estimate failed: " + ar.cause().getMessage());
                        return;
                    }
                    req().response().putHeader("x-gateway-estimated", "true");
                    sendJson(200, JSON.createObjectNode().put("input_tokens", ar.result()));
                }));
    }

    private io.vertx.core.Vertx vertx() {
        return services.vertx();
    }

    /** A response was chosen (or an answer given): no more attempts. The overall timer runs on to the end. */
    private void finish() {
        done = true;
        vertx().cancelTimer(keepAliveTimer);
    }

    // ---- attempt scope ----

    private void startAttempts() {
        plan = services.planner().plan(ai);
        retryPolicy = RetryPolicy.of(ex.rule());
        budget = services.budgets().of(ai.name());
        budget.onRequest();
        maxAttempts = retryPolicy.maxAttempts(plan.size());
        ex.rule().streamKeepAlive().filter(d -> wantsStream()).ifPresent(this::keepAlive);
        attempt(0);
    }

    /** Whether the client asked for a stream of server-sent events. */
    private boolean wantsStream() {
        if (clientSchema == Schema.BEDROCK_CONVERSE) return false; // its streams are not SSE
        return clientBody != null && clientBody.path("stream").asBoolean(false)
                || req().path().endsWith(":streamGenerateContent") || "sse".equals(ex.query().getOrDefault("alt",
                List.of("")).getFirst()) || policy.map(AiPolicy::forceStreaming).orElse(false);
    }

    /**
     * While no provider has answered, sends SSE comments every {@code every} so load balancers with
     * idle timeouts keep the stream open. The first one commits the response as a 200 event
     * stream; a failure after that is reported as an error event (see {@link Errors}).
     */
    private void keepAlive(Duration every) {
        keepAliveTimer = vertx().setPeriodic(every.toMillis(), every.toMillis(), id -> {
            HttpServerResponse resp = req().response();
            if (resp.ended() || resp.closed() || (done && !holding && !resp.headWritten())) {
                vertx().cancelTimer(id);
                return;
            }
            if (!resp.headWritten()) {
                resp.setStatusCode(200).setChunked(true);
                resp.headers().set("content-type", "text/event-stream");
                resp.headers().set("cache-control", "no-cache");
            }
            resp.write(": keep-alive\n\n");
        });
    }

    /** Whether attempt {@code i + 1} may run: the policy allows it, a provider is left, the budget has room. */
    private boolean another(int i) {
        return i + 1 < maxAttempts && plan.attempt(i + 1).isPresent() && budget.tryAcquireRetry();
    }

    private void giveUp() {
        finish();
        UpstreamFailure f = lastFailure != null ? lastFailure
                : new UpstreamFailure(UpstreamFailure.Kind.OTHER, "Backend " + ai.name() + " has no provider to try");
        Errors.send(req(), f.status(), f.type(), f.getMessage());
    }

    private void attempt(int i) {
        if (done) return;
        Optional<AttemptPlanner.Candidate> c = plan.attempt(i);
        if (c.isEmpty()) {
            giveUp();
            return;
        }
        Duration delay = i == 0 ? Duration.ZERO : retryPolicy.delayBeforeRetry(i, c.get().key().equals(lastKey));
        if (delay.isZero() || delay.isNegative()) send(i, c.get());
        else vertx().setTimer(delay.toMillis(), id -> send(i, c.get()));
    }

    /** A provider that cannot take this request: the next one, or an answer saying why. */
    private void skip(int i, int status, String type, String message) {
        obs.attemptFailed(message, status);
        lastFailure = new UpstreamFailure(UpstreamFailure.Kind.OTHER, message);
        if (i + 1 < plan.size() && plan.attempt(i + 1).isPresent()) {
            attempt(i + 1);
        } else {
            finish();
            Errors.send(req(), status, type, message);
        }
    }

    private void send(int i, AttemptPlanner.Candidate candidate) {
        if (done) return;
        Provider p = candidate.provider();
        lastKey = candidate.key();
        Optional<Schema> backend = clientSchema == null ? Providers.schema(p) : TranslatorChoice.wire(clientSchema, p);
        Translator tr;
        ObjectNode body = clientBody == null ? null : clientBody.deepCopy();
        boolean forceStream = policy.map(AiPolicy::forceStreaming).orElse(false);
        if (clientSchema == null || backend.isEmpty() || body == null) {
            tr = null;
        } else {
            Optional<Translator> t = TranslatorChoice.create(clientSchema, p);
            if (t.isEmpty()) {
                skip(i, 501, "not_implemented", "Backend " + ai.name() + ": " + TranslatorChoice.unsupported(clientSchema, p));
                return;
            }
            tr = t.get();
            try {
                RequestContext ctx = p.model().map(RequestContext.defaults()::withModel).orElse(RequestContext.defaults())
                        // Gemini clients ask for a stream in the URL, not the body.
                        .withClientStream(clientSchema == Schema.GEMINI_GENERATE && wantsStream());
                TranslatedRequest translated = tr.request(body, ctx);
                body = translated.body();
                forceStream |= translated.streaming();
            } catch (TranslationException e) {
                // The client's request is wrong for any provider: answer, do not fail over.
                finish();
                TranslatedError err = tr.error(e);
                sendJson(err.status(), err.body());
                return;
            }
        }
        UpstreamRequest up;
        try {
            up = p.prepare(new ClientCall(req().method().name(), req().path(), ex.query(), req()::getHeader, body,
                    forceStream, backend.filter(b -> b == Schema.OPENAI_RESPONSES || b == Schema.OPENAI_EMBEDDINGS)));
        } catch (ProviderException e) {
            if (e.status() >= 500) skip(i, e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage());
            else {
                finish();
                Errors.send(req(), e.status(), e.type(), "Backend " + ai.name() + ": " + e.getMessage());
            }
            return;
        }
        String model = up.body() == null ? p.model().orElse("") : up.body().path("model").asText(p.model().orElse(""));
        obs.attemptStarted(p.kind(), p.name(), model, up.host() + ":" + up.port());
        if (p instanceof MockProvider mock) {
            finish();
            obs.responseHeaders(200);
            serveMock(mock, up, tr, model);
            return;
        }
        MultiMap headers = Headers.copy(req().headers(), Headers.CREDENTIALS);
        headers.remove("host");
        headers.remove("content-length");
        Filters.request(ex.rule(), headers);
        headers.set("x-request-id", ex.requestId());
        if (tr != null && !tr.identity()) {
            // A translated body must be read, so ask for it uncompressed; the client's format headers do not apply.
            headers.remove("anthropic-version");
            headers.remove("anthropic-beta");
        }
        // Responses are read for usage and guards: ask for them uncompressed.
        headers.set("accept-encoding", "identity");
        obs.upstreamHeaders().forEach(headers::set);
        up.headers().forEach(headers::set);
        Buffer out = Buffer.buffer(up.bytes());
        headers.set("content-type", "application/json");
        headers.set("content-length", Integer.toString(out.length()));
        UpstreamCall call = new UpstreamCall(vertx(), services.upstreams(), "Backend " + ai.name() + " provider "
                + p.name() + " (" + p.kind() + " " + up.host() + ":" + up.port() + ")");
        current = call;
        long sentAt = System.nanoTime();
        call.send(up.host(), up.port(), up.tls(), HttpMethod.POST, up.pathAndQuery(), headers, out, null,
                ex.rule().timeouts().backendRequest()).onComplete(ar -> {
            if (done) return;
            if (ar.failed()) {
                UpstreamFailure f = UpstreamFailure.classify(call.where(), ar.cause());
                if (f.kind() == UpstreamFailure.Kind.CANCELLED) return;
                lastFailure = f;
                FailureKind kind = switch (f.kind()) {
                    case CONNECT, DNS, TLS -> FailureKind.CONNECT;
                    case TIMEOUT -> FailureKind.TIMEOUT_BEFORE_FIRST_BYTE;
                    default -> FailureKind.RESET;
                };
                services.health().onFailure(candidate.key(), kind, null);
                obs.attemptFailed(f.getMessage(), f.status());
                log.warn("request {}: {}", ex.requestId(), f.getMessage());
                if (f.retryable() && retryPolicy.retryable(kind, 0) && another(i)) attempt(i + 1);
                else giveUp();
                return;
            }
            HttpClientResponse resp = ar.result();
            int status = resp.statusCode();
            Optional<FailureKind> failure = Classifier.ofStatus(status);
            // A status the route's retry.codes lists is retried too, without counting against the provider.
            boolean routeRetries = failure.isEmpty() && status >= 400 && retryPolicy.retryableStatus(status);
            if (failure.isPresent() || routeRetries) {
                failure.ifPresent(k -> services.health().onFailure(candidate.key(), k, resp.headers()::get));
                obs.attemptFailed(call.where() + " answered " + status, status);
                if ((routeRetries || retryPolicy.retryable(failure.get(), status)) && another(i)) {
                    lastFailure = new UpstreamFailure(UpstreamFailure.Kind.OTHER, call.where() + " answered " + status);
                    log.warn("request {}: {}; trying the next provider", ex.requestId(), lastFailure.getMessage());
                    resp.exceptionHandler(x -> { }); // the reset below is ours, not a failure to log
                    call.request().reset();
                    attempt(i + 1);
                    return;
                }
            } else if (status < 400) {
                services.health().onSuccess(candidate.key(), System.nanoTime() - sentAt, resp.headers()::get);
            }
            finish();
            obs.responseHeaders(status);
            MultiMap extra = MultiMap.caseInsensitiveMultiMap().set("x-gateway-provider", p.kind() + "/" + p.name());
            // Never a silent loss: fields the provider could not honour are named.
            if (tr != null && !tr.warnings().isEmpty()) extra.set("x-gateway-warning", String.join("; ", tr.warnings()));
            if (!model.isEmpty()) extra.set("x-gateway-model", model);
            if (tr == null) Relay.pipe(ex, resp, call.request(), extra);
            else respond(resp, call.request(), tr, extra, backend.get().streamFraming(), model);
        });
    }

    // ---- the response ----

    private void respond(HttpClientResponse upResp, HttpClientRequest up, Translator tr, MultiMap extra,
                         StreamFraming framing, String model) {
        HttpServerResponse resp = req().response();
        int status = upResp.statusCode();
        if (status >= 300 && resp.headWritten()) {
            // Keep-alives committed a 200 event stream: the provider's error becomes its last event.
            Buffer errBody = Buffer.buffer();
            upResp.handler(b -> {
                if (errBody.length() + b.length() <= MAX_ERROR_BODY) errBody.appendBuffer(b);
            });
            upResp.exceptionHandler(e -> { });
            upResp.endHandler(v -> {
                ObjectNode node = null;
                try {
                    if (errBody.length() > 0 && JSON.readTree(errBody.getBytes()) instanceof ObjectNode o) node = o;
                } catch (java.io.IOException e) {
                    node = null;
                }
                TranslatedError err = tr.error(status, node);
                if (!resp.ended() && !resp.closed()) resp.end(Errors.errorEvent(err.body()));
            });
            return;
        }
        if (status >= 300 && tr.identity()) {
            // Provider errors pass through unchanged.
            Relay.pipe(ex, upResp, up, extra);
            return;
        }
        String ct = String.valueOf(upResp.getHeader("content-type"));
        boolean stream = status < 300 && (ct.startsWith("text/event-stream") || ct.startsWith(framing.contentType()));
        Optional<ResponseGuard> guard = policy.flatMap(p -> p.responseGuard(clientSchema));
        if (stream) {
            StreamTranslator st = tr.stream();
            if (guard.isPresent()) st = guard.get().wrap(st);
            StreamRelay relay = new StreamRelay(st, model, held());
            if (resp.headWritten()) {
                // Keep-alives already committed a 200 event stream; the events follow.
            } else if (relay.raw) {
                Relay.head(ex, upResp, extra);
                resp.headers().remove("content-length");
            } else {
                resp.setStatusCode(200);
                resp.headers().addAll(extra);
                resp.headers().set("content-type", "text/event-stream");
                resp.headers().set("cache-control", "no-cache");
                Filters.response(ex.rule(), resp.headers());
            }
            if (!resp.headWritten()) resp.setChunked(true);
            StreamParser parser = framing.newParser();
            upResp.handler(b -> {
                relay.bytes(b, parser);
                if (resp.writeQueueFull()) {
                    upResp.pause();
                    resp.drainHandler(v -> upResp.resume());
                }
            });
            upResp.exceptionHandler(e -> relay.broken(parser, e));
            upResp.endHandler(v -> relay.end(parser));
            return;
        }
        long max = status >= 400 ? MAX_ERROR_BODY : MAX_RESPONSE_BODY;
        Buffer body = Buffer.buffer();
        boolean[] tooBig = {false};
        upResp.handler(b -> {
            if (tooBig[0]) return;
            if (body.length() + b.length() > max) {
                tooBig[0] = true;
                up.reset();
                Errors.send(req(), 502, "bad_gateway", "the provider's response is larger than " + max
                        + " bytes, too large to read");
                return;
            }
            body.appendBuffer(b);
        });
        upResp.exceptionHandler(e -> Errors.send(req(), 502, "bad_gateway",
                "the provider's response broke off: " + e.getMessage()));
        upResp.endHandler(v -> {
            if (tooBig[0] || resp.ended()) return;
            ObjectNode node = null;
            // Relayed as its own bytes and not guarded: only the accounting fields need parsing.
            boolean skeletonOnly = tr.identity() && status < 300 && !policy.map(AiPolicy::guardsResponses).orElse(false)
                    && services.options().logPromptChars() == 0;
            if (skeletonOnly) {
                node = dev.aigw.translate.UsageSkeleton.read(body.getBytes());
            } else {
                try {
                    if (body.length() > 0 && JSON.readTree(body.getBytes()) instanceof ObjectNode o) node = o;
                } catch (java.io.IOException e) {
                    node = null;
                }
            }
            if (status >= 300) {
                TranslatedError err = tr.error(status, node);
                resp.headers().addAll(extra);
                sendJson(err.status(), err.body());
            } else if (node == null && tr.identity()) {
                // Same format both sides: what the provider sent is the client's answer, readable or not.
                Relay.head(ex, upResp, extra);
                resp.headers().remove("transfer-encoding");
                obs.firstChunk();
                resp.end(body);
            } else if (node == null) {
                Errors.send(req(), 502, "bad_gateway", "the provider answered " + status
                        + " with a body that is not a JSON object");
            } else {
                TranslatedResponse r = tr.response(node);
                if (tr.identity()) Relay.head(ex, upResp, extra);
                else {
                    resp.headers().addAll(extra);
                    Filters.response(ex.rule(), resp.headers());
                }
                Buffer unchanged = tr.identity() && !policy.map(AiPolicy::guardsResponses).orElse(false) ? body : null;
                logContent(responseText(r.body()));
                recordUsage(r.usage(), r.model().orElse(null), r.finishReason().orElse(null),
                        StreamTranslator.StreamedText.NONE, true, model, () -> deliverWhole(r.body(), unchanged));
            }
        });
    }

    /** Sends a whole client-format body, after the response guard when the policy has one. */
    private void deliverWhole(ObjectNode clientFormatBody, Buffer unchangedBytes) {
        HttpServerResponse resp = req().response();
        // The usage step may have run on a worker: a timeout or the client may have ended things since.
        if (resp.ended() || resp.closed()) return;
        if (resp.headWritten()) {
            // Keep-alives committed an event stream, but the provider answered in one piece.
            obs.firstChunk();
            resp.end("data: " + (unchangedBytes != null ? unchangedBytes.toString() : clientFormatBody.toString()) + "\n\n");
            return;
        }
        resp.headers().remove("content-length");
        resp.headers().remove("transfer-encoding");
        resp.headers().set("content-type", "application/json");
        if (policy.isEmpty() || !policy.get().guardsResponses() || clientSchema == null) {
            obs.firstChunk();
            resp.setStatusCode(200);
            resp.end(unchangedBytes != null ? unchangedBytes : Buffer.buffer(clientFormatBody.toString()));
            return;
        }
        services.policies().applyResponse(policy.get(), clientSchema, clientFormatBody, req()::getHeader)
                .onComplete(ar -> context.runOnContext(v -> {
                    if (resp.ended() || resp.closed()) return;
                    if (ar.failed()) {
                        Errors.send(req(), 500, "gateway_error", "the route's response guard failed: " + ar.cause().getMessage());
                    } else if (ar.result() instanceof PolicyOutcome.Reject r) {
                        log.info("response of request {} rejected by policy: {}", ex.requestId(), r.reason());
                        sendJson(r.status(), Rejections.body(clientSchema, r));
                    } else if (ar.result() instanceof PolicyOutcome.Continue c) {
                        obs.firstChunk();
                        resp.setStatusCode(200).end(c.body().toString());
                    }
                }));
    }


    /** With {@code --log-prompts}: the prompt and the completion, bounded, for the access log. */
    private void logContent(String completion) {
        int max = services.options().logPromptChars();
        if (max <= 0) return;
        String prompt = null;
        if (clientBody != null && clientSchema != null) {
            StringBuilder sb = new StringBuilder();
            for (var slot : dev.aigw.policy.BodyText.request(clientSchema, clientBody)) {
                if (sb.length() > max) break;
                sb.append(slot.role()).append(": ").append(slot.text()).append('\n');
            }
            prompt = bound(sb.toString(), max);
        }
        obs.content(prompt, completion == null ? null : bound(completion, max));
    }

    private String responseText(ObjectNode clientFormatBody) {
        if (services.options().logPromptChars() <= 0 || clientSchema == null || clientFormatBody == null) return null;
        StringBuilder sb = new StringBuilder();
        for (var slot : dev.aigw.policy.BodyText.response(clientSchema, clientFormatBody)) sb.append(slot.text());
        return sb.toString();
    }

    private static String bound(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /**
     * Records usage, then runs {@code then} (which ends the response: the exchange's record closes
     * with it). When the provider reported none, the tokenizer estimate runs on a worker thread:
     * it is linear in the text and has no place on the event loop.
     */
    private void recordUsage(Usage usage, String responseModel, String finish, StreamTranslator.StreamedText text,
                             boolean completed, String model, Runnable then) {
        Usage u = usage == null ? Usage.ZERO : usage;
        if (u.input() > 0 && u.output() > 0) {
            obs.usage(u, responseModel, finish, false);
            then.run();
            return;
        }
        ObjectNode request = clientBody;
        vertx().executeBlocking(() -> TokenEstimator.shared().resolve(u, model, request, text, completed), false)
                .onComplete(ar -> context.runOnContext(v -> {
                    if (ar.succeeded()) obs.usage(ar.result().usage(), responseModel, finish, ar.result().estimated());
                    else obs.usage(u, responseModel, finish, false);
                    then.run();
                }));
    }

    /**
     * Relays one event stream: raw bytes when nothing must change (the events are still parsed, to
     * read usage), else the translated, guarded events as they come.
     */
    /** A holder for the stream when a response webhook must judge it first; null otherwise. */
    private HeldStream held() {
        return policy.filter(AiPolicy::hasResponseWebhook).isPresent() && clientSchema != null
                && clientSchema != Schema.BEDROCK_CONVERSE ? new HeldStream(clientSchema) : null;
    }

    private final class StreamRelay {
        private final StreamTranslator st;
        private final boolean raw;
        private final String model;
        private final HeldStream held;
        private boolean first = true;
        private boolean parsing = true;
        private boolean ended;

        StreamRelay(StreamTranslator st, String model, HeldStream held) {
            this.st = st;
            this.held = held;
            if (held != null && wantsStream()) {
                // Nothing reaches the client while the stream is held: keep its connection warm.
                holding = true;
                ex.rule().streamKeepAlive().ifPresent(AiExchange.this::keepAlive);
            }
            this.raw = st.passthrough() && held == null;
            this.model = model;
        }

        void bytes(Buffer b, StreamParser parser) {
            if (ended) return;
            HttpServerResponse resp = req().response();
            if (raw) {
                write(b);
                if (!parsing) return;
                try {
                    for (SseEvent e : parser.feed(b.getBytes())) st.onEvent(e);
                } catch (RuntimeException e) {
                    parsing = false; // accounting only: the client's bytes are unaffected
                    log.debug("request {}: stream not parseable for accounting: {}", ex.requestId(), e.toString());
                }
                return;
            }
            List<SseEvent> out = new ArrayList<>();
            try {
                for (SseEvent e : parser.feed(b.getBytes())) out.addAll(st.onEvent(e));
            } catch (RuntimeException e) {
                log.warn("provider stream could not be parsed for request {}: {}", ex.requestId(), e.getMessage());
                if (current != null && current.request() != null) current.request().reset();
                emit(out);
                end(null);
                return;
            }
            emit(out);
        }

        void events(List<SseEvent> events) {
            List<SseEvent> out = new ArrayList<>();
            for (SseEvent e : events) out.addAll(st.onEvent(e));
            emit(out);
        }

        private void emit(List<SseEvent> out) {
            if (out.isEmpty() || req().response().closed()) return;
            if (held == null) {
                write(Buffer.buffer(SseWriter.encode(out)));
                return;
            }
            held.add(out);
            if (held.size() > MAX_RESPONSE_BODY) {
                // Holding for the response webhook has a bound like any buffered response.
                if (current != null && current.request() != null) current.request().reset();
                ended = true;
                Errors.send(req(), 502, "bad_gateway", "the streamed response is larger than " + MAX_RESPONSE_BODY
                        + " bytes, too large to hold for the response webhook");
            }
        }

        /** The response webhook judges the held text; the events go out as it decides. */
        private void judge() {
            HttpServerResponse resp = req().response();
            if (held.hasToolCalls() || held.text().isEmpty()) {
                finishWith(held.events());
                return;
            }
            ObjectNode body = held.asBody();
            services.policies().applyResponse(policy.get(), clientSchema, body, req()::getHeader)
                    .onComplete(ar -> context.runOnContext(v -> {
                        if (resp.ended() || resp.closed()) return;
                        if (ar.failed()) {
                            Errors.send(req(), 500, "gateway_error", "the route's response guard failed: " + ar.cause().getMessage());
                        } else if (ar.result() instanceof PolicyOutcome.Reject r) {
                            log.info("streamed response of request {} rejected by policy: {}", ex.requestId(), r.reason());
                            write(Buffer.buffer(Errors.errorEvent(Rejections.body(clientSchema, r))));
                            resp.end();
                        } else if (ar.result() instanceof PolicyOutcome.Continue c) {
                            String text = held.textOf(c.body());
                            finishWith(text.equals(held.text()) ? held.events() : held.withText(text));
                        }
                    }));
        }

        private void finishWith(List<SseEvent> events) {
            HttpServerResponse resp = req().response();
            if (resp.ended() || resp.closed()) return;
            if (!events.isEmpty()) write(Buffer.buffer(SseWriter.encode(events)));
            resp.end();
        }

        private void write(Buffer b) {
            HttpServerResponse resp = req().response();
            if (resp.closed() || resp.ended()) return;
            if (first) {
                first = false;
                obs.firstChunk();
            }
            resp.write(b);
        }

        /**
         * The provider's stream broke off. Translated streams end the client's way by themselves
         * (onEnd); a relayed one gets an error event so the client sees why, not just a cut.
         */
        void broken(StreamParser parser, Throwable cause) {
            if (ended) return;
            log.warn("request {}: the provider's stream broke off: {}", ex.requestId(), cause.toString());
            if (raw && !st.completed()) {
                HttpServerResponse resp = req().response();
                if (!resp.ended() && !resp.closed()) {
                    var err = JSON.createObjectNode();
                    err.putObject("error").put("message", "the provider's stream broke off before it finished")
                            .put("type", "upstream_stream_truncated").put("code", 502);
                    write(Buffer.buffer(Errors.errorEvent(err)));
                }
            }
            end(parser);
        }

        void end(StreamParser parser) {
            if (ended) return;
            ended = true;
            List<SseEvent> tail = new ArrayList<>();
            if (parser != null && parsing) {
                try {
                    for (SseEvent e : parser.finish()) tail.addAll(st.onEvent(e));
                } catch (RuntimeException e) {
                    log.debug("unparseable stream tail: {}", e.toString());
                }
            }
            tail.addAll(st.onEnd());
            logContent(st.streamedText().text().isEmpty() ? null : st.streamedText().text());
            // Usage first: ending the response closes the exchange's record (access log, metrics).
            recordUsage(st.usage(), st.model().orElse(null), st.finishReason().orElse(null), st.streamedText(),
                    st.completed(), model, () -> {
                        HttpServerResponse resp = req().response();
                        if (held != null) {
                            held.add(tail);
                            judge();
                            return;
                        }
                        if (!resp.ended() && !resp.closed()) {
                            if (raw || tail.isEmpty()) resp.end();
                            else resp.end(Buffer.buffer(SseWriter.encode(tail)));
                        }
                    });
        }
    }

    private void sendJson(int status, ObjectNode body) {
        HttpServerResponse resp = req().response();
        if (resp.ended() || resp.closed()) return;
        if (resp.headWritten()) {
            // Keep-alives already committed a 200 event stream: the answer becomes its last event.
            resp.end(Errors.errorEvent(body));
            return;
        }
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body.toString());
    }

    // ---- the mock provider ----

    private void serveMock(MockProvider mock, UpstreamRequest up, Translator tr, String model) {
        HttpServerResponse resp = req().response();
        Translator t = tr != null ? tr : Translators.create(Schema.OPENAI_CHAT, Schema.OPENAI_CHAT).orElseThrow();
        if (!resp.headWritten()) {
            resp.headers().set("x-gateway-provider", "mock/" + mock.name());
            resp.headers().set("x-gateway-model", mock.model().orElse(model));
            Filters.response(ex.rule(), resp.headers());
        }
        if (!up.streaming()) {
            TranslatedResponse r = t.response(mock.completion(up.body()));
            logContent(responseText(r.body()));
            recordUsage(r.usage(), r.model().orElse(null), r.finishReason().orElse(null), StreamTranslator.StreamedText.NONE, true, model,
                    () -> deliverWhole(r.body(), null));
            return;
        }
        if (!resp.headWritten()) {
            resp.setChunked(true);
            resp.headers().set("content-type", "text/event-stream");
            resp.headers().set("cache-control", "no-cache");
        }
        StreamTranslator st = t.stream();
        Optional<ResponseGuard> guard = policy.flatMap(p -> p.responseGuard(clientSchema));
        if (guard.isPresent()) st = guard.get().wrap(st);
        StreamRelay relay = new StreamRelay(new Reemit(st), model, held());
        writeMockChunk(mock.chunks(up.body()).iterator(), relay);
    }

    private void writeMockChunk(Iterator<String> it, StreamRelay relay) {
        HttpServerResponse resp = req().response();
        if (resp.closed() || resp.ended()) return;
        if (!it.hasNext()) {
            relay.end(null);
            return;
        }
        relay.events(List.of(SseEvent.data(it.next())));
        vertx().setTimer(MOCK_CHUNK_DELAY_MS, id -> writeMockChunk(it, relay));
    }

    /** A stream translator that always re-emits (the mock has no upstream bytes to relay). */
    private record Reemit(StreamTranslator inner) implements StreamTranslator {
        public List<SseEvent> onEvent(SseEvent e) {
            return inner.onEvent(e);
        }

        public List<SseEvent> onEnd() {
            return inner.onEnd();
        }

        public Usage usage() {
            return inner.usage();
        }

        public Optional<String> model() {
            return inner.model();
        }

        public Optional<String> finishReason() {
            return inner.finishReason();
        }

        public boolean completed() {
            return inner.completed();
        }

        public StreamedText streamedText() {
            return inner.streamedText();
        }
    }
}

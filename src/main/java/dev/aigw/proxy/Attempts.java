package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.policy.PolicyEngine;
import dev.aigw.provider.ClientCall;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.Providers;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.proxy.resilience.AttemptPlanner;
import dev.aigw.proxy.resilience.Failover;
import dev.aigw.proxy.resilience.FailureKind;
import dev.aigw.proxy.resilience.RetryPolicy;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.ProviderRules;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TranslatedRequest;
import dev.aigw.translate.TranslationException;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The attempt loop of an AI exchange. Per attempt, on a fresh copy of the (policed) client body:
 * translate into the provider's format, prepare (path, model, credential, signature), send with
 * the {@code backendRequest} timer, then classify the outcome for {@link Failover}, which says
 * whether to try the next provider, deliver the response in hand, or give up with the last failure.
 * Provider health is recorded here, per attempt.
 */
final class Attempts {
    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    private final AiCall call;
    private final Failover failover;
    private final RetryPolicy retryPolicy;

    private Attempts(AiCall call, Failover failover, RetryPolicy retryPolicy) {
        this.call = call;
        this.failover = failover;
        this.retryPolicy = retryPolicy;
    }

    static void start(AiCall call) {
        AttemptPlanner.Plan plan = call.services.planner().plan(call.ai);
        RetryPolicy retry = RetryPolicy.of(call.ex.rule());
        // agentgateway replays a failed request on another provider only with a retry policy: the next request fails over.
        if (call.ai.agentgateway().isPresent() && call.ex.rule().retry().isEmpty()) retry = RetryPolicy.NO_REPLAY;
        Failover f = Failover.start(plan, retry, call.services.budgets().of(call.ai.name()), call.ai.name());
        call.ex.rule().streamKeepAlive().filter(d -> call.wantsStream()).ifPresent(call.out::keepAlive);
        new Attempts(call, f, retry).decide(f.first());
    }

    private void decide(Failover.Decision d) {
        if (call.settled) return;
        switch (d) {
            case Failover.Decision.Attempt a -> {
                if (a.delay().isZero()) send(a.candidate());
                else call.vertx().setTimer(Math.max(1, a.delay().toMillis()), id -> call.guard(v -> send(a.candidate())).handle(null));
            }
            case Failover.Decision.GiveUp g -> call.fail(GatewayError.of(g.failure().status(), g.failure().code(),
                    g.failure().message()));
            case Failover.Decision.Deliver ignored -> throw new IllegalStateException("deliver is handled where the response is");
        }
    }

    /** A provider that cannot take this request: the next one, or an answer saying why. */
    private void skip(int status, String code, String message) {
        call.obs.attemptFailed(message, status);
        decide(failover.next(new Failover.Outcome.Skipped(status, code, message)));
    }

    private void send(AttemptPlanner.Candidate candidate) {
        if (call.settled) return;
        Provider p = candidate.provider();
        Schema clientSchema = call.clientSchema;
        // An agentgateway custom provider: the format this request goes to (as it is, or translated), each at its path.
        java.util.List<ProviderRules.Format> formats = call.ai.rules(p).formats();
        Optional<ProviderRules.Format> custom = Optional.empty();
        if (!formats.isEmpty()) {
            custom = CustomFormats.choose(call.format, clientSchema, formats);
            if (custom.isEmpty()) {
                skip(501, "not_implemented", "Backend " + call.ai.name() + ": "
                        + CustomFormats.unreachable(p.name(), call.format, clientSchema, formats));
                return;
            }
            p = custom.get().provider();
        }
        Optional<Schema> backend = custom.isPresent() ? custom.get().wire()
                : clientSchema == null ? Providers.schema(p) : TranslatorChoice.wire(clientSchema, p);
        boolean forceStream = call.policy.map(AiPolicy::forceStreaming).orElse(false);
        // A body nothing has parsed (so nothing changed) goes to a provider of its own format as its
        // own bytes (ClientBody.sentAsIs): prepare sees a stand-in holding only the model (and a
        // stream's flags), and the model it settles on (and an OpenAI Chat stream's include_usage)
        // is spliced in.
        boolean asSent = call.body != null && call.body.scanned() && !forceStream && ProviderBody.nothingToDo(call.policy)
                && custom.isEmpty() && !call.ai.transformsPerProvider() && ClientBody.sentAsIs(clientSchema, backend, p);
        ObjectNode body;
        if (asSent) {
            body = call.body.standIn();
        } else {
            // Translation and prepare may change the body: a fresh copy per attempt, unless none can follow.
            ObjectNode tree = call.clientBody();
            body = tree == null ? null : failover.lastPossible() ? tree : tree.deepCopy();
            if (body != null && clientSchema != null && call.ai.transformsPerProvider()) rewrite(p, clientSchema, body);
        }
        Translator tr = null;
        // As sent, Identity translates the stand-in: it learns whether the client asked for stream usage.
        if (clientSchema != null && backend.isPresent() && body != null) {
            Optional<Translator> t = custom.isPresent() ? CustomFormats.translator(clientSchema, custom.get())
                    : TranslatorChoice.create(clientSchema, p);
            if (t.isEmpty()) {
                skip(501, "not_implemented", "Backend " + call.ai.name() + ": " + TranslatorChoice.unsupported(clientSchema, p));
                return;
            }
            tr = t.get();
            try {
                RequestContext ctx = p.model().map(RequestContext.defaults()::withModel).orElse(RequestContext.defaults())
                        // Gemini clients ask for a stream in the URL, not the body.
                        .withClientStream(clientSchema == Schema.GEMINI_GENERATE && call.wantsStream());
                TranslatedRequest translated = tr.request(body, ctx);
                body = translated.body();
                forceStream |= translated.streaming();
                if (call.policy.isPresent()) ProviderBody.apply(call.policy.get(), p, backend.get(), body, translated.model(),
                        call.req()::getHeader);
            } catch (TranslationException e) {
                // The client's request is wrong for any provider: answer, do not fail over.
                call.settle();
                var err = tr.error(e);
                call.out.json(err.status(), err.body());
                return;
            }
        }
        UpstreamRequest up;
        try {
            String path = call.ai.agentgateway().isPresent() ? AiPaths.path(call.ex, call.ai) : call.req().path();
            up = p.prepare(new ClientCall(call.req().method().name(), path, call.ex.query(),
                    call.req()::getHeader, body, forceStream,
                    backend.filter(b -> b == Schema.OPENAI_RESPONSES || b == Schema.OPENAI_EMBEDDINGS)));
        } catch (ProviderException e) {
            String msg = "Backend " + call.ai.name() + ": " + e.getMessage();
            if (e.status() >= 500) skip(e.status(), e.type(), msg);
            else call.fail(GatewayError.of(e.status(), e.type(), msg));
            return;
        }
        String model = up.body() == null ? p.model().orElse("") : up.body().path("model").asText(p.model().orElse(""));
        if (!Headers.safeValue(model)) {
            // It would become a header: refuse before anything is sent.
            call.fail(new GatewayError.BadRequest("the model name " + model.replaceAll("\\p{Cntrl}", "?")
                    + " contains a control character"));
            return;
        }
        Names names = Names.of(call.ai.name(), p, up.host(), up.port());
        call.obs.attemptStarted(p.kind(), p.name(), model, names.hostPort());
        if (p instanceof MockProvider mock) {
            call.settle();
            call.obs.responseHeaders(200);
            MockAnswer.serve(call, mock, up, tr, model);
            return;
        }
        MultiMap headers = headers(tr, up);
        if (asSent && up.encoded() != null) throw new IllegalStateException("a provider signed a stand-in body");
        Buffer out = Buffer.buffer(asSent ? call.body.bytesWithModel(up.body().path("model").textValue()) : up.bytes());
        headers.set(Headers.CONTENT_TYPE, "application/json");
        headers.set(Headers.CONTENT_LENGTH, Integer.toString(out.length()));
        UpstreamCall upstream = new UpstreamCall(call.vertx(), call.services.upstreams(), names.where());
        call.current = upstream;
        long sentAt = System.nanoTime();
        Translator translator = tr;
        upstream.send(up.host(), up.port(), up.tls(), HttpMethod.POST, up.pathAndQuery(), headers, out, null,
                call.ex.rule().timeouts().backendRequest()).onComplete(ar -> call.guard(v -> {
            if (call.settled) return;
            if (ar.failed()) failed(candidate, upstream, ar.cause());
            else answered(candidate, names, upstream, ar.result(), sentAt, translator, backend, model);
        }).handle(null));
    }

    /**
     * The strings an attempt names its provider by: {@code host:port} (telemetry's upstream), the
     * attempt's description in messages, and the {@code x-gateway-provider} value. Built once for
     * the last provider and kept while the next attempt's config strings are the same instances
     * (they come from the snapshot), instead of three concatenations per request. A race between
     * event loops only builds them twice.
     */
    private record Names(String backend, Provider provider, String host, int port, String hostPort, String where,
                         String header) {
        private static Names last;

        static Names of(String backend, Provider p, String host, int port) {
            Names n = last;
            if (n != null && n.backend == backend && n.provider == p && n.host == host && n.port == port) return n;
            String hostPort = host + ":" + port;
            n = new Names(backend, p, host, port, hostPort,
                    "Backend " + backend + " provider " + p.name() + " (" + p.kind() + " " + hostPort + ")",
                    p.kind() + "/" + p.name());
            last = n;
            return n;
        }
    }

    private static java.util.Map<String, String> lowerCase(MultiMap headers) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        headers.forEach(e -> out.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        return out;
    }

    /**
     * The body rewrites of the rule's policy with this provider's own {@code policies.ai} over
     * them (agentgateway: provider policies win, each field as a whole), on this attempt's copy.
     */
    private void rewrite(Provider p, Schema clientSchema, ObjectNode body) {
        Optional<ProviderRules.ProviderAi> own = call.ai.rules(p).ai();
        var aliases = call.policy.map(AiPolicy::modelAliases).orElse(java.util.Map.of());
        var defaults = call.policy.map(AiPolicy::fieldDefaults).orElse(dev.aigw.policy.Defaults.NONE);
        var enrichment = call.policy.flatMap(AiPolicy::enrichment);
        if (own.isPresent()) {
            aliases = own.get().aliasesOver(aliases);
            defaults = own.get().defaultsOver(defaults);
            enrichment = own.get().enrichmentOver(enrichment);
        }
        PolicyEngine.rewrite(clientSchema, body, aliases, defaults,
                call.policy.map(AiPolicy::transformations).orElse(dev.aigw.policy.Transformations.NONE), call.req()::getHeader,
                enrichment);
    }

    private MultiMap headers(Translator tr, UpstreamRequest up) {
        MultiMap headers = Headers.copy(call.req().headers(), Headers.CREDENTIALS);
        headers.remove(Headers.HOST);
        headers.remove(Headers.CONTENT_LENGTH);
        Filters.request(call.ex.rule(), headers);
        headers.set(Headers.X_REQUEST_ID, call.requestId());
        if (tr != null && !tr.identity()) {
            // The client's format headers do not apply to a translated body.
            headers.remove("anthropic-version");
            headers.remove("anthropic-beta");
        }
        // Responses are read for usage and guards: ask for them uncompressed.
        headers.set(Headers.ACCEPT_ENCODING, "identity");
        call.obs.upstreamHeaders().forEach(headers::set);
        up.headers().forEach(headers::set);
        return headers;
    }

    /** No response: record it against the provider, then the next attempt or the last failure. */
    private void failed(AttemptPlanner.Candidate candidate, UpstreamCall upstream, Throwable cause) {
        UpstreamFailure f = UpstreamFailure.classify(upstream.where(), cause);
        if (f.kind() == UpstreamFailure.Kind.CANCELLED) return;
        FailureKind kind = switch (f.kind()) {
            case CONNECT, DNS, TLS -> FailureKind.CONNECT;
            case TIMEOUT -> FailureKind.TIMEOUT_BEFORE_FIRST_BYTE;
            default -> FailureKind.RESET;
        };
        Optional<ProviderRules.HealthRule> rule = call.ai.rules(candidate.provider()).health();
        if (rule.isPresent()) call.services.health().onJudged(candidate.key(), rule.get(), true, kind, null);
        else call.services.health().onFailure(candidate.key(), kind, null);
        call.obs.attemptFailed(f.getMessage(), f.status());
        log.warn("request {}: {}", call.requestId(), f.getMessage());
        decide(failover.next(new Failover.Outcome.NoResponse(kind, f.retryable(), f.status(), f.type(), f.getMessage())));
    }

    /** A response head: a failure worth another provider, or the response the client gets. */
    private void answered(AttemptPlanner.Candidate candidate, Names names, UpstreamCall upstream, HttpClientResponse resp, long sentAt,
                          Translator tr, Optional<Schema> backend, String model) {
        int status = resp.statusCode();
        Optional<FailureKind> failure = dev.aigw.proxy.resilience.Classifier.ofStatus(status);
        Optional<ProviderRules.HealthRule> rule = call.ai.rules(candidate.provider()).health();
        if (rule.isPresent()) {
            // The Backend's health rule judges the answer (its CEL condition), not the default classification.
            boolean unhealthy = rule.get().unhealthy(status, lowerCase(resp.headers()));
            if (call.services.health().onJudged(candidate.key(), rule.get(), unhealthy,
                    failure.orElse(FailureKind.HTTP_5XX), resp.headers()::get)) {
                log.warn("request {}: {} answered {} and is evicted by its health rule", call.requestId(),
                        upstream.where(), status);
            }
            if (!unhealthy && status < 400) {
                call.services.health().onSuccess(candidate.key(), System.nanoTime() - sentAt, resp.headers()::get);
            }
        } else {
            failure.ifPresent(k -> call.services.health().onFailure(candidate.key(), k, resp.headers()::get));
            if (failure.isEmpty() && status < 400) {
                call.services.health().onSuccess(candidate.key(), System.nanoTime() - sentAt, resp.headers()::get);
            }
        }
        Failover.Decision d = failover.next(new Failover.Outcome.Answered(status, upstream.where()));
        if (!(d instanceof Failover.Decision.Deliver)) {
            call.obs.attemptFailed(upstream.where() + " answered " + status, status);
            log.warn("request {}: {} answered {}; trying the next provider", call.requestId(), upstream.where(), status);
            resp.exceptionHandler(x -> { }); // the reset below is ours, not a failure to log
            upstream.request().reset();
            decide(d);
            return;
        }
        boolean routeRetries = failure.isEmpty() && status >= 400 && retryPolicy.retryableStatus(status);
        if (failure.isPresent() || routeRetries) call.obs.attemptFailed(upstream.where() + " answered " + status, status);
        call.settle();
        call.obs.responseHeaders(status);
        MultiMap extra = MultiMap.caseInsensitiveMultiMap().set("x-gateway-provider", names.header());
        // Never a silent loss: fields the provider could not honour are named.
        if (tr != null && !tr.warnings().isEmpty()) {
            String w = String.join("; ", tr.warnings());
            if (Headers.safeValue(w)) extra.set("x-gateway-warning", w);
        }
        if (!model.isEmpty()) extra.set("x-gateway-model", model);
        if (tr == null) Relay.pipe(call.ex, resp, upstream.request(), extra);
        else Responses.respond(call, resp, upstream.request(), tr, extra, backend.orElseThrow().streamFraming(), model);
    }
}

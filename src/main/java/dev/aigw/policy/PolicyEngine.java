package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies {@link AiPolicy}s to requests and whole responses. One per gateway (it owns the
 * HTTP client used for webhooks, moderation and the cloud guards); thread-safe.
 *
 * <p>Request order: {@code promptGuard.request} webhook, then regex, then moderation (as
 * kgateway does), then the cloud guards (Bedrock Guardrails, Model Armor) in the order written;
 * then model aliases, {@code defaults} with override, agentgateway's {@code transformations}, the
 * other {@code defaults}; then {@code promptEnrichment} (so operator-written messages are neither
 * masked nor sent to the guards). A guard that rejects stops there. Response order: the webhook
 * (skipped for tool-call responses), the cloud guards, then regex masking.
 *
 * <p>The guards' protocols live with them: {@link WebhookGuard}, {@link ModerationGuard},
 * {@link BedrockGuardrail}, {@link ModelArmorGuard}; their calls go through {@link GuardCalls}.
 */
public final class PolicyEngine {

    /**
     * How webhook and moderation calls go out: the gateway passes its upstream clients
     * ({@code proxy.Upstreams}), so {@code --connect-to}, {@code --ca-file}, certificate and host
     * checks are the same as for providers.
     */
    public interface Outbound {
        Future<io.vertx.core.http.HttpClientRequest> request(RequestOptions options, boolean tls);
    }

    private final GuardCalls calls;
    private final List<HttpClient> owned;

    public PolicyEngine(Vertx vertx, Outbound out) {
        this.calls = new GuardCalls(vertx, out);
        this.owned = List.of();
    }

    /** With clients of its own (JVM trust, no --connect-to): for tests of the engine alone. */
    public PolicyEngine(Vertx vertx) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true));
        HttpClient https = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setSsl(true).setUseAlpn(true));
        this.calls = new GuardCalls(vertx, (ro, tls) -> (tls ? https : http).request(ro));
        this.owned = List.of(http, https);
    }

    public Future<Void> close() {
        return Future.all(owned.stream().map(HttpClient::close).toList()).mapEmpty();
    }

    /**
     * Runs {@code policy} on a client request body in its own {@code schema}, before any
     * translation. {@code headers} reads the client's request headers (case-insensitive).
     * The body is changed in place; Continue carries it.
     */
    public Future<PolicyOutcome> applyRequest(AiPolicy policy, Schema schema, ObjectNode body,
                                              Function<String, String> headers) {
        return applyRequest(policy, schema, body, headers, true);
    }

    /**
     * {@code rewrite} false: the guards only; the body rewrites (aliases, defaults, enrichment) are
     * left to {@link #rewrite}, per attempt, when a Backend's providers have policies of their own.
     */
    public Future<PolicyOutcome> applyRequest(AiPolicy policy, Schema schema, ObjectNode body,
                                              Function<String, String> headers, boolean rewrite) {
        Future<PolicyOutcome> f = Future.succeededFuture(new PolicyOutcome.Continue(body));
        if (policy.request().isPresent()) {
            AiPolicy.RequestGuard g = policy.request().get();
            if (g.webhook().isPresent()) {
                f = f.compose(o -> WebhookGuard.request(calls, g.webhook().get(), g.customResponse(), schema, body, headers));
            }
            if (g.regex().isPresent()) {
                f = f.map(o -> o instanceof PolicyOutcome.Continue ? requestRegex(g, schema, body) : o);
            }
            if (g.moderation().isPresent()) {
                f = f.compose(o -> o instanceof PolicyOutcome.Continue
                        ? ModerationGuard.moderate(calls, g.moderation().get(), g.customResponse(), schema, body, headers)
                        : Future.succeededFuture(o));
            }
            for (CloudGuard c : g.guardrails()) {
                f = f.compose(o -> o instanceof PolicyOutcome.Continue ? c.judgeRequest(calls, schema, body)
                        : Future.succeededFuture(o));
            }
        }
        return f.map(o -> {
            if (o instanceof PolicyOutcome.Continue && rewrite) {
                rewrite(schema, body, policy.modelAliases(), policy.fieldDefaults(), policy.transformations(), headers,
                        policy.enrichment());
            }
            return o;
        });
    }

    /**
     * The policy's body rewrites, in agentgateway's order: model aliases, overrides, transformations,
     * defaults (which fill absent keys), prompt enrichment. {@code headers}: the client's, for the
     * transformations' CEL.
     */
    public static void rewrite(Schema schema, ObjectNode body, java.util.Map<String, String> aliases,
                               Defaults defaults, Transformations transformations,
                               Function<String, String> headers, Optional<TrafficPolicyResource.Enrichment> enrichment) {
        ModelAliases.apply(body, aliases);
        defaults.applyOverrides(body);
        transformations.apply(body, headers);
        defaults.applyFills(body);
        enrichment.ifPresent(e -> Enrichment.apply(schema, body, e.prepend(), e.append()));
    }

    /**
     * Runs {@code promptGuard.response} on a whole response (or a held stream's text) in the
     * client's schema: the webhook (skipped for tool-call responses), the cloud guards, then regex
     * masking. A reject answers the client with its status and text instead of the response.
     */
    public Future<PolicyOutcome> applyResponse(AiPolicy policy, Schema schema, ObjectNode body,
                                               Function<String, String> requestHeaders) {
        return applyResponse(policy, schema, body, requestHeaders, false);
    }

    /**
     * {@code callsTools}: the answer called tools though {@code body} does not show it (a held
     * stream's text, see {@link HeldStream#asBody}): the webhook is skipped, the other guards run.
     */
    public Future<PolicyOutcome> applyResponse(AiPolicy policy, Schema schema, ObjectNode body,
                                               Function<String, String> requestHeaders, boolean callsTools) {
        if (policy.response().isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        AiPolicy.ResponsePolicy r = policy.response().get();
        Future<PolicyOutcome> f = Future.succeededFuture(new PolicyOutcome.Continue(body));
        if (r.webhook().isPresent() && !callsTools && !BodyText.hasToolCalls(schema, body)) {
            f = WebhookGuard.response(calls, r.webhook().get(), schema, body, requestHeaders);
        }
        for (CloudGuard c : r.guardrails()) {
            f = f.compose(o -> o instanceof PolicyOutcome.Continue ? c.judgeResponse(calls, schema, body)
                    : Future.succeededFuture(o));
        }
        return f.map(o -> {
            if (o instanceof PolicyOutcome.Continue && r.regex().isPresent()) {
                new ResponseGuard(schema, r.regex().get()).maskBody(body);
            }
            return o;
        });
    }

    // ---- regex ----

    /** Whether the prompt texts alone decide {@code policy}'s request side: see {@link AiPolicy#decidesOnTexts()}. */
    public static boolean decidesOnTexts(AiPolicy policy) {
        return policy.decidesOnTexts();
    }

    /** For a policy that {@link #decidesOnTexts}: its rejection of these prompt texts, if it rejects them. */
    public static Optional<PolicyOutcome.Reject> textRejection(AiPolicy policy, List<PromptText> texts) {
        AiPolicy.RequestGuard g = policy.request().orElseThrow();
        RegexGuard rx = g.regex().orElseThrow();
        for (PromptText t : texts) {
            if (!rx.reads(t.role())) continue; // the guard's scope, as requestRegex reads it
            Optional<String> hit = rx.firstMatch(t.text());
            if (hit.isPresent()) {
                return Optional.of(new PolicyOutcome.Reject(g.customResponse().statusCode(), g.customResponse().message(),
                        "regex guard matched " + hit.get() + " in a " + t.role() + " message"));
            }
        }
        return Optional.empty();
    }

    private static PolicyOutcome requestRegex(AiPolicy.RequestGuard g, Schema schema, ObjectNode body) {
        RegexGuard rx = g.regex().get();
        for (TextSlot s : BodyText.request(schema, body, rx.roles())) {
            if (rx.action() == Action.REJECT) {
                Optional<String> hit = rx.firstMatch(s.text());
                if (hit.isPresent()) {
                    return new PolicyOutcome.Reject(g.customResponse().statusCode(), g.customResponse().message(),
                            "regex guard matched " + hit.get() + " in a " + s.role() + " message");
                }
            } else {
                String t = s.text();
                String m = rx.mask(t);
                if (!m.equals(t)) s.set(m);
            }
        }
        return new PolicyOutcome.Continue(body);
    }
}

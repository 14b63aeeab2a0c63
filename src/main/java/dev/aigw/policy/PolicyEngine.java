package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.config.TrafficPolicyResource.HeaderMatch;
import dev.aigw.config.TrafficPolicyResource.Webhook;
import dev.aigw.provider.Credential;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Applies {@link AiPolicy}s to requests and whole responses. One per gateway (it owns the
 * HTTP client used for webhooks and moderation); thread-safe.
 *
 * <p>Request order: {@code promptGuard.request} webhook, then regex, then moderation (as
 * kgateway does); then model aliases, {@code defaults} with override, agentgateway's
 * {@code transformations}, the other {@code defaults}; then {@code promptEnrichment} (so operator-written
 * messages are neither masked nor sent to the guards). A guard that rejects stops there.
 *
 * <p>Guardrail webhook protocol (kgateway's): {@code POST http://host:port/request} with
 * {@code {"body":{"messages":[{"role","content"}...]}}} (one message per text of the body, in
 * order, whatever the client's schema), or {@code /response} with
 * {@code {"body":{"choices":[{"message":{"role":"assistant","content"}}...]}}}. The reply is
 * {@code {"action": X}} where X is a mask ({@code {"body":{"messages"|"choices":[...]}}}, same
 * length: the texts are replaced), a reject ({@code {"body":"text","status_code":N}}) or a pass
 * ({@code {}} or {@code {"reason"}}). A webhook that cannot be reached, times out
 * ({@code timeout}, default 5s), answers non-2xx or garbage makes the request fail closed with
 * 503 unless the webhook sets {@code failOpen: true} (then the request goes on unchanged).
 *
 * <p>Moderation: {@code POST /v1/moderations} ({@code {"model","input":[user texts]}}) to the
 * configured host (TLS on port 443); any {@code results[].flagged} rejects with the
 * {@code customResponse}. An endpoint that fails rejects with 503 (moderation fails closed).
 */
public final class PolicyEngine {
    private static final Logger log = LoggerFactory.getLogger(PolicyEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_REPLY = 8L * 1024 * 1024;

    /**
     * How webhook and moderation calls go out: the gateway passes its upstream clients
     * ({@code proxy.Upstreams}), so {@code --connect-to}, {@code --ca-file}, certificate and host
     * checks are the same as for providers.
     */
    public interface Outbound {
        Future<io.vertx.core.http.HttpClientRequest> request(RequestOptions options, boolean tls);
    }

    private final Outbound out;
    private final List<HttpClient> owned;
    private final Vertx vertx;

    public PolicyEngine(Vertx vertx, Outbound out) {
        this.vertx = vertx;
        this.out = out;
        this.owned = List.of();
    }

    /** With clients of its own (JVM trust, no --connect-to): for tests of the engine alone. */
    public PolicyEngine(Vertx vertx) {
        this.vertx = vertx;
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true));
        HttpClient https = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setSsl(true).setUseAlpn(true));
        this.out = (ro, tls) -> (tls ? https : http).request(ro);
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
                f = f.compose(o -> requestWebhook(g.webhook().get(), g.customResponse(), schema, body, headers));
            }
            if (g.regex().isPresent()) {
                f = f.map(o -> o instanceof PolicyOutcome.Continue ? requestRegex(g, schema, body) : o);
            }
            if (g.moderation().isPresent()) {
                f = f.compose(o -> o instanceof PolicyOutcome.Continue
                        ? moderate(g.moderation().get(), g.customResponse(), schema, body, headers)
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
     * Runs {@code promptGuard.response} on a whole (not streamed) response in the client's
     * schema: the webhook (skipped for tool-call responses), then regex masking. A webhook
     * reject answers the client with the webhook's status and text instead of the response.
     */
    public Future<PolicyOutcome> applyResponse(AiPolicy policy, Schema schema, ObjectNode body,
                                               Function<String, String> requestHeaders) {
        if (policy.response().isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        AiPolicy.ResponsePolicy r = policy.response().get();
        Future<PolicyOutcome> f = Future.succeededFuture(new PolicyOutcome.Continue(body));
        if (r.webhook().isPresent() && !BodyText.hasToolCalls(schema, body)) {
            f = responseWebhook(r.webhook().get(), schema, body, requestHeaders);
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
        for (TextSlot s : BodyText.request(schema, body)) {
            if (!rx.reads(s.role())) continue;
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

    // ---- webhook ----

    private Future<PolicyOutcome> requestWebhook(AiPolicy.GuardWebhook w, CustomResponse custom, Schema schema, ObjectNode body,
                                                 Function<String, String> headers) {
        List<TextSlot> slots = BodyText.request(schema, body);
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode messages = payload.putObject("body").putArray("messages");
        for (TextSlot s : slots) messages.addObject().put("role", s.role()).put("content", s.text());
        return callWebhook(w, "/request", payload, headers).transform(ar -> {
            if (ar.failed()) return Future.succeededFuture(webhookDown(w.config(), "request", ar.cause(), body));
            return Future.succeededFuture(webhookAction(w.config(), "request", ar.result(), "messages", slots, custom, body));
        });
    }

    private Future<PolicyOutcome> responseWebhook(AiPolicy.GuardWebhook w, Schema schema, ObjectNode body,
                                                  Function<String, String> headers) {
        List<TextSlot> slots = BodyText.response(schema, body);
        if (slots.isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode choices = payload.putObject("body").putArray("choices");
        for (TextSlot s : slots) {
            choices.addObject().putObject("message").put("role", "assistant").put("content", s.text());
        }
        return callWebhook(w, "/response", payload, headers).transform(ar -> {
            if (ar.failed()) return Future.succeededFuture(webhookDown(w.config(), "response", ar.cause(), body));
            return Future.succeededFuture(webhookAction(w.config(), "response", ar.result(), "choices", slots,
                    CustomResponse.DEFAULT, body));
        });
    }

    private Future<JsonNode> callWebhook(AiPolicy.GuardWebhook guard, String path, ObjectNode payload,
                                         Function<String, String> headers) {
        Webhook w = guard.config();
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (HeaderMatch m : w.forwardHeaders()) {
            String v = headers.apply(m.name());
            if (m.matches(v)) h.set(m.name(), v);
        }
        guard.headers().values(headers).forEach(h::set);
        h.set("content-type", "application/json");
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(w.host()).setPort(w.port())
                .setURI(path).setHeaders(h).setConnectTimeout(w.timeout().toMillis())
                .setIdleTimeout(w.timeout().toMillis());
        return post(false, ro, Buffer.buffer(payload.toString()), w.timeout().toMillis());
    }

    /**
     * POSTs and reads a JSON reply. On timeout the request is reset, which closes its connection:
     * a hung webhook must not keep a pooled connection that later requests would queue behind.
     */
    private Future<JsonNode> post(boolean tls, RequestOptions ro, Buffer body, long timeoutMs) {
        io.vertx.core.Promise<JsonNode> result = io.vertx.core.Promise.promise();
        out.request(ro, tls).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(ar.cause());
                return;
            }
            io.vertx.core.http.HttpClientRequest req = ar.result();
            long timer = vertx.setTimer(timeoutMs, id -> {
                req.reset(0, new TimeoutException("timed out"));
                result.tryFail(new TimeoutException("timed out after " + timeoutMs + " ms"));
            });
            req.send(body)
                    .compose(resp -> resp.body().map(b -> {
                        if (resp.statusCode() / 100 != 2) {
                            String text = b.length() > 300 ? b.getString(0, 300) + "…" : b.toString();
                            throw new IllegalStateException("answered HTTP " + resp.statusCode()
                                    + (text.isBlank() ? "" : ": " + text.strip()));
                        }
                        if (b.length() > MAX_REPLY) throw new IllegalStateException("answered more than " + MAX_REPLY + " bytes");
                        try {
                            return JSON.readTree(b.getBytes());
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException("answered with a body that is not JSON");
                        }
                    }))
                    .onComplete(r -> {
                        vertx.cancelTimer(timer);
                        if (r.succeeded()) result.tryComplete(r.result());
                        else result.tryFail(r.cause());
                    });
        });
        return result.future();
    }

    private static PolicyOutcome webhookDown(Webhook w, String phase, Throwable cause, ObjectNode body) {
        String why = describe(cause, w.timeout().toMillis());
        String where = phase + " guard webhook " + w.host() + ":" + w.port();
        if (w.failOpen()) {
            log.warn("{} failed ({}); failOpen is set, so the {} goes on unguarded", where, why, phase);
            return new PolicyOutcome.Continue(body);
        }
        log.warn("{} failed ({}); failing closed", where, why);
        return new PolicyOutcome.Reject(503, "The " + where + " could not be used (" + why + "), so the " + phase
                + " was not " + (phase.equals("request") ? "forwarded" : "returned")
                + ". Set failOpen: true on the webhook to let traffic through when it is down.", where + ": " + why);
    }

    private static String describe(Throwable cause, long timeoutMs) {
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

    /** Reads {@code {"action": X}}: mask, reject or pass by X's shape. */
    private static PolicyOutcome webhookAction(Webhook w, String phase, JsonNode reply, String listField,
                                               List<TextSlot> slots, CustomResponse custom, ObjectNode body) {
        JsonNode action = reply.get("action");
        if (action == null || action.isNull()) action = JSON.createObjectNode(); // no action: pass
        if (!action.isObject()) {
            return webhookDown(w, phase, new IllegalStateException("answered an action that is not an object: " + action), body);
        }
        String reason = action.path("reason").asText("");
        JsonNode b = action.get("body");
        if (b == null || b.isNull()) return new PolicyOutcome.Continue(body); // pass
        if (b.isTextual()) {
            int status = custom.statusCode();
            JsonNode sc = action.get("status_code");
            if (sc != null && sc.canConvertToInt() && sc.asInt() >= 200 && sc.asInt() <= 599) status = sc.asInt();
            return new PolicyOutcome.Reject(status, b.asText(), phase + " webhook rejected"
                    + (reason.isEmpty() ? "" : ": " + reason));
        }
        JsonNode list = b.get(listField);
        if (!(list instanceof ArrayNode arr) || arr.size() != slots.size()) {
            return webhookDown(w, phase, new IllegalStateException("answered a mask with " + (list == null ? "no "
                    + listField : list.size() + " " + listField) + " for the " + slots.size() + " sent"), body);
        }
        for (int i = 0; i < slots.size(); i++) {
            JsonNode item = listField.equals("choices") ? arr.get(i).path("message") : arr.get(i);
            String text = text(item.get("content"));
            if (text != null && !text.equals(slots.get(i).text())) slots.get(i).set(text);
        }
        if (!reason.isEmpty()) log.debug("{} webhook masked: {}", phase, reason);
        return new PolicyOutcome.Continue(body);
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) return null;
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode p : content) sb.append(p.isTextual() ? p.asText() : p.path("text").asText());
            return sb.toString();
        }
        return null;
    }

    // ---- moderation ----

    private Future<PolicyOutcome> moderate(AiPolicy.Moderation m, CustomResponse custom, Schema schema,
                                           ObjectNode body, Function<String, String> headers) {
        if (m.unavailable().isPresent()) {
            return Future.succeededFuture(new PolicyOutcome.Reject(500, "The moderation guard is not configured: "
                    + m.unavailable().get(), "moderation unavailable"));
        }
        List<String> inputs = new ArrayList<>();
        for (TextSlot s : BodyText.request(schema, body)) {
            if (s.role().equals("user") && !s.text().isBlank()) inputs.add(s.text());
        }
        if (inputs.isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        ObjectNode payload = JSON.createObjectNode();
        payload.put("model", m.model());
        ArrayNode input = payload.putArray("input");
        inputs.forEach(input::add);
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set("content-type", "application/json");
        String token = switch (m.credential()) {
            case Credential.Token t -> t.value();
            case Credential.Passthrough p -> {
                String a = headers.apply("authorization");
                yield a == null ? null : a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : a.strip();
            }
            case Credential.None n -> null;
            case Credential.AwsKeys k -> null;
            case Credential.AwsDefaultChain c -> null;
            case Credential.GoogleOAuth g -> null;
        };
        if (token != null && !token.isEmpty()) h.set("authorization", "Bearer " + token);
        long timeout = 10_000;
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(m.host()).setPort(m.port())
                .setURI(m.path()).setHeaders(h).setSsl(m.tls()).setConnectTimeout(timeout).setIdleTimeout(timeout);
        String where = "moderation endpoint " + m.host() + ":" + m.port();
        return post(m.tls(), ro, Buffer.buffer(payload.toString()), timeout).transform(ar -> {
            if (ar.failed()) {
                String why = describe(ar.cause(), timeout);
                log.warn("{} failed ({}); failing closed", where, why);
                return Future.succeededFuture(new PolicyOutcome.Reject(503, "The " + where + " could not be used ("
                        + why + "), so the request was not forwarded.", where + ": " + why));
            }
            JsonNode results = ar.result().get("results");
            if (!(results instanceof ArrayNode arr)) {
                return Future.succeededFuture(new PolicyOutcome.Reject(503, "The " + where
                        + " answered without results, so the request was not forwarded.", where + ": no results"));
            }
            for (JsonNode r : arr) {
                if (r.path("flagged").asBoolean(false)) {
                    List<String> cats = new ArrayList<>();
                    r.path("categories").properties().forEach(e -> {
                        if (e.getValue().asBoolean(false)) cats.add(e.getKey());
                    });
                    return Future.succeededFuture(new PolicyOutcome.Reject(custom.statusCode(), custom.message(),
                            "moderation flagged " + String.join(", ", cats)));
                }
            }
            return Future.succeededFuture(new PolicyOutcome.Continue(body));
        });
    }
}

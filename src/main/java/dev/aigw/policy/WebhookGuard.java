package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.config.TrafficPolicyResource.HeaderMatch;
import dev.aigw.config.TrafficPolicyResource.Webhook;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

import static dev.aigw.policy.GuardCalls.JSON;

/**
 * The guardrail webhook, kgateway's protocol: {@code POST http://host:port/request} with
 * {@code {"body":{"messages":[{"role","content"}...]}}} (one message per text of the body, in
 * order, whatever the client's schema), or {@code /response} with
 * {@code {"body":{"choices":[{"message":{"role":"assistant","content"}}...]}}}. The reply is
 * {@code {"action": X}} where X is a mask ({@code {"body":{"messages"|"choices":[...]}}}, same
 * length: the texts are replaced), a reject ({@code {"body":"text","status_code":N}}) or a pass
 * ({@code {}} or {@code {"reason"}}). A webhook that cannot be reached, times out
 * ({@code timeout}, default 5s), answers non-2xx or garbage makes the exchange fail closed with
 * 503 unless the webhook sets {@code failOpen: true} (then it goes on unchanged).
 */
final class WebhookGuard {
    private static final Logger log = LoggerFactory.getLogger(WebhookGuard.class);

    private WebhookGuard() {
    }

    static Future<PolicyOutcome> request(GuardCalls calls, AiPolicy.GuardWebhook w, CustomResponse custom, Schema schema,
                                         ObjectNode body, Function<String, String> headers) {
        List<TextSlot> slots = BodyText.request(schema, body);
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode messages = payload.putObject("body").putArray("messages");
        for (TextSlot s : slots) messages.addObject().put("role", s.role()).put("content", s.text());
        return call(calls, w, "/request", payload, headers).transform(ar -> {
            if (ar.failed()) return Future.succeededFuture(down(w.config(), "request", ar.cause(), body));
            return Future.succeededFuture(action(w.config(), "request", ar.result(), "messages", slots, custom, body));
        });
    }

    static Future<PolicyOutcome> response(GuardCalls calls, AiPolicy.GuardWebhook w, Schema schema, ObjectNode body,
                                          Function<String, String> headers) {
        List<TextSlot> slots = BodyText.response(schema, body);
        if (slots.isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode choices = payload.putObject("body").putArray("choices");
        for (TextSlot s : slots) {
            choices.addObject().putObject("message").put("role", "assistant").put("content", s.text());
        }
        return call(calls, w, "/response", payload, headers).transform(ar -> {
            if (ar.failed()) return Future.succeededFuture(down(w.config(), "response", ar.cause(), body));
            return Future.succeededFuture(action(w.config(), "response", ar.result(), "choices", slots,
                    CustomResponse.DEFAULT, body));
        });
    }

    private static Future<JsonNode> call(GuardCalls calls, AiPolicy.GuardWebhook guard, String path, ObjectNode payload,
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
        return calls.post(false, ro, Buffer.buffer(payload.toString()), w.timeout().toMillis());
    }

    private static PolicyOutcome down(Webhook w, String phase, Throwable cause, ObjectNode body) {
        String why = GuardCalls.describe(cause, w.timeout().toMillis());
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

    /** Reads {@code {"action": X}}: mask, reject or pass by X's shape. */
    private static PolicyOutcome action(Webhook w, String phase, JsonNode reply, String listField,
                                        List<TextSlot> slots, CustomResponse custom, ObjectNode body) {
        JsonNode action = reply.get("action");
        if (action == null || action.isNull()) action = JSON.createObjectNode(); // no action: pass
        if (!action.isObject()) {
            return down(w, phase, new IllegalStateException("answered an action that is not an object: " + action), body);
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
            return down(w, phase, new IllegalStateException("answered a mask with " + (list == null ? "no "
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
}

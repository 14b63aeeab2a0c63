package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.provider.Credential;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.aigw.policy.GuardCalls.JSON;

/**
 * OpenAI moderation: {@code POST /v1/moderations} ({@code {"model","input":[user texts]}}) to the
 * configured host (TLS on port 443); any {@code results[].flagged} rejects with the
 * {@code customResponse}. An endpoint that fails rejects with 503 (moderation fails closed).
 */
final class ModerationGuard {
    private static final Logger log = LoggerFactory.getLogger(ModerationGuard.class);
    private static final long TIMEOUT_MS = 10_000;

    private ModerationGuard() {
    }

    static Future<PolicyOutcome> moderate(GuardCalls calls, AiPolicy.Moderation m, CustomResponse custom, Schema schema,
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
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(m.host()).setPort(m.port())
                .setURI(m.path()).setHeaders(h).setSsl(m.tls()).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
        String where = "moderation endpoint " + m.host() + ":" + m.port();
        return calls.post(m.tls(), ro, Buffer.buffer(payload.toString()), TIMEOUT_MS).transform(ar -> {
            if (ar.failed()) {
                String why = GuardCalls.describe(ar.cause(), TIMEOUT_MS);
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

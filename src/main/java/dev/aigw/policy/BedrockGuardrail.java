package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.provider.Credential;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.SigV4;
import dev.aigw.provider.UrlParts;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.aigw.policy.GuardCalls.JSON;

/**
 * AWS Bedrock Guardrails as a prompt guard: ApplyGuardrail, {@code POST
 * https://bedrock-runtime.{region}.amazonaws.com/guardrail/{identifier}/version/{version}/apply},
 * signed with SigV4 (service {@code bedrock}), body {@code {"source":"INPUT"|"OUTPUT","content":
 * [{"text":{"text":...}}...]}}, one block per text. As agentgateway reads the answer: action
 * {@code NONE} passes; {@code GUARDRAIL_INTERVENED} with an {@code ANONYMIZED} assessment and no
 * {@code BLOCKED} one, and one output per block sent, masks (each text becomes its output);
 * any other intervention rejects with {@link #answer}. {@code roles}: the request texts it reads
 * (agentgateway's {@code scope}); a response is read whole.
 */
public record BedrockGuardrail(String identifier, String version, String region, String host, int port, Set<String> roles,
                               CustomResponse answer, Credential credential, Optional<String> unavailable)
        implements CloudGuard {

    public BedrockGuardrail {
        roles = Set.copyOf(roles);
    }

    @Override
    public Future<PolicyOutcome> judgeRequest(GuardCalls calls, Schema schema, ObjectNode body) {
        return judge(calls, "INPUT", BodyText.request(schema, body, roles), body);
    }

    @Override
    public Future<PolicyOutcome> judgeResponse(GuardCalls calls, Schema schema, ObjectNode body) {
        return judge(calls, "OUTPUT", BodyText.response(schema, body), body);
    }

    private Future<PolicyOutcome> judge(GuardCalls calls, String source, List<TextSlot> slots, ObjectNode body) {
        String phase = source.equals("INPUT") ? "request" : "response";
        if (unavailable.isPresent()) return Future.succeededFuture(CloudGuard.notConfigured("bedrockGuardrails", unavailable.get()));
        if (slots.isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        ObjectNode payload = JSON.createObjectNode().put("source", source);
        ArrayNode content = payload.putArray("content");
        for (TextSlot s : slots) content.addObject().putObject("text").put("text", s.text());
        byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
        String path = "/guardrail/" + UrlParts.segment(identifier) + "/version/" + UrlParts.segment(version) + "/apply";
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        try {
            SigV4.sign(host, port, true, path, bytes, SigV4.identity(credential, "the bedrockGuardrails guard"), "bedrock", region)
                    .forEach(h::set);
        } catch (ProviderException e) {
            return Future.succeededFuture(CloudGuard.notConfigured("bedrockGuardrails", e.getMessage()));
        }
        h.set("content-type", "application/json").set("accept", "application/json");
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(true)
                .setURI(path).setHeaders(h).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
        String where = "Bedrock guardrail " + identifier + " version " + version + " (" + host + ")";
        return calls.post(true, ro, Buffer.buffer(bytes), TIMEOUT_MS).transform(ar -> Future.succeededFuture(ar.failed()
                ? CloudGuard.down(where, phase, GuardCalls.describeService(ar.cause(), TIMEOUT_MS))
                : verdict(ar.result(), slots, body, where, phase)));
    }

    private PolicyOutcome verdict(JsonNode reply, List<TextSlot> slots, ObjectNode body, String where, String phase) {
        String action = reply.path("action").asText("");
        if (action.equals("NONE")) return new PolicyOutcome.Continue(body);
        if (!action.equals("GUARDRAIL_INTERVENED")) {
            return CloudGuard.down(where, phase, "answered action " + (action.isEmpty() ? "(none)" : action)
                    + ", not NONE or GUARDRAIL_INTERVENED");
        }
        String reason = reply.path("actionReason").asText("guardrail intervened");
        JsonNode assessments = reply.path("assessments");
        boolean blocked = hasAction(assessments, "BLOCKED");
        JsonNode outputs = reply.path("outputs");
        if (!blocked && hasAction(assessments, "ANONYMIZED") && outputs.size() == slots.size()) {
            // Every mask first: an output without its text must not let that text through unmasked.
            for (JsonNode o : outputs) {
                if (!o.path("text").isTextual()) return CloudGuard.down(where, phase, "answered an anonymised output without its text");
            }
            for (int i = 0; i < slots.size(); i++) {
                String masked = outputs.get(i).path("text").asText();
                if (!masked.equals(slots.get(i).text())) slots.get(i).set(masked);
            }
            return new PolicyOutcome.Continue(body);
        }
        return new PolicyOutcome.Reject(answer.statusCode(), answer.message(), "bedrock guardrail " + identifier
                + " " + (blocked ? "blocked" : "intervened") + " the " + phase + ": " + reason);
    }

    /** Whether any object under {@code node} says {@code "action": action} (assessments nest per policy). */
    private static boolean hasAction(JsonNode node, String action) {
        if (node.isObject()) {
            if (action.equals(node.path("action").asText(null))) return true;
            for (JsonNode v : node) if (hasAction(v, action)) return true;
        } else if (node.isArray()) {
            for (JsonNode v : node) if (hasAction(v, action)) return true;
        }
        return false;
    }

    @Override
    public String describe() {
        return "bedrockGuardrails " + identifier + "/" + version + " @" + region + (roles.isEmpty() ? "" : " " + roles);
    }

    @Override
    public String toString() {
        return "BedrockGuardrail[" + describe() + "]";
    }
}

package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.provider.Credential;
import dev.aigw.provider.ProviderException;
import dev.aigw.provider.UrlParts;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

import static dev.aigw.policy.GuardCalls.JSON;

/**
 * Google Cloud Model Armor as a prompt guard: {@code POST
 * https://modelarmor.{location}.rep.googleapis.com/v1/projects/{p}/locations/{l}/templates/{t}:sanitizeUserPrompt}
 * with {@code {"userPromptData":{"text":...}}} (the request's texts joined by newlines, as
 * agentgateway sends them), or {@code :sanitizeModelResponse} with
 * {@code {"modelResponseData":{"text":...}}}; an OAuth2 access token as the bearer. A
 * {@code sanitizationResult.filterMatchState} of {@code MATCH_FOUND}, or any filter result whose
 * {@code matchState} is, rejects with {@link #answer}; Model Armor never masks here.
 */
public record ModelArmorGuard(String templateId, String projectId, String location, String host, int port,
                              CustomResponse answer, Credential credential, Optional<String> unavailable) implements CloudGuard {

    @Override
    public Future<PolicyOutcome> judgeRequest(GuardCalls calls, Schema schema, ObjectNode body) {
        return judge(calls, "sanitizeUserPrompt", "userPromptData", BodyText.request(schema, body), body, "request");
    }

    @Override
    public Future<PolicyOutcome> judgeResponse(GuardCalls calls, Schema schema, ObjectNode body) {
        return judge(calls, "sanitizeModelResponse", "modelResponseData", BodyText.response(schema, body), body, "response");
    }

    private static String joined(List<TextSlot> slots) {
        StringJoiner j = new StringJoiner("\n");
        for (TextSlot s : slots) j.add(s.text());
        return j.toString();
    }

    /** {@code field}: where the method takes its text ({@code userPromptData} or {@code modelResponseData}). */
    private Future<PolicyOutcome> judge(GuardCalls calls, String method, String field, List<TextSlot> slots, ObjectNode body,
                                        String phase) {
        if (unavailable.isPresent()) return Future.succeededFuture(CloudGuard.notConfigured("googleModelArmor", unavailable.get()));
        if (slots.isEmpty()) return Future.succeededFuture(new PolicyOutcome.Continue(body));
        ObjectNode payload = JSON.createObjectNode();
        payload.putObject(field).put("text", joined(slots));
        if (!(credential instanceof Credential.GoogleOAuth google)) {
            return Future.succeededFuture(CloudGuard.notConfigured("googleModelArmor", "no Google credential"));
        }
        String token;
        try {
            token = google.tokens().current();
        } catch (ProviderException e) {
            return Future.succeededFuture(CloudGuard.down("Model Armor template " + templateId, phase, e.getMessage()));
        }
        String path = "/v1/projects/" + UrlParts.segment(projectId) + "/locations/" + UrlParts.segment(location)
                + "/templates/" + UrlParts.segment(templateId) + ":" + method;
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("content-type", "application/json")
                .set("authorization", "Bearer " + token);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(true)
                .setURI(path).setHeaders(h).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS);
        String where = "Model Armor template " + templateId + " (" + host + ")";
        return calls.post(true, ro, Buffer.buffer(payload.toString()), TIMEOUT_MS).transform(ar -> {
            if (ar.failed()) return Future.succeededFuture(CloudGuard.down(where, phase, GuardCalls.describeService(ar.cause(), TIMEOUT_MS)));
            JsonNode result = ar.result().get("sanitizationResult");
            if (result == null || !result.isObject()) {
                return Future.succeededFuture(CloudGuard.down(where, phase, "answered without a sanitizationResult"));
            }
            boolean match = "MATCH_FOUND".equals(result.path("filterMatchState").asText())
                    || matchFound(result.path("filterResults"));
            return Future.succeededFuture(match
                    ? new PolicyOutcome.Reject(answer.statusCode(), answer.message(), "model armor template " + templateId
                    + " found a match in the " + phase)
                    : new PolicyOutcome.Continue(body));
        });
    }

    /** Any {@code matchState: MATCH_FOUND} among the filter results (a map or a list, filters nest their results). */
    private static boolean matchFound(JsonNode node) {
        if (node.isObject() && "MATCH_FOUND".equals(node.path("matchState").asText(null))) return true;
        if (node.isContainerNode()) for (JsonNode v : node) if (matchFound(v)) return true;
        return false;
    }

    @Override
    public String describe() {
        return "googleModelArmor " + projectId + "/" + location + "/" + templateId;
    }

    @Override
    public String toString() {
        return "ModelArmorGuard[" + describe() + "]";
    }
}

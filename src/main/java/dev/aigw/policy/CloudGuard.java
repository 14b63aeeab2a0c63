package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.translate.Schema;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * A cloud guardrail service of agentgateway's {@code promptGuard} (Bedrock Guardrails, Model
 * Armor), compiled with its credential: it judges the texts of a request or of a whole response
 * (a stream's held text, see {@link HeldStream}) and answers Continue (the body, perhaps masked) or
 * Reject with its own {@code response}. A service that cannot be used fails closed: 503, and 500
 * when its credential never resolved ({@code unavailable}).
 */
public sealed interface CloudGuard permits BedrockGuardrail, ModelArmorGuard {
    long TIMEOUT_MS = 10_000;

    /** The answer on a match: agentgateway's {@code response {message, statusCode}}. */
    CustomResponse answer();

    /** Why it cannot be called (a credential that did not resolve); requests it guards get 500. */
    Optional<String> unavailable();

    Future<PolicyOutcome> judgeRequest(GuardCalls calls, Schema schema, ObjectNode body);

    Future<PolicyOutcome> judgeResponse(GuardCalls calls, Schema schema, ObjectNode body);

    /** One phrase for {@code /routes}. */
    String describe();

    /** The 503 of a service that failed, for a {@code phase} ("request" or "response"). */
    static PolicyOutcome down(String where, String phase, String why) {
        org.slf4j.LoggerFactory.getLogger(CloudGuard.class).warn("{} failed ({}); failing closed", where, why);
        return new PolicyOutcome.Reject(503, "The " + where + " could not be used (" + why + "), so the " + phase
                + " was not " + (phase.equals("request") ? "forwarded" : "returned") + ".", where + ": " + why);
    }

    static PolicyOutcome notConfigured(String guard, String why) {
        return new PolicyOutcome.Reject(500, "The " + guard + " guard is not configured: " + why, guard + " unavailable");
    }
}

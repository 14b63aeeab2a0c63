package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;

/**
 * A {@link PolicyOutcome.Reject} as the client's API writes errors:
 * <ul>
 * <li>OpenAI: {@code {"error":{"message","type","param":null,"code"}}} (code {@code content_policy_violation}
 * for 4xx, the webhook/moderation failures use type {@code server_error});</li>
 * <li>Anthropic: {@code {"type":"error","error":{"type","message"}}};</li>
 * <li>Gemini: {@code {"error":{"code","message","status"}}}.</li>
 * </ul>
 * Send with the reject's status and {@code content-type: application/json}.
 */
public final class Rejections {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Rejections() {
    }

    /** {@code schema} null (a provider-native body) answers in OpenAI's shape. */
    public static ObjectNode body(Schema schema, PolicyOutcome.Reject r) {
        int status = r.status();
        ObjectNode root = F.objectNode();
        switch (schema == null ? Schema.OPENAI_CHAT : schema) {
            case OPENAI_CHAT, OPENAI_RESPONSES, OPENAI_EMBEDDINGS -> {
                ObjectNode e = root.putObject("error");
                e.put("message", r.message());
                e.put("type", status >= 500 ? "server_error" : "invalid_request_error");
                e.putNull("param");
                e.put("code", status >= 500 ? "guardrail_unavailable" : "content_policy_violation");
            }
            case ANTHROPIC_MESSAGES -> {
                root.put("type", "error");
                ObjectNode e = root.putObject("error");
                e.put("type", switch (status) {
                    case 400, 422 -> "invalid_request_error";
                    case 401 -> "authentication_error";
                    case 403 -> "permission_error";
                    case 404 -> "not_found_error";
                    case 413 -> "request_too_large";
                    case 429 -> "rate_limit_error";
                    case 503, 529 -> "overloaded_error";
                    case 504 -> "timeout_error";
                    default -> status >= 500 ? "api_error" : "invalid_request_error";
                });
                e.put("message", r.message());
            }
            case GEMINI_GENERATE -> {
                ObjectNode e = root.putObject("error");
                e.put("code", status);
                e.put("message", r.message());
                e.put("status", switch (status) {
                    case 400, 422 -> "INVALID_ARGUMENT";
                    case 401 -> "UNAUTHENTICATED";
                    case 403 -> "PERMISSION_DENIED";
                    case 404 -> "NOT_FOUND";
                    case 409 -> "ABORTED";
                    case 429 -> "RESOURCE_EXHAUSTED";
                    case 499 -> "CANCELLED";
                    case 501 -> "UNIMPLEMENTED";
                    case 503 -> "UNAVAILABLE";
                    case 504 -> "DEADLINE_EXCEEDED";
                    default -> status >= 500 ? "INTERNAL" : status >= 400 ? "FAILED_PRECONDITION" : "OK";
                });
            }
        }
        return root;
    }
}

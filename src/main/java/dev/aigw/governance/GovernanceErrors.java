package dev.aigw.governance;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;

/**
 * Refusals (401, 403, 429, 500) in the client's own API format: OpenAI
 * {@code {"error":{"message","type","param","code"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}, Gemini {@code {"error":{"code","message","status"}}}.
 * The message never carries a credential.
 */
public final class GovernanceErrors {
    private GovernanceErrors() {
    }

    public static ObjectNode body(Schema schema, int status, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        switch (schema == null ? Schema.OPENAI_CHAT : schema) {
            case ANTHROPIC_MESSAGES -> {
                root.put("type", "error");
                root.putObject("error").put("type", switch (status) {
                    case 401 -> "authentication_error";
                    case 403 -> "permission_error";
                    case 429 -> "rate_limit_error";
                    default -> "api_error";
                }).put("message", message);
            }
            case GEMINI_GENERATE -> root.putObject("error").put("code", status).put("message", message).put("status", switch (status) {
                case 401 -> "UNAUTHENTICATED";
                case 403 -> "PERMISSION_DENIED";
                case 429 -> "RESOURCE_EXHAUSTED";
                default -> "INTERNAL";
            });
            default -> {
                ObjectNode e = root.putObject("error");
                e.put("message", message);
                e.put("type", switch (status) {
                    case 401 -> "authentication_error";
                    case 403 -> "permission_error";
                    case 429 -> "rate_limit_error";
                    default -> "server_error";
                });
                e.putNull("param");
                e.put("code", switch (status) {
                    case 401 -> "invalid_api_key";
                    case 403 -> "permission_denied";
                    case 429 -> message.startsWith("budget exceeded") ? "budget_exceeded" : "rate_limit_exceeded";
                    default -> "rate_limit_unavailable";
                });
            }
        }
        return root;
    }
}

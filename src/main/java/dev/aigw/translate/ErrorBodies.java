package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Error body shapes and status-to-type tables of each schema. */
final class ErrorBodies {
    private ErrorBodies() {
    }

    /** OpenAI: {@code {"error":{"message","type","param","code"}}}. */
    static ObjectNode openAi(String message, String type, String param, String code) {
        ObjectNode root = Json.obj();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root;
    }

    /** Anthropic: {@code {"type":"error","error":{"type","message"}}}. */
    static ObjectNode anthropic(String type, String message) {
        ObjectNode root = Json.obj();
        root.put("type", "error");
        ObjectNode e = root.putObject("error");
        e.put("type", type);
        e.put("message", message);
        return root;
    }

    static String anthropicTypeForStatus(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402, 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** OpenAI error type; its SDKs branch on status, so the type is informational. */
    static String openAiTypeForStatus(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** First non-blank message found in the usual places, else a generic one. */
    static String message(JsonNode upstream, int status) {
        if (upstream != null) {
            JsonNode err = upstream.path("error");
            if (err.isTextual() && !err.asText().isBlank()) {
                return err.asText();
            }
            for (JsonNode n : new JsonNode[] {err.path("message"), upstream.path("message")}) {
                if (n.isTextual() && !n.asText().isBlank()) {
                    return n.asText();
                }
            }
        }
        return "upstream returned HTTP " + status;
    }
}

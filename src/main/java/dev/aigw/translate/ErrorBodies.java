package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Error body shapes of each format and the one status-to-type table per format (Anthropic types,
 * google.rpc code names, OpenAI types): every codec, policy rejection and gateway error uses these.
 */
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

    /** Gemini (google.rpc.Status): {@code {"error":{"code","message","status"}}}. */
    static ObjectNode gemini(int code, String message, String status) {
        ObjectNode root = Json.obj();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        e.put("status", status);
        return root;
    }

    /** The google.rpc.Code name Google APIs send with each HTTP status. */
    static String geminiStatusForCode(int status) {
        return switch (status) {
            case 400, 413, 422 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 402, 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 412 -> "FAILED_PRECONDITION";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503, 529 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
        };
    }

    static String anthropicTypeForStatus(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402, 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error"; // Bedrock's model timeout
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            case 424 -> "api_error"; // Bedrock's model error: the model failed, not the request
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The status an Anthropic error type stands for, for error events that come after the 200. */
    static int statusForAnthropicType(String type) {
        return switch (type) {
            case "overloaded_error" -> 503;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            default -> 500;
        };
    }

    /** OpenAI error type; its SDKs branch on status, so the type is informational. */
    static String openAiTypeForStatus(int status) {
        return switch (status) {
            case 408, 424 -> "server_error"; // Bedrock's model timeout and model error
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

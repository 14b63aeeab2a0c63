package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Errors the gateway makes itself (no route, bad JSON, unreachable provider, timeout, limits),
 * in the client's own API format: the body before a response head, and the stream event after
 * one. Anthropic and Gemini bodies come from their {@link ClientCodec}'s {@code encodeError} (with
 * the status tables of {@link ErrorBodies}); OpenAI's keeps the gateway's own code as its type.
 *
 * <ul>
 *   <li>OpenAI (and clients in no known format): {@code {"error":{"message","type","param","code"}}},
 *       where {@code type} is the gateway's own code ({@code bad_gateway}, {@code gateway_timeout}, …)
 *       and {@code code} the HTTP status, as the gateway has always answered;</li>
 *   <li>Anthropic: {@code {"type":"error","error":{"type","message"}}} with Anthropic's error types;</li>
 *   <li>Gemini: {@code {"error":{"code","message","status"}}} with the google.rpc status names.</li>
 * </ul>
 * In a stream, OpenAI and Anthropic get an {@code event: error} whose data is that body (both
 * SDKs raise it as an error); Gemini streams carry the body as a plain {@code data:} line, which
 * is how Google's API reports a failure mid-stream.
 */
public final class GatewayErrors {
    private GatewayErrors() {
    }

    /**
     * The error body for a client speaking {@code schema} (null: a client in no known format).
     *
     * @param code the gateway's own error code, e.g. {@code bad_gateway}; shown to OpenAI clients
     */
    public static ObjectNode body(Schema schema, int status, String code, String message) {
        if (schema == Schema.ANTHROPIC_MESSAGES || schema == Schema.GEMINI_GENERATE) {
            // Through the client codec, which owns its format's error shape and status table.
            ClientCodec codec = Translators.client(schema).orElseThrow();
            return codec.encodeError(dev.aigw.translate.canonical.ChatError.of(status, message)).body();
        }
        ObjectNode root = Json.obj();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", code);
        e.putNull("param");
        e.put("code", status);
        return root;
    }

    /** The stream event carrying {@code errorBody} (already in the client's format) for a stream in {@code schema}. */
    public static String streamEvent(Schema schema, ObjectNode errorBody) {
        if (schema == Schema.GEMINI_GENERATE) return "data: " + errorBody + "\n\n";
        return "event: error\ndata: " + errorBody + "\n\n";
    }
}

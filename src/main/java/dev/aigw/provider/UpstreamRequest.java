package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The request to send to a provider: where, which path and query, which headers to set (the
 * credential among them), and the body. {@code toString} leaves the headers out: they hold keys.
 */
public record UpstreamRequest(String host, int port, boolean tls, String pathAndQuery, Map<String, String> headers,
                              ObjectNode body, boolean streaming, byte[] encoded) {

    public UpstreamRequest(String host, int port, boolean tls, String pathAndQuery, Map<String, String> headers,
                           ObjectNode body, boolean streaming) {
        this(host, port, tls, pathAndQuery, headers, body, streaming, null);
    }

    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER =
            new com.fasterxml.jackson.databind.ObjectMapper().writer();

    /** The body as sent: the bytes a signature covers when the provider signed it, else {@code body} serialized. */
    public byte[] bytes() {
        if (encoded != null) return encoded;
        try {
            return WRITER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "UpstreamRequest[" + (tls ? "https" : "http") + "://" + host + ":" + port + pathAndQuery + "]";
    }
}

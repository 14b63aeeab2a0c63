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

    /** The body as sent: the bytes a signature covers when the provider signed it, else {@code body} serialized. */
    public byte[] bytes() {
        return encoded != null ? encoded : body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "UpstreamRequest[" + (tls ? "https" : "http") + "://" + host + ":" + port + pathAndQuery + "]";
    }
}

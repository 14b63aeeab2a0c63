package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a provider needs to know of the client's request: its path and query, a header lookup,
 * and the parsed JSON body (already copied: a provider may change it). {@code forceStream} is set
 * when a translated request must stream though the client's path does not say so. {@code wire}
 * is the API the body is in when it is not the provider's chat format: the Responses API (for
 * providers that serve it natively) or embeddings (the provider's own embedding API); empty for
 * the provider's native generation format.
 */
public record ClientCall(String method, String path, Map<String, List<String>> query,
                         Function<String, String> header, ObjectNode body, boolean forceStream,
                         java.util.Optional<dev.aigw.translate.Schema> wire) {

    public ClientCall(String method, String path, Map<String, List<String>> query, Function<String, String> header,
                      ObjectNode body, boolean forceStream) {
        this(method, path, query, header, body, forceStream, java.util.Optional.empty());
    }

    public boolean embeddings() {
        return wire.filter(w -> w == dev.aigw.translate.Schema.OPENAI_EMBEDDINGS).isPresent();
    }

    public boolean responses() {
        return wire.filter(w -> w == dev.aigw.translate.Schema.OPENAI_RESPONSES).isPresent();
    }

    public ClientCall(String method, String path, Map<String, List<String>> query, Function<String, String> header,
                      ObjectNode body) {
        this(method, path, query, header, body, false);
    }

    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The client's bearer token (for Passthrough): {@code Authorization} minus {@code Bearer }. */
    public String clientToken(String providerHeader) {
        String auth = header.apply("authorization");
        if (auth != null && !auth.isBlank()) return Providers.stripBearer(auth);
        for (String h : new String[]{providerHeader, "x-api-key", "api-key", "x-goog-api-key"}) {
            String v = h == null ? null : header.apply(h);
            if (v != null && !v.isBlank()) return Providers.stripBearer(v);
        }
        String key = queryParam("key");
        return key == null || key.isBlank() ? null : key;
    }
}

package dev.aigw.provider;

import java.util.Map;
import java.util.StringJoiner;

/**
 * The rest of a provider's API (files, batches, images, audio, moderations, models, token
 * counts), forwarded as the client sent it: the path below the route's prefix and the query go
 * to the provider's host, the Backend's credential replaces the client's. No body is looked at.
 */
public final class ApiPassthrough {
    private ApiPassthrough() {
    }

    /**
     * The request head to send: {@code path} is relative to the provider's API root (the route's
     * prefix removed), {@code rawQuery} as the client sent it (may be null). The body is the caller's.
     */
    public static UpstreamRequest prepare(Provider p, String path, String rawQuery, ClientCall call) throws ProviderException {
        Target t = switch (p) {
            case BedrockProvider b -> throw new ProviderException(501, "not_implemented", "Bedrock requests are signed "
                    + "over their body, so its other endpoints are not passed through; use a Static backend with your own signing");
            case MockProvider m -> throw new ProviderException(404, "not_found", "the mock provider serves only "
                    + "generation, not " + path);
            case OpenAiProvider o -> o.target();
            case AzureOpenAiProvider a -> a.target();
            case AnthropicProvider a -> a.target();
            case GeminiProvider g -> g.target();
            case VertexAiProvider v -> v.target();
        };
        Map<String, String> headers = Providers.authHeaders(t, call);
        if (p instanceof AnthropicProvider a) {
            String v = call.header().apply("anthropic-version");
            headers.put("anthropic-version", a.spec().apiVersion()
                    .orElse(v == null || v.isBlank() ? AnthropicProvider.DEFAULT_VERSION : v));
        }
        String query = withoutKey(rawQuery);
        String pathAndQuery = (path.isEmpty() ? "/" : path) + (query.isEmpty() ? "" : "?" + query);
        return new UpstreamRequest(t.host(), t.port(), t.tls(), pathAndQuery, headers, null, false);
    }

    /** The client's query minus {@code key=} (Gemini's API key parameter): the Backend's credential goes in a header. */
    static String withoutKey(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        StringJoiner j = new StringJoiner("&");
        for (String kv : rawQuery.split("&")) {
            if (kv.equals("key") || kv.startsWith("key=")) continue;
            if (!kv.isEmpty()) j.add(kv);
        }
        return j.toString();
    }
}

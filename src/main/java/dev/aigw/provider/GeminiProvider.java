package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.Optional;

/**
 * Google Gemini (Generative Language API): the model is in the path, the key in
 * {@code x-goog-api-key} (not {@code ?key=}, which would put it in URLs and logs).
 */
public record GeminiProvider(String name, BackendResource.Gemini spec, Target target) implements Provider {
    public String kind() {
        return "gemini";
    }

    public Optional<String> model() {
        return Optional.of(spec.model());
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        if (call.embeddings()) {
            return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.embeddingsPath(target,
                    "/" + UrlParts.segment(spec.apiVersion()) + "/models/" + UrlParts.segment(spec.model()) + ":batchEmbedContents", call),
                    Providers.authHeaders(target, call), body, false);
        }
        boolean stream = wantsStream(call);
        String path = "/" + UrlParts.segment(spec.apiVersion()) + "/models/" + UrlParts.segment(spec.model())
                + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.streamingPath(target, path, stream),
                Providers.authHeaders(target, call), body, stream);
    }

    /** Gemini streams on another path: chosen by the client's path, {@code alt=sse}, or a translated request that streams. */
    static boolean wantsStream(ClientCall call) {
        return call.forceStream() || call.path().endsWith(":streamGenerateContent") || "sse".equals(call.queryParam("alt"));
    }
}

package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.Optional;

/**
 * Vertex AI: Gemini models by {@code :generateContent}; Claude models ({@code publisher: ANTHROPIC})
 * by {@code :rawPredict} with an Anthropic body whose version is {@code vertex-2023-10-16}.
 */
public record VertexAiProvider(String name, BackendResource.VertexAi spec, Target target) implements Provider {
    static final String ANTHROPIC_VERTEX_VERSION = "vertex-2023-10-16";

    public String kind() {
        return "vertexai";
    }

    public Optional<String> model() {
        return Optional.of(spec.model());
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        String base = "/" + UrlParts.segment(spec.apiVersion()) + "/projects/" + UrlParts.segment(spec.projectId())
                + "/locations/" + UrlParts.segment(spec.location())
                + "/publishers/";
        boolean stream;
        String path;
        if (call.embeddings()) {
            // Text-embedding models answer predict; the publisher is Google whatever the Backend's chat models are.
            return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.embeddingsPath(target,
                    base + "google/models/" + UrlParts.segment(spec.model()) + ":predict", call), Providers.authHeaders(target, call), body, false);
        }
        if (spec.publisher().equals("ANTHROPIC")) {
            stream = Providers.streamFlag(body);
            body.remove("model");
            if (!body.has("anthropic_version")) body.put("anthropic_version", ANTHROPIC_VERTEX_VERSION);
            path = base + "anthropic/models/" + UrlParts.segment(spec.model()) + (stream ? ":streamRawPredict" : ":rawPredict");
        } else {
            stream = GeminiProvider.wantsStream(call);
            path = base + "google/models/" + UrlParts.segment(spec.model())
                    + (stream ? ":streamGenerateContent?alt=sse" : ":" + UrlParts.segment(spec.modelPath()));
        }
        return new UpstreamRequest(target.host(), target.port(), target.tls(),
                spec.publisher().equals("ANTHROPIC") ? Providers.path(target, path) : Providers.streamingPath(target, path, stream),
                Providers.authHeaders(target, call), body, stream);
    }
}

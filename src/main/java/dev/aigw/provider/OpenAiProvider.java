package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.Optional;

/**
 * OpenAI Chat Completions, the Responses API and embeddings, and every OpenAI-compatible server
 * reached through a host override.
 */
public record OpenAiProvider(String name, BackendResource.OpenAi spec, Target target) implements Provider {
    public String kind() {
        return "openai";
    }

    public Optional<String> model() {
        return spec.model();
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        spec.model().ifPresent(m -> body.put("model", m));
        if (!body.path("model").isTextual()) {
            throw new ProviderException(400, "invalid_request_error",
                    "the request has no \"model\" and the Backend does not set one");
        }
        String path = call.embeddings() ? Providers.embeddingsPath(target, "/v1/embeddings", call)
                : Providers.path(target, call.responses() ? "/v1/responses" : "/v1/chat/completions", call);
        return new UpstreamRequest(target.host(), target.port(), target.tls(), path,
                Providers.authHeaders(target, call), body, Providers.streamFlag(body));
    }

    /**
     * Whether Responses requests pass through: OpenAI itself, a server whose path override is a
     * Responses path, or one addressed at the client's own paths (agentgateway's host without a
     * path). A host override without either is an OpenAI-compatible server that may have only
     * Chat Completions: Responses requests are translated to Chat for it.
     */
    public boolean servesResponses() {
        if (target.upstream().keepClientPath() && target.pathOverride().isEmpty()) return true;
        return target.pathOverride().map(p -> p.endsWith("/responses")).orElse(target.host().equals("api.openai.com"));
    }
}

package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.Optional;

/** OpenAI Chat Completions, and every OpenAI-compatible server reached through a host override. */
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
        return new UpstreamRequest(target.host(), target.port(), target.tls(),
                Providers.path(target, "/v1/chat/completions", call), Providers.authHeaders(target, call), body,
                Providers.streamFlag(body));
    }
}

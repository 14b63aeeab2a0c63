package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.Map;
import java.util.Optional;

/** Anthropic Messages: {@code x-api-key} and an {@code anthropic-version} header. */
public record AnthropicProvider(String name, BackendResource.Anthropic spec, Target target) implements Provider {
    public static final String DEFAULT_VERSION = "2023-06-01";

    public String kind() {
        return "anthropic";
    }

    public Optional<String> model() {
        return spec.model();
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        spec.model().ifPresent(m -> body.put("model", m));
        Map<String, String> headers = Providers.authHeaders(target, call);
        String clientVersion = call.header().apply("anthropic-version");
        headers.put("anthropic-version", spec.apiVersion()
                .orElse(clientVersion == null || clientVersion.isBlank() ? DEFAULT_VERSION : clientVersion));
        String path = call.path().endsWith("/count_tokens") ? "/v1/messages/count_tokens" : "/v1/messages";
        return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.path(target, path, call),
                headers, body, Providers.streamFlag(body));
    }
}

package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Azure OpenAI: the deployment in the path selects the model; the key goes in {@code api-key}. */
public record AzureOpenAiProvider(String name, BackendResource.AzureOpenAi spec, Target target) implements Provider {
    public String kind() {
        return "azureopenai";
    }

    public Optional<String> model() {
        return Optional.of(spec.deploymentName());
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        String path = "/openai/deployments/" + UrlParts.segment(spec.deploymentName())
                + "/chat/completions?api-version=" + URLEncoder.encode(spec.apiVersion(), StandardCharsets.UTF_8);
        return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.path(target, path),
                Providers.authHeaders(target, call), body, Providers.streamFlag(body));
    }
}

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
        String deployment = "/openai/deployments/" + UrlParts.segment(spec.deploymentName());
        String version = "?api-version=" + URLEncoder.encode(spec.apiVersion(), StandardCharsets.UTF_8);
        if (call.responses()) {
            // The v1 Responses API names the deployment in the body, not the path.
            body.put("model", spec.deploymentName());
            return new UpstreamRequest(target.host(), target.port(), target.tls(),
                    Providers.path(target, "/openai/v1/responses"), Providers.authHeaders(target, call), body,
                    Providers.streamFlag(body));
        }
        if (call.embeddings()) {
            return new UpstreamRequest(target.host(), target.port(), target.tls(),
                    Providers.embeddingsPath(target, deployment + "/embeddings" + version, call),
                    Providers.authHeaders(target, call), body, false);
        }
        String path = deployment + "/chat/completions" + version;
        return new UpstreamRequest(target.host(), target.port(), target.tls(), Providers.path(target, path),
                Providers.authHeaders(target, call), body, Providers.streamFlag(body));
    }
}

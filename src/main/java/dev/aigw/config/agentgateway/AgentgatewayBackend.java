package dev.aigw.config.agentgateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.aigw.config.RawJson;
import dev.aigw.config.Location;
import dev.aigw.config.ResourceKey;

import java.util.List;
import java.util.Optional;

/** An {@code AgentgatewayBackend} (agentgateway.dev/v1alpha1), bound and validated. */
public record AgentgatewayBackend(ResourceKey key, Spec spec, Location location) {

    /** Exactly one of {@code ai}, {@code static}, {@code dynamicForwardProxy}, {@code mcp}, {@code aws}, {@code a2a}; plus {@code policies}. */
    public record Spec(Optional<Ai> ai, @JsonProperty("static") Optional<StaticBackend> staticBackend, Optional<RawJson> dynamicForwardProxy,
                       Optional<RawJson> mcp, Optional<RawJson> aws, Optional<RawJson> a2a,
                       Optional<BackendPolicies> policies) {
    }

    /** Exactly one of {@code provider} or {@code groups} (priority order, failover). */
    public record Ai(Optional<Provider> provider, List<Group> groups) {
    }

    public record Group(List<NamedProvider> providers) {
    }

    public record StaticBackend(Optional<String> host, Optional<Integer> port, Optional<String> unixPath) {
    }

    /** {@code LLMProvider}: exactly one provider block, and the upstream overrides. */
    public record Provider(Optional<OpenAi> openai, Optional<AzureOpenAi> azureopenai, Optional<Azure> azure,
                           Optional<ModelOnly> anthropic, Optional<ModelOnly> gemini, Optional<VertexAi> vertexai,
                           Optional<Bedrock> bedrock, Optional<Custom> custom, Optional<String> host,
                           Optional<Integer> port, Optional<String> path, Optional<String> pathPrefix) {

        public List<String> kinds() {
            List<String> out = new java.util.ArrayList<>();
            if (openai.isPresent()) out.add("openai");
            if (azureopenai.isPresent()) out.add("azureopenai");
            if (azure.isPresent()) out.add("azure");
            if (anthropic.isPresent()) out.add("anthropic");
            if (gemini.isPresent()) out.add("gemini");
            if (vertexai.isPresent()) out.add("vertexai");
            if (bedrock.isPresent()) out.add("bedrock");
            if (custom.isPresent()) out.add("custom");
            return out;
        }
    }

    /** A failover group's provider: the provider fields, a required {@code name}, and its own {@code policies}. */
    public record NamedProvider(String name, Optional<BackendPolicies> policies, Optional<OpenAi> openai,
                                Optional<AzureOpenAi> azureopenai, Optional<Azure> azure,
                                Optional<ModelOnly> anthropic, Optional<ModelOnly> gemini,
                                Optional<VertexAi> vertexai, Optional<Bedrock> bedrock, Optional<Custom> custom,
                                Optional<String> host, Optional<Integer> port, Optional<String> path,
                                Optional<String> pathPrefix) {

        public Provider provider() {
            return new Provider(openai, azureopenai, azure, anthropic, gemini, vertexai, bedrock, custom, host, port,
                    path, pathPrefix);
        }
    }

    public record OpenAi(Optional<String> model, Optional<RawJson> moderation) {
    }

    public record ModelOnly(Optional<String> model) {
    }

    /** kgateway 2.2's spelling: {@code endpoint} (scheme stripped), {@code deploymentName}, {@code apiVersion} (default v1). */
    public record AzureOpenAi(String endpoint, Optional<String> deploymentName, Optional<String> apiVersion) {
    }

    public enum AzureResourceType { OpenAI, Foundry }

    public record Azure(String resourceName, AzureResourceType resourceType, Optional<String> apiVersion,
                        Optional<String> projectName, Optional<String> model) {
    }

    /** {@code region} defaults to {@code global}. */
    public record VertexAi(String projectId, Optional<String> region, Optional<String> model) {
    }

    /** {@code region} defaults to {@code us-east-1}. */
    public record Bedrock(Optional<String> region, Optional<String> model, Optional<Guardrail> guardrail) {
    }

    public record Guardrail(String identifier, String version) {
    }

    public record Custom(Optional<Refs.BackendObjectRef> backendRef, Optional<String> host, Optional<Integer> port,
                         List<Format> formats, Optional<String> model) {
    }

    public enum FormatType { Completions, Messages, Responses, Embeddings, AnthropicTokenCount, Realtime, Rerank }

    public record Format(FormatType type, Optional<String> path) {
    }
}

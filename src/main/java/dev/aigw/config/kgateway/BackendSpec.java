package dev.aigw.config.kgateway;

import dev.aigw.config.RawJson;

import java.util.List;
import java.util.Optional;

/** kgateway {@code Backend.spec}: {@code type: AI} or {@code type: Static}. */
public record BackendSpec(Optional<String> type, Optional<Ai> ai, @com.fasterxml.jackson.annotation.JsonProperty("static")
                          Optional<Static> staticHosts) {

    /**
     * Exactly one of {@code llm} (one provider), {@code multipool} (2.0) or {@code priorityGroups}
     * (2.1). {@code routes}: agentgateway's path suffix → route type map, an extension here.
     */
    public record Ai(Optional<Llm> llm, Optional<Multipool> multipool, List<PriorityGroup> priorityGroups,
                     java.util.Map<String, String> routes) {
    }

    public record Multipool(List<Priority> priorities) {
    }

    public record Priority(List<Llm> pool) {
    }

    public record PriorityGroup(List<Llm> providers) {
    }

    /**
     * One provider: 2.0 nests it under {@code provider} with {@code hostOverride},
     * {@code pathOverride}, {@code authHeaderOverride}; 2.1 writes it directly with {@code host},
     * {@code port}, {@code path}, {@code authHeader}. {@code hostOverride} and {@code path} take a
     * string or a mapping.
     */
    public record Llm(Optional<Providers> provider, Optional<OpenAi> openai, Optional<AzureOpenAi> azureopenai,
                      Optional<Anthropic> anthropic, Optional<Gemini> gemini, Optional<VertexAi> vertexai,
                      Optional<Bedrock> bedrock, Optional<Mock> mock, Optional<RawJson> hostOverride,
                      Optional<RawJson> pathOverride, Optional<AuthHeader> authHeaderOverride, Optional<String> host,
                      Optional<RawJson> port, Optional<RawJson> path, Optional<AuthHeader> authHeader,
                      Optional<String> name) {
    }

    public record Providers(Optional<OpenAi> openai, Optional<AzureOpenAi> azureopenai, Optional<Anthropic> anthropic,
                            Optional<Gemini> gemini, Optional<VertexAi> vertexai, Optional<Bedrock> bedrock,
                            Optional<Mock> mock) {
    }

    public record AuthHeader(Optional<String> headerName, Optional<String> prefix) {
    }

    public record AuthToken(Optional<String> kind, Optional<String> inline, Optional<SecretRef> secretRef) {
    }

    public record SecretRef(Optional<String> name, Optional<String> namespace) {
    }

    public record OpenAi(Optional<AuthToken> authToken, Optional<String> model) {
    }

    public record AzureOpenAi(Optional<AuthToken> authToken, Optional<String> endpoint,
                              Optional<String> deploymentName, Optional<String> apiVersion) {
    }

    public record Anthropic(Optional<AuthToken> authToken, Optional<String> model, Optional<String> apiVersion) {
    }

    public record Gemini(Optional<AuthToken> authToken, Optional<String> model, Optional<String> apiVersion) {
    }

    public record VertexAi(Optional<AuthToken> authToken, Optional<String> model, Optional<String> apiVersion,
                           Optional<String> projectId, Optional<String> location, Optional<String> modelPath,
                           Optional<String> publisher) {
    }

    public record Bedrock(Optional<BedrockAuth> auth, Optional<String> model, Optional<String> region,
                          Optional<Guardrail> guardrail) {
    }

    public record BedrockAuth(Optional<String> type, Optional<SecretRef> secretRef) {
    }

    public record Guardrail(Optional<String> identifier, Optional<String> version) {
    }

    /** This gateway's own provider (not kgateway's): answers locally. */
    public record Mock(Optional<String> model) {
    }

    public record Static(List<Host> hosts) {
    }

    public record Host(Optional<String> host, Optional<RawJson> port) {
    }
}

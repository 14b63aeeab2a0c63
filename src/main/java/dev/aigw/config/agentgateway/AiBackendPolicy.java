package dev.aigw.config.agentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.RawJson;
import dev.aigw.config.agentgateway.Refs.BackendObjectRef;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code backend.ai} ({@code BackendAI}): prompt enrichment, guards, field defaults and
 * overrides, model aliases, prompt caching and route types. Merged shallowly: each field is
 * atomic ({@link #merge}).
 */
public record AiBackendPolicy(Optional<Prompt> prompt, Optional<PromptGuard> promptGuard, List<FieldValue> defaults,
                              List<FieldValue> overrides, List<FieldExpression> transformations,
                              List<FieldExpression> finalTransformations, Map<String, String> modelAliases,
                              Optional<PromptCaching> promptCaching, Map<String, RouteType> routes) {

    public static Optional<AiBackendPolicy> merge(Optional<AiBackendPolicy> a, Optional<AiBackendPolicy> b) {
        if (a.isEmpty()) return b;
        if (b.isEmpty()) return a;
        AiBackendPolicy x = a.get();
        AiBackendPolicy y = b.get();
        return Optional.of(new AiBackendPolicy(y.prompt.or(x::prompt), y.promptGuard.or(x::promptGuard),
                y.defaults.isEmpty() ? x.defaults : y.defaults, y.overrides.isEmpty() ? x.overrides : y.overrides,
                y.transformations.isEmpty() ? x.transformations : y.transformations,
                y.finalTransformations.isEmpty() ? x.finalTransformations : y.finalTransformations,
                y.modelAliases.isEmpty() ? x.modelAliases : y.modelAliases,
                y.promptCaching.or(x::promptCaching), y.routes.isEmpty() ? x.routes : y.routes));
    }

    public record Message(String role, String content) {
    }

    public record Prompt(List<Message> prepend, List<Message> append) {
    }

    public enum Streaming { Enabled }

    public record PromptGuard(Optional<Streaming> streaming, List<RequestGuard> request, List<ResponseGuard> response) {
    }

    public enum Scope { SystemPrompt, Messages, ToolOutput, ToolInput }

    /** One request guard: exactly one of the guard kinds, and the answer when it rejects. */
    public record RequestGuard(Optional<CustomResponse> response, List<Scope> scope, Optional<Regex> regex,
                               Optional<Webhook> webhook, Optional<OpenAiModeration> openAIModeration,
                               Optional<BedrockGuardrails> bedrockGuardrails, Optional<GoogleModelArmor> googleModelArmor) {
    }

    public record ResponseGuard(Optional<CustomResponse> response, Optional<Regex> regex, Optional<Webhook> webhook,
                                Optional<BedrockGuardrails> bedrockGuardrails, Optional<GoogleModelArmor> googleModelArmor) {
    }

    /** AWS Bedrock Guardrails' ApplyGuardrail in {@code region}; {@code policies.auth.aws} or the default AWS chain. */
    public record BedrockGuardrails(String identifier, String version, String region, Optional<GuardPolicies> policies) {
    }

    /** Google Cloud Model Armor; {@code location} defaults to us-central1, {@code policies.auth.gcp} or ADC. */
    public record GoogleModelArmor(String templateId, String projectId, Optional<String> location,
                                   Optional<GuardPolicies> policies) {
    }

    /** Defaults: message "The request was rejected due to inappropriate content", status 403. */
    public record CustomResponse(Optional<String> message, Optional<Integer> statusCode) {
    }

    public enum Builtin { Ssn, CreditCard, PhoneNumber, Email, CaSin }

    public enum Action { Mask, Reject }

    public record Regex(List<String> matches, List<Builtin> builtins, Optional<Action> action) {
    }

    /** Gateway API {@code HTTPHeaderMatch}. */
    public record HeaderMatch(Optional<String> type, String name, String value) {
    }

    public record Webhook(BackendObjectRef backendRef, Map<String, String> headers,
                          List<HeaderMatch> forwardHeaderMatches, Optional<Traffic.FailureMode> failureMode) {
    }

    /** {@code policies}: connection settings and {@code auth {key | secretRef, location}}. */
    public record OpenAiModeration(Optional<String> model, Optional<GuardPolicies> policies) {
    }

    /** How a guard's own service is called: connection settings and {@code auth} (the kinds each guard takes differ). */
    public record GuardPolicies(Optional<BackendPolicies.Tls> tls, Optional<BackendPolicies.Tcp> tcp,
                                     Optional<BackendPolicies.Http> http, Optional<RawJson> tunnel,
                                     Optional<BackendPolicies.Auth> auth) {
    }

    /** {@code value} is any JSON; a string holding JSON is read as that JSON (kgateway's API says so). */
    public record FieldValue(String field, JsonNode value) {
    }

    public record FieldExpression(String field, String expression) {
    }

    public record PromptCaching(Optional<Boolean> cacheSystem, Optional<Boolean> cacheMessages,
                                Optional<Boolean> cacheTools, Optional<Integer> minTokens,
                                Optional<Integer> cacheMessageOffset) {
    }

    public enum RouteType {
        Completions, Messages, Responses, Embeddings, Models, AnthropicTokenCount, Realtime, Rerank,
        GenerateContent, GeminiCountTokens, Passthrough, Detect
    }
}

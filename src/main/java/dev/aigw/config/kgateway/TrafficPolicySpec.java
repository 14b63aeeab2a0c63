package dev.aigw.config.kgateway;

import dev.aigw.config.RawJson;

import java.util.List;
import java.util.Optional;

/**
 * kgateway {@code TrafficPolicy.spec} (and {@code RoutePolicy}): targets and {@code ai}. The
 * other kgateway fields are accepted as written and reported as not applied.
 */
public record TrafficPolicySpec(List<TargetRef> targetRefs, Optional<TargetRef> targetRef,
                                List<RawJson> targetSelectors, Optional<Ai> ai,
                                Optional<RawJson> transformation, Optional<RawJson> extProc,
                                Optional<RawJson> extAuth, Optional<RawJson> rateLimit, Optional<RawJson> cors,
                                Optional<RawJson> csrf, Optional<RawJson> headerModifiers,
                                Optional<RawJson> autoHostRewrite, Optional<RawJson> buffer,
                                Optional<RawJson> timeouts, Optional<RawJson> retry, Optional<RawJson> rbac,
                                Optional<RawJson> jwtAuth, Optional<RawJson> basicAuth,
                                Optional<RawJson> apiKeyAuth, Optional<RawJson> urlRewrite,
                                Optional<RawJson> compression, Optional<RawJson> hashPolicies,
                                Optional<RawJson> oauth2) {

    public record TargetRef(Optional<String> group, Optional<String> kind, Optional<String> name,
                            Optional<String> namespace, Optional<String> sectionName) {
    }

    /** {@code defaults} absent differs from {@code defaults: []}: the empty list overrides a less specific policy's. */
    public record Ai(Optional<String> routeType, Optional<Enrichment> promptEnrichment, Optional<List<FieldDefault>> defaults,
                     Optional<PromptGuard> promptGuard) {
    }

    public record FieldDefault(Optional<String> field, Optional<RawJson> value, Optional<RawJson> override) {
    }

    public record Enrichment(List<Message> prepend, List<Message> append) {
    }

    public record Message(Optional<String> role, Optional<RawJson> content) {
    }

    public record PromptGuard(Optional<Request> request, Optional<Response> response) {
    }

    public record Request(Optional<CustomResponse> customResponse, Optional<Regex> regex, Optional<Webhook> webhook,
                          Optional<Moderation> moderation) {
    }

    public record Response(Optional<Regex> regex, Optional<Webhook> webhook) {
    }

    public record CustomResponse(Optional<String> message, Optional<RawJson> statusCode) {
    }

    public record Regex(List<RegexMatch> matches, List<String> builtins, Optional<String> action) {
    }

    public record RegexMatch(Optional<String> pattern, Optional<String> name) {
    }

    /** {@code host} is {@code {host, port}} or {@code "host:port"}; some releases write {@code endpoint}. */
    public record Webhook(Optional<RawJson> host, Optional<RawJson> endpoint, List<RawJson> forwardHeaders,
                          List<RawJson> forwardHeaderMatches, Optional<String> timeout, Optional<RawJson> failOpen) {
    }

    /** {@code openAIModeration}: an llm block ({@link BackendSpec.Llm}), or {@link OpenAiModeration}'s fields directly. */
    public record Moderation(Optional<RawJson> openAIModeration) {
    }

    /** An {@code openai} provider's fields with the host and path overrides beside them. */
    public record OpenAiModeration(Optional<BackendSpec.AuthToken> authToken, Optional<String> model,
                                   Optional<RawJson> hostOverride, Optional<String> host, Optional<RawJson> port,
                                   Optional<RawJson> pathOverride, Optional<RawJson> path) {
    }
}

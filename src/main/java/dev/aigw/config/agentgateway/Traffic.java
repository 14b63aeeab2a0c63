package dev.aigw.config.agentgateway;

import dev.aigw.config.RawJson;
import dev.aigw.config.GoDuration;
import dev.aigw.config.agentgateway.Refs.BackendObjectRef;
import dev.aigw.config.agentgateway.Refs.LabelSelector;
import dev.aigw.config.agentgateway.Refs.SecretKeyRef;
import dev.aigw.config.agentgateway.Refs.SecretObjectRef;

import java.util.List;
import java.util.Optional;

/**
 * {@code AgentgatewayPolicy.spec.traffic}, bound as written (agentgateway.dev/v1alpha1). Enum
 * constants are spelled as the API writes them. Served by this gateway: {@code timeouts},
 * {@code retry}, {@code headerModifiers}, {@code cors}. Bound and validated but served by the
 * governance engines ({@code rateLimit}, the three authentications, {@code authorization}); the
 * others are accepted as raw trees and refused as not served. Shapes are stable: add, never rename.
 */
public record Traffic(Optional<Phase> phase,
                      Optional<RateLimit> rateLimit,
                      Optional<ApiKeyAuthentication> apiKeyAuthentication,
                      Optional<JwtAuthentication> jwtAuthentication,
                      Optional<BasicAuthentication> basicAuthentication,
                      Optional<Authorization> authorization,
                      Optional<Cors> cors,
                      Optional<HeaderModifiers> headerModifiers,
                      Optional<Timeouts> timeouts,
                      Optional<Retry> retry,
                      Optional<RawJson> transformation,
                      Optional<RawJson> extProc,
                      Optional<RawJson> extAuth,
                      Optional<RawJson> csrf,
                      Optional<RawJson> hostRewrite,
                      Optional<RawJson> directResponse,
                      Optional<RawJson> buffer,
                      Optional<RawJson> delay) {

    public enum Phase { PreRouting, PostRouting }

    public enum FailureMode { FailOpen, FailClosed }

    // ---- rate limits ----

    /** {@code local[]} and {@code global}, or {@code conditional[]} (each with a CEL condition). */
    public record RateLimit(List<LocalRateLimit> local, Optional<GlobalRateLimit> global,
                            List<ConditionalRateLimit> conditional) {
    }

    public record ConditionalRateLimit(Optional<String> condition, RateLimitPolicy policy) {
    }

    public record RateLimitPolicy(List<LocalRateLimit> local, Optional<GlobalRateLimit> global) {
    }

    public enum LocalUnit { Seconds, Minutes, Hours }

    /** Exactly one of {@code requests} or {@code tokens} (at least 1) per {@code unit}; bucket size n + burst. */
    public record LocalRateLimit(Optional<Integer> requests, Optional<Integer> tokens, LocalUnit unit,
                                 Optional<Integer> burst) {
    }

    /**
     * Envoy RLS: exactly one of {@code backendRef} or {@code url}. Our extension: {@code url}
     * {@code redis://} / {@code rediss://} counts in Redis directly (each descriptor then carries its
     * {@code limit}); {@code secretRef} names a Secret with the limiter's credentials (Redis:
     * {@code password}, optional {@code username}).
     */
    public record GlobalRateLimit(Optional<BackendObjectRef> backendRef, Optional<String> url,
                                  Optional<FailureMode> failureMode, String domain, List<Descriptor> descriptors,
                                  Optional<SecretObjectRef> secretRef) {
    }

    public enum DescriptorUnit { Requests, Tokens }

    /**
     * {@code cost} and {@code limitOverride} are CEL expressions. Our extensions: {@code limit} (the
     * Redis limiter's own limit, in Envoy ratelimit's shape) and {@code name} (said in refusals).
     */
    public record Descriptor(List<DescriptorEntry> entries, Optional<DescriptorUnit> unit, Optional<String> cost,
                             Optional<String> limitOverride, Optional<DescriptorLimit> limit, Optional<String> name) {
    }

    /** {@code unit}: second, minute, hour, day or month; {@code requestsPerUnit}: requests, tokens or cost units. */
    public record DescriptorLimit(String unit, long requestsPerUnit) {
    }

    public record DescriptorEntry(String name, String expression) {
    }

    // ---- authentication and authorization ----

    public enum AuthMode { Strict, Optional, Permissive }

    /** Exactly one of {@code secretRef}, {@code secretSelector}, {@code configMapSelector}. */
    public record ApiKeyAuthentication(Optional<AuthMode> mode, Optional<SecretObjectRef> secretRef,
                                       Optional<LabelSelector> secretSelector,
                                       Optional<LabelSelector> configMapSelector,
                                       Optional<ExtractionLocation> location) {
    }

    /** Where a credential is read from: at most one of header, query parameter, cookie, or a CEL expression. */
    public record ExtractionLocation(Optional<HeaderLocation> header, Optional<NamedLocation> queryParameter,
                                     Optional<NamedLocation> cookie, Optional<String> expression) {
    }

    public record HeaderLocation(String name, Optional<String> prefix) {
    }

    public record NamedLocation(String name) {
    }

    public record JwtAuthentication(Optional<AuthMode> mode, List<JwtProvider> providers,
                                    Optional<ExtractionLocation> location, Optional<RawJson> mcp) {
    }

    public record JwtProvider(String issuer, List<String> audiences, Jwks jwks) {
    }

    /** Exactly one of {@code remote} or {@code inline} (a JWKS document). */
    public record Jwks(Optional<RemoteJwks> remote, Optional<String> inline) {
    }

    /** {@code backendRef} + {@code jwksPath}, or {@code url}; {@code cacheDuration} default 5m. */
    public record RemoteJwks(Optional<String> jwksPath, Optional<GoDuration> cacheDuration,
                             Optional<BackendObjectRef> backendRef, Optional<String> url) {
    }

    public enum BasicMode { Strict, Optional }

    /** Exactly one of {@code users} (htpasswd lines) or {@code secretRef} (key {@code .htaccess}); realm default "Restricted". */
    public record BasicAuthentication(Optional<BasicMode> mode, Optional<String> realm, List<String> users,
                                      Optional<SecretKeyRef> secretRef, Optional<ExtractionLocation> location) {
    }

    public enum AuthorizationAction { Allow, Deny, Require }

    public record Authorization(AuthorizationPolicy policy, Optional<AuthorizationAction> action) {
    }

    public record AuthorizationPolicy(List<String> matchExpressions) {
    }

    // ---- served now ----

    /** Gateway API {@code HTTPCORSFilter}. */
    public record Cors(List<String> allowOrigins, Optional<Boolean> allowCredentials, List<String> allowMethods,
                       List<String> allowHeaders, List<String> exposeHeaders, Optional<Integer> maxAge) {
    }

    public record HeaderModifiers(Optional<HeaderFilter> request, Optional<HeaderFilter> response) {
    }

    /** Gateway API {@code HTTPHeaderFilter}. */
    public record HeaderFilter(List<HeaderValue> set, List<HeaderValue> add, List<String> remove) {
    }

    public record HeaderValue(String name, String value) {
    }

    /** {@code request}: the whole exchange; on expiry the client gets 504. */
    public record Timeouts(Optional<GoDuration> request) {
    }

    /** Gateway API {@code HTTPRouteRetry} plus CEL {@code precondition} and {@code condition}. */
    public record Retry(List<Integer> codes, Optional<Integer> attempts, Optional<GoDuration> backoff,
                        Optional<String> precondition, Optional<String> condition) {
    }

    /** The fields a policy may set that this gateway does not serve (yet): refused, never ignored. */
    public List<String> unserved() {
        List<String> out = new java.util.ArrayList<>();
        if (transformation.isPresent()) out.add("transformation");
        if (extProc.isPresent()) out.add("extProc");
        if (extAuth.isPresent()) out.add("extAuth");
        if (csrf.isPresent()) out.add("csrf");
        if (hostRewrite.isPresent()) out.add("hostRewrite");
        if (directResponse.isPresent()) out.add("directResponse");
        if (buffer.isPresent()) out.add("buffer");
        if (delay.isPresent()) out.add("delay");
        return out;
    }

    /** The fields served by the governance engines, which are not wired yet. */
    public List<String> governance() {
        List<String> out = new java.util.ArrayList<>();
        if (rateLimit.isPresent()) out.add("rateLimit");
        if (apiKeyAuthentication.isPresent()) out.add("apiKeyAuthentication");
        if (jwtAuthentication.isPresent()) out.add("jwtAuthentication");
        if (basicAuthentication.isPresent()) out.add("basicAuthentication");
        if (authorization.isPresent()) out.add("authorization");
        return out;
    }
}

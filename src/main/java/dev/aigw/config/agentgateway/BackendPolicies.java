package dev.aigw.config.agentgateway;

import dev.aigw.config.RawJson;
import dev.aigw.config.GoDuration;
import dev.aigw.config.agentgateway.Refs.SecretKeyRef;
import dev.aigw.config.agentgateway.Refs.SecretObjectRef;
import dev.aigw.config.agentgateway.Traffic.HeaderLocation;
import dev.aigw.config.agentgateway.Traffic.NamedLocation;

import java.util.List;
import java.util.Optional;

/**
 * Backend connection policies ({@code BackendFull}): {@code AgentgatewayPolicy.spec.backend},
 * {@code AgentgatewayBackend.spec.policies} and, without {@code mcp}/{@code extAuth}, a failover
 * provider's {@code policies}. Merged shallowly: each field is atomic.
 */
public record BackendPolicies(Optional<Tls> tls, Optional<Tcp> tcp, Optional<Http> http, Optional<RawJson> tunnel,
                              Optional<Auth> auth, Optional<Health> health, Optional<AiBackendPolicy> ai,
                              Optional<RawJson> mcp, Optional<RawJson> transformation,
                              Optional<RawJson> extAuth) {

    public static final BackendPolicies NONE = new BackendPolicies(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** {@code b} over {@code a}, field by field (shallow, as agentgateway merges). */
    public static BackendPolicies merge(BackendPolicies a, BackendPolicies b) {
        return new BackendPolicies(b.tls.or(a::tls), b.tcp.or(a::tcp), b.http.or(a::http), b.tunnel.or(a::tunnel),
                b.auth.or(a::auth), b.health.or(a::health), AiBackendPolicy.merge(a.ai, b.ai), b.mcp.or(a::mcp),
                b.transformation.or(a::transformation), b.extAuth.or(a::extAuth));
    }

    public enum InsecureSkipVerify { All, Hostname }

    /** Setting {@code tls} turns TLS on (system roots unless {@code caCertificateRefs}). */
    public record Tls(Optional<String> sni, List<RawJson> caCertificateRefs, List<RawJson> mtlsCertificateRef,
                      Optional<InsecureSkipVerify> insecureSkipVerify, List<String> verifySubjectAltNames,
                      Optional<List<String>> alpnProtocols, Optional<String> certificateSource,
                      List<String> keyExchangeGroups) {
    }

    public record Tcp(Optional<GoDuration> connectTimeout, Optional<RawJson> keepalive) {
    }

    public enum HttpVersion { HTTP1, HTTP2 }

    public record Http(Optional<HttpVersion> version, Optional<GoDuration> requestTimeout) {
    }

    /** Credential location: {@code header {name, prefix}}, {@code queryParameter}, or {@code cookie}. */
    public record Location(Optional<HeaderLocation> header, Optional<NamedLocation> queryParameter,
                           Optional<NamedLocation> cookie) {
    }

    /**
     * {@code policies.auth}: at most one of the credential sources. {@code secretRef}'s key
     * defaults to {@code Authorization} (its leading {@code Bearer } is stripped).
     */
    public record Auth(Optional<String> key, Optional<SecretKeyRef> secretRef, Optional<RawJson> passthrough,
                       Optional<Aws> aws, Optional<RawJson> azure, Optional<Gcp> gcp,
                       Optional<RawJson> oauthTokenExchange, Optional<RawJson> crossAppAccess,
                       Optional<RawJson> jwtSign, Optional<Location> location, List<RawJson> credentials) {

        /** The names of the sources that are set. */
        public List<String> sources() {
            List<String> out = new java.util.ArrayList<>();
            if (key.isPresent()) out.add("key");
            if (secretRef.isPresent()) out.add("secretRef");
            if (passthrough.isPresent()) out.add("passthrough");
            if (aws.isPresent()) out.add("aws");
            if (azure.isPresent()) out.add("azure");
            if (gcp.isPresent()) out.add("gcp");
            if (oauthTokenExchange.isPresent()) out.add("oauthTokenExchange");
            if (crossAppAccess.isPresent()) out.add("crossAppAccess");
            if (jwtSign.isPresent()) out.add("jwtSign");
            return out;
        }
    }

    /** {@code aws: {}} is the SDK's default chain; {@code secretRef} holds accessKey, secretKey, sessionToken. */
    public record Aws(Optional<SecretObjectRef> secretRef, Optional<RawJson> assumeRole, Optional<String> serviceName,
                      Optional<String> region) {
    }

    public enum GcpTokenType { AccessToken, IdToken }

    /** {@code gcp: {}} is Application Default Credentials; {@code secretRef} holds a credential JSON (key credentials.json). */
    public record Gcp(Optional<GcpTokenType> type, Optional<SecretKeyRef> secretRef, Optional<String> audience) {
    }

    public record Health(Optional<String> unhealthyCondition, Optional<Eviction> eviction) {
    }

    public record Eviction(Optional<GoDuration> duration, Optional<Integer> restoreHealth,
                           Optional<Integer> consecutiveFailures, Optional<Integer> healthThreshold) {
    }
}

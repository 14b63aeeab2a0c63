package dev.aigw.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** A Gateway API {@code HTTPRoute}, parsed and validated. */
public record HttpRouteResource(ResourceKey key, Instant created, List<ParentRef> parentRefs, List<String> hostnames,
                                List<Rule> rules, Optional<Duration> streamKeepAlive, Location location) {

    /** The annotation that turns on SSE comment keep-alives while a streamed response waits for its first byte. */
    public static final String STREAM_KEEPALIVE = "ai.gateway.dev/stream-keepalive";

    public record ParentRef(String group, String kind, String namespace, String name, Optional<String> sectionName,
                            Optional<Integer> port) {
    }

    public record Rule(int index, Optional<String> name, List<Match> matches, List<Filter> filters,
                       List<BackendRef> backendRefs, Timeouts timeouts, Optional<Retry> retry, Location location) {
    }

    /**
     * Gateway API {@code HTTPRouteRetry} (GEP-1731, experimental). {@code codes}: HTTP statuses
     * (400 to 599) that are retried; empty means the gateway's own choice (429, 5xx, overload).
     * {@code attempts}: how many retries after the first try (0 turns retries off); empty means
     * every provider of the Backend may be tried once. {@code backoff}: the least wait between
     * attempts; empty means the gateway's jittered default.
     */
    public record Retry(List<Integer> codes, Optional<Integer> attempts, Optional<Duration> backoff) {
    }

    public record Match(PathMatch path, List<ValueMatch> headers, List<ValueMatch> queryParams,
                        Optional<String> method) {
    }

    public enum PathType { EXACT, PATH_PREFIX, REGULAR_EXPRESSION }

    public record PathMatch(PathType type, String value, Pattern regex) {
        public static final PathMatch ROOT = new PathMatch(PathType.PATH_PREFIX, "/", null);
    }

    /** A header or query parameter match: exact value, or a regular expression. */
    public record ValueMatch(String name, String value, Pattern regex) {
        public boolean matches(String actual) {
            return actual != null && (regex == null ? value.equals(actual) : regex.matcher(actual).matches());
        }
    }

    public sealed interface Filter permits RequestHeaderModifier, ResponseHeaderModifier, UrlRewrite, ExtensionRef, Cors {
    }

    /**
     * {@code ExtensionRef} to a kgateway {@code TrafficPolicy} (on the rule, or inside one of its
     * {@code backendRefs[]}): the policy applies to the rule as if it targeted it by sectionName.
     */
    public record ExtensionRef(String group, String kind, String name) implements Filter {
    }

    /**
     * Gateway API {@code HTTPCORSFilter} semantics (from an AgentgatewayPolicy's {@code traffic.cors}):
     * preflights are answered by the gateway; other requests from an allowed origin get the
     * {@code Access-Control-Allow-*} response headers.
     */
    public record Cors(List<String> allowOrigins, boolean allowCredentials, List<String> allowMethods,
                       List<String> allowHeaders, List<String> exposeHeaders, Optional<Integer> maxAge) implements Filter {
        /** Whether {@code origin} is allowed: an exact origin, {@code *}, or a {@code *.} wildcard host. */
        public boolean allows(String origin) {
            if (origin == null) return false;
            for (String o : allowOrigins) {
                if (o.equals("*") || o.equalsIgnoreCase(origin)) return true;
                int star = o.indexOf("://*.");
                if (star > 0 && origin.regionMatches(true, 0, o, 0, star + 3)
                        && origin.toLowerCase(Locale.ROOT).endsWith(o.substring(star + 4).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }
    }

    public record HeaderModifier(Map<String, String> set, Map<String, String> add, List<String> remove) {
    }

    public record RequestHeaderModifier(HeaderModifier modifier) implements Filter {
    }

    public record ResponseHeaderModifier(HeaderModifier modifier) implements Filter {
    }

    /** {@code path} is {@code ReplaceFullPath} when {@code fullPath} is true, else {@code ReplacePrefixMatch}. */
    public record UrlRewrite(Optional<String> hostname, Optional<String> path, boolean fullPath) implements Filter {
    }

    public record BackendRef(String group, String kind, String namespace, String name, Optional<Integer> port,
                             int weight) {
        public ResourceKey backendKey() {
            return new ResourceKey("Backend", namespace, name);
        }
    }

    public record Timeouts(Optional<Duration> request, Optional<Duration> backendRequest) {
        public static final Timeouts NONE = new Timeouts(Optional.empty(), Optional.empty());
    }
}

package dev.aigw.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** A Gateway API {@code HTTPRoute}, parsed and validated. */
public record HttpRouteResource(ResourceKey key, Instant created, List<ParentRef> parentRefs, List<String> hostnames,
                                List<Rule> rules, Location location) {

    public record ParentRef(String group, String kind, String namespace, String name, Optional<String> sectionName,
                            Optional<Integer> port) {
    }

    public record Rule(int index, Optional<String> name, List<Match> matches, List<Filter> filters,
                       List<BackendRef> backendRefs, Timeouts timeouts, Location location) {
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

    public sealed interface Filter permits RequestHeaderModifier, ResponseHeaderModifier, UrlRewrite {
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

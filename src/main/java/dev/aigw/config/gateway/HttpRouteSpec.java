package dev.aigw.config.gateway;

import dev.aigw.config.RawJson;

import java.util.List;
import java.util.Optional;

/** {@code HTTPRoute.spec} as written (Gateway API v1, with the experimental {@code retry}). */
public record HttpRouteSpec(List<ParentRef> parentRefs, List<String> hostnames, List<Rule> rules) {

    public record ParentRef(Optional<String> group, Optional<String> kind, Optional<String> namespace, String name,
                            Optional<String> sectionName, Optional<RawJson> port) {
    }

    public record Rule(Optional<String> name, List<Match> matches, List<Filter> filters,
                       List<BackendRef> backendRefs, Optional<Timeouts> timeouts, Optional<RawJson> retry,
                       Optional<RawJson> sessionPersistence) {
    }

    public record Match(Optional<PathMatch> path, List<ValueMatch> headers, List<ValueMatch> queryParams,
                        Optional<String> method) {
    }

    public record PathMatch(Optional<String> type, Optional<String> value) {
    }

    public record ValueMatch(Optional<String> type, Optional<String> name, Optional<String> value) {
    }

    public record Filter(Optional<String> type, Optional<HeaderFilter> requestHeaderModifier,
                         Optional<HeaderFilter> responseHeaderModifier, Optional<RawJson> requestMirror,
                         Optional<RawJson> requestRedirect, Optional<UrlRewrite> urlRewrite,
                         Optional<ExtensionRef> extensionRef, Optional<RawJson> cors,
                         Optional<RawJson> externalAuth) {
    }

    public record HeaderFilter(List<HeaderValue> set, List<HeaderValue> add, List<String> remove) {
    }

    public record HeaderValue(String name, String value) {
    }

    public record UrlRewrite(Optional<String> hostname, Optional<PathModifier> path) {
    }

    public record PathModifier(Optional<String> type, Optional<String> replaceFullPath,
                               Optional<String> replacePrefixMatch) {
    }

    public record ExtensionRef(Optional<String> group, String kind, String name) {
    }

    public record BackendRef(Optional<String> group, Optional<String> kind, Optional<String> name,
                             Optional<String> namespace, Optional<RawJson> port, Optional<RawJson> weight,
                             List<Filter> filters) {
    }

    public record Timeouts(Optional<String> request, Optional<String> backendRequest) {
    }
}

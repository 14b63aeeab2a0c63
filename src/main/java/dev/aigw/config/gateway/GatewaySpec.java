package dev.aigw.config.gateway;

import dev.aigw.config.RawJson;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code Gateway.spec} as written (Gateway API v1). */
public record GatewaySpec(Optional<String> gatewayClassName, List<Listener> listeners, List<RawJson> addresses,
                          Optional<RawJson> infrastructure, Optional<RawJson> backendTLS,
                          Optional<RawJson> allowedListeners) {

    public record Listener(Optional<String> name, Optional<String> hostname, Optional<Integer> port,
                           Optional<String> protocol, Optional<Tls> tls, Optional<AllowedRoutes> allowedRoutes) {
    }

    public record Tls(Optional<String> mode, List<CertificateRef> certificateRefs, Map<String, String> options,
                      Optional<RawJson> frontendValidation) {
    }

    public record CertificateRef(Optional<String> group, Optional<String> kind, String name,
                                 Optional<String> namespace) {
    }

    public record AllowedRoutes(Optional<Namespaces> namespaces, List<RouteGroupKind> kinds) {
    }

    public record Namespaces(Optional<String> from, Optional<Selector> selector) {
    }

    public record Selector(Map<String, String> matchLabels, List<RawJson> matchExpressions) {
    }

    public record RouteGroupKind(Optional<String> group, String kind) {
    }
}

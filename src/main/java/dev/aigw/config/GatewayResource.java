package dev.aigw.config;

import java.util.List;
import java.util.Optional;

/** A Gateway API {@code Gateway}: its listeners become listening sockets. */
public record GatewayResource(ResourceKey key, String gatewayClassName, List<Listener> listeners, Location location) {

    /** Which namespaces' routes may attach to a listener ({@code allowedRoutes.namespaces.from}). */
    public enum From { SAME, ALL, SELECTOR }

    /** {@code certificate}: for HTTPS, the Secret ({@code tls.crt}, {@code tls.key}) of {@code tls.certificateRefs}. */
    public record Listener(String name, int port, String protocol, Optional<String> hostname, From from,
                           java.util.Map<String, String> namespaceSelector, Optional<ResourceKey> certificate) {
        public Listener(String name, int port, String protocol, Optional<String> hostname, From from,
                        java.util.Map<String, String> namespaceSelector) {
            this(name, port, protocol, hostname, from, namespaceSelector, Optional.empty());
        }
    }
}

package dev.aigw.provider;

import java.util.Optional;

/**
 * Where a provider's requests go and how they are authenticated, after the Backend's overrides:
 * TLS exactly when the port is 443, as kgateway does.
 */
public record Target(String host, int port, Optional<String> pathOverride, String authHeader, String authPrefix,
                     Credential credential, dev.aigw.config.BackendResource.Upstream upstream) {
    public Target(String host, int port, Optional<String> pathOverride, String authHeader, String authPrefix,
                  Credential credential) {
        this(host, port, pathOverride, authHeader, authPrefix, credential, dev.aigw.config.BackendResource.Upstream.KGATEWAY);
    }

    /** kgateway: TLS exactly when the port is 443; agentgateway: as its Backend says ({@link dev.aigw.config.BackendResource.Upstream}). */
    public boolean tls() {
        return upstream.tls().orElse(port == 443);
    }

    @Override
    public String toString() {
        return (tls() ? "https://" : "http://") + host + ":" + port + pathOverride.orElse("");
    }
}

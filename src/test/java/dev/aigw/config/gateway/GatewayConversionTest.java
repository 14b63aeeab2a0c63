package dev.aigw.config.gateway;

import dev.aigw.config.GatewayResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.ResourceParser;
import dev.aigw.config.Parsing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The Gateway conversion from its bound records: what it builds, and each rule's error at its file:line. */
class GatewayConversionTest {
    private Parsing last;

    private ResourceParser.Parsed parse(String yaml) {
        last = Parsing.of("gw.yaml", yaml, Map.of());
        return last.parsed();
    }

    @Test
    void listenersWithTheirDefaults() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: ai}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - {name: http, port: 8080, protocol: HTTP}
                  - name: https
                    port: 8443
                    protocol: HTTPS
                    hostname: api.example.com
                    tls: {certificateRefs: [{name: cert}]}
                    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}
                """);
        assertThat(last.problems()).isEmpty();
        assertThat(p.gateways()).singleElement().satisfies(g -> {
            assertThat(g.gatewayClassName()).isEqualTo("kgateway");
            assertThat(g.listeners()).containsExactly(
                    new GatewayResource.Listener("http", 8080, "HTTP", Optional.empty(), GatewayResource.From.SAME, Map.of()),
                    new GatewayResource.Listener("https", 8443, "HTTPS", Optional.of("api.example.com"),
                            GatewayResource.From.SELECTOR, Map.of("team", "a"),
                            Optional.of(new ResourceKey("Secret", "ai", "cert"))));
        });
    }

    @Test
    void eachRuleNamesItsLineAndField() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: ai}
                spec:
                  listeners:
                  - name: a
                    port: 8080
                    protocol: TCP
                  - name: a
                    port: 8443
                    protocol: HTTPS
                    tls:
                      mode: Passthrough
                  - name: b
                    protocol: HTTPS
                    port: 9443
                    tls:
                      certificateRefs:
                      - {name: cert, namespace: other}
                    allowedRoutes:
                      namespaces:
                        from: Everyone
                """);
        assertThat(p.gateways()).isEmpty();
        List<String> errors = last.errors();
        assertThat(errors).containsExactly(
                "gw.yaml:8: error: Gateway ai/gw: listener a: protocol TCP is not supported (expected HTTP or HTTPS)",
                "gw.yaml:13: error: Gateway ai/gw: listener a: tls.mode Passthrough is not supported (expected Terminate)",
                "gw.yaml:9: error: Gateway ai/gw: listener name a is used twice",
                "gw.yaml:19: error: Gateway ai/gw: listener b: a certificate Secret in another namespace (other) needs a "
                        + "ReferenceGrant, which this gateway does not read; put the Secret in ai",
                "gw.yaml:22: error: Gateway ai/gw: allowedRoutes.namespaces.from: Everyone (expected All, Same or Selector)");
    }

    @Test
    void noListenersAndAMissingPort() {
        parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: empty}
                spec:
                  gatewayClassName: kgateway
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: noport}
                spec:
                  listeners:
                  - name: http
                    protocol: HTTP
                """);
        assertThat(last.printed()).containsExactly(
                "gw.yaml:5: error: Gateway default/empty: spec.listeners is empty (expected at least one HTTP listener)",
                "gw.yaml:12: error: Gateway default/noport: port is required");
    }
}

package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

/** On Linux x86-64 the gateway runs on Netty's native epoll transport (the jar ships it). */
class NativeTransportTest {
    @Test
    void linuxX8664UsesEpoll() throws Exception {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "not Linux x86-64");
        try (GatewayHarness gw = GatewayHarness.builder().file("gw.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: mock, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      mock: {model: mock-1}
                """).start()) {
            assertThat(gw.app().vertx().isNativeTransportEnabled())
                    .as("native transport (unavailable because: %s)", gw.app().vertx().unavailableNativeTransportCause())
                    .isTrue();
        }
    }
}

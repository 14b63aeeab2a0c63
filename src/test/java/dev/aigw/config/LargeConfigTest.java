package dev.aigw.config;

import dev.aigw.route.SnapshotCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Thousands of Secrets, Backends and routes in one file load within seconds; an over-limit file says which limit. */
class LargeConfigTest {
    @TempDir
    Path dir;

    @AfterEach
    void resetLimit() {
        YamlResources.maxBytes(YamlResources.DEFAULT_MAX_BYTES);
    }

    /** This thread's CPU time: what a load costs, whatever else the machine is running. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit(Integer.MAX_VALUE);
        return o;
    }

    static String big(int n) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: ai}
                spec:
                  gatewayClassName: kgateway
                  listeners:
                  - {name: http, port: 18080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
                """);
        for (int i = 0; i < n; i++) {
            sb.append("""
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: s%1$d, namespace: ai}
                    stringData:
                      Authorization: sk-%1$08dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
                    ---
                    apiVersion: gateway.kgateway.dev/v1alpha1
                    kind: Backend
                    metadata: {name: b%1$d, namespace: ai}
                    spec:
                      type: AI
                      ai:
                        llm:
                          openai:
                            authToken: {kind: SecretRef, secretRef: {name: s%1$d}}
                            model: gpt-4o-mini
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: r%1$d, namespace: ai}
                    spec:
                      parentRefs: [{name: gw}]
                      rules:
                      - matches: [{path: {type: PathPrefix, value: /r%1$d}}]
                        backendRefs: [{name: b%1$d, group: gateway.kgateway.dev, kind: Backend}]
                    """.formatted(i));
        }
        return sb.toString();
    }

    @Test
    void thousandsOfSecretsAndRoutesOverThreeMebibytesLoadWithinSeconds() throws IOException {
        String text = big(6000);
        assertThat(text.length()).as("over SnakeYAML's 3 MiB default").isGreaterThan(3 * 1024 * 1024);
        Path f = Files.writeString(dir.resolve("big.yaml"), text);
        // The baseline first, cold like our run: SnakeYAML alone on the same text. Both are timed in
        // this thread's CPU time (both run on this thread alone), so a machine busy with other work
        // does not stretch one and not the other; wall times are printed beside them.
        long w2 = System.nanoTime();
        long s2 = cpuNanos();
        var docs = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory
                .builder().loaderOptions(loaderOptions()).build()).readerFor(com.fasterxml.jackson.databind.JsonNode.class)
                .readValues(text);
        while (docs.hasNext()) docs.next();
        long yamlOnly = (cpuNanos() - s2) / 1_000_000;
        long yamlWall = (System.nanoTime() - w2) / 1_000_000;
        long wall = System.nanoTime();
        long start = cpuNanos();
        FileSource.Load load = new FileSource(List.of(f)).load();
        long parsed = cpuNanos();
        SnapshotCompiler.Result r = SnapshotCompiler.compile(load.resources(), 1,
                new SnapshotCompiler.Options(8080, Map.<String, String>of()::get));
        long millis = (cpuNanos() - start) / 1_000_000;
        long ourWall = (System.nanoTime() - wall) / 1_000_000;
        System.out.println("large config: read " + (parsed - start) / 1_000_000 + " ms, compile "
                + (cpuNanos() - parsed) / 1_000_000 + " ms (CPU)");
        assertThat(load.problems()).isEmpty();
        assertThat(r.problems()).noneMatch(p -> p.severity() != Problem.Severity.WARNING);
        assertThat(load.resources()).hasSize(18_001);
        assertThat(r.snapshot().ports().get(18080).entries()).hasSize(6000);
        // Relative to what SnakeYAML alone takes for the same text, so a slower machine does not
        // fail it but anything quadratic in our layers does (about 2 s in all on a laptop).
        System.out.println("large config: read and compile " + millis + " ms CPU (" + ourWall + " ms wall); SnakeYAML alone "
                + yamlOnly + " ms CPU (" + yamlWall + " ms wall)");
        assertThat(millis).as("load and compile, ms of CPU (SnakeYAML alone: " + yamlOnly + " ms)")
                .isLessThan(5 * yamlOnly + 3_000);
    }

    @Test
    void aFileOverTheLimitNamesTheLimitAndTheFlag() throws IOException {
        YamlResources.maxBytes(1024 * 1024);
        Path f = Files.writeString(dir.resolve("huge.yaml"), big(3000));
        FileSource.Load load = new FileSource(List.of(f)).load();
        assertThat(load.resources()).isEmpty();
        assertThat(load.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.toString()).contains("huge.yaml", "over the limit of 1048576 bytes", "--max-config-bytes");
        });
    }

    @Test
    void aHugeValueIsRefusedAtOnceAndALargeOneLoads() {
        String huge = "A".repeat(16 * 1024 * 1024);
        long start = cpuNanos();
        YamlResources.Result r = YamlResources.parse("value.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: big}
                stringData:
                  k: %s
                """.formatted(huge));
        assertThat((cpuNanos() - start) / 1_000_000).as("refuse a 16 MiB value, ms of CPU").isLessThan(5_000);
        assertThat(r.resources()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.toString())
                .contains("value.yaml:5", "more than 1048576 characters without a space or line break"));

        String large = "B".repeat(512 * 1024);
        YamlResources.Result ok = YamlResources.parse("value.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: big}
                stringData:
                  k: %s
                """.formatted(large));
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.resources().getFirst().body().path("stringData").path("k").asText()).isEqualTo(large);
    }
}

package dev.aigw.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

class MainValidateTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream saved;

    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(saved);
    }

    private int validate(String... files) {
        String[] args = new String[1 + 2 * files.length];
        args[0] = "validate";
        for (int i = 0; i < files.length; i++) {
            args[1 + 2 * i] = "-f";
            args[2 + 2 * i] = files[i];
        }
        return new CommandLine(new Main()).execute(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPathWithoutDashFReadsTheSame() throws Exception {
        Path seed = Paths.get(Objects.requireNonNull(getClass().getResource("/seed")).toURI());
        int code = new CommandLine(new Main()).execute("validate", seed.toString());
        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("ok: 6 resources, 2 route matches");
    }

    @Test
    void seedIsValid() throws Exception {
        Path seed = Paths.get(Objects.requireNonNull(getClass().getResource("/seed")).toURI());
        int code = validate(seed.toString());
        assertThat(code).as(output()).isZero();
        assertThat(output()).contains("azure-backend.yaml:20: warning: duplicate key 'model'")
                .contains("ok: 6 resources, 2 route matches");
        assertThat(output()).doesNotContain("error:").doesNotContain("unresolved:");
    }

    @Test
    void badFileExitsOneWithProblemLines() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: ns}
                spec:
                  type: AI
                  ai:
                    llm:
                      provider:
                        cohere:
                          authToken: {kind: Passthrough}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: g, namespace: ns}
                spec:
                  type: AI
                  ai:
                    llm:
                      gemini:
                        authToken: {kind: SecretRef, secretRef: {name: google-secret}}
                        model: gemini-2.0-flash
                        apiVersion: v1beta
                """);
        int code = validate(bad.toString());
        assertThat(code).as(output()).isEqualTo(1);
        assertThat(output()).contains(bad + ":9: error: Backend ns/b: unknown field `cohere` in Backend ns/b spec.ai.llm.provider")
                .contains(bad + ":12: unresolved: Backend ns/g: secret google-secret not found in ns")
                .contains("2 problems found");
    }

    @Test
    void unresolvedAloneAlsoExitsOne() throws Exception {
        Path f = tmp.resolve("route.yaml");
        Files.writeString(f, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: missing, group: gateway.kgateway.dev, kind: Backend}]
                """);
        assertThat(validate(f.toString())).isEqualTo(1);
        assertThat(output()).contains(f + ":7: unresolved: HTTPRoute default/r: Backend default/missing not found")
                .contains("1 problem found");
    }

    @Test
    void malformedYamlAndMissingFile() throws Exception {
        Path f = tmp.resolve("broken.yaml");
        Files.writeString(f, "apiVersion: v1\nkind: Secret\nmetadata: {name: [a\n");
        assertThat(validate(f.toString(), tmp.resolve("nope.yaml").toString())).isEqualTo(1);
        assertThat(output()).containsPattern(java.util.regex.Pattern.quote(f.toString()) + ":\\d+: error: malformed YAML")
                .contains(tmp.resolve("nope.yaml") + ": error: no such file or directory");
    }
}

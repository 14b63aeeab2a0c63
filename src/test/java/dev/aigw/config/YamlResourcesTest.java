package dev.aigw.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

class YamlResourcesTest {

    static String seed(String name) {
        try (var in = Objects.requireNonNull(YamlResourcesTest.class.getResourceAsStream("/seed/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void multiDocumentFileGivesEveryResourceWithItsLine() {
        String yaml = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: a
                stringData:
                  Authorization: x
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: b
                  namespace: ns1
                spec:
                  type: Static
                """;
        YamlResources.Result r = YamlResources.parse("multi.yaml", yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(r.resources()).extracting(RawResource::key).containsExactly(
                new ResourceKey("Secret", "default", "a"),
                new ResourceKey("Backend", "ns1", "b"));
        assertThat(r.resources().get(0).location()).isEqualTo(new Location("multi.yaml", 1));
        assertThat(r.resources().get(1).location()).isEqualTo(new Location("multi.yaml", 8));
        assertThat(r.resources().get(1).apiVersion()).isEqualTo("gateway.kgateway.dev/v1alpha1");
    }

    @Test
    void emptyDocumentsAndCommentOnlyDocumentsAreSkipped() {
        String yaml = """
                ---
                ---
                # only a comment
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: a
                ---
                ---
                """;
        YamlResources.Result r = YamlResources.parse("empty.yaml", yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(r.resources()).extracting(RawResource::name).containsExactly("a");
        assertThat(YamlResources.parse("blank.yaml", "").resources()).isEmpty();
        assertThat(YamlResources.parse("blank.yaml", "").problems()).isEmpty();
    }

    @Test
    void kindListIsFlattenedWithItemLines() {
        String yaml = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Secret
                  metadata:
                    name: s1
                    namespace: ns
                - apiVersion: gateway.networking.k8s.io/v1
                  kind: HTTPRoute
                  metadata:
                    name: r1
                """;
        YamlResources.Result r = YamlResources.parse("list.yaml", yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(r.resources()).extracting(RawResource::key).containsExactly(
                new ResourceKey("Secret", "ns", "s1"), new ResourceKey("HTTPRoute", "default", "r1"));
        assertThat(r.resources().get(0).location().line()).isEqualTo(4);
        assertThat(r.resources().get(1).location().line()).isEqualTo(9);
    }

    @Test
    void listItemThatIsNotAMappingIsAnError() {
        YamlResources.Result r = YamlResources.parse("list.yaml", """
                apiVersion: v1
                kind: List
                items:
                - just a string
                """);
        assertThat(r.resources()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
            assertThat(p.location()).isEqualTo(new Location("list.yaml", 4));
            assertThat(p.message()).contains("not a mapping");
        });
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        String yaml = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: a
                  labels: [unclosed
                stringData:
                  x: y
                """;
        YamlResources.Result r = YamlResources.parse("bad.yaml", yaml);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
            assertThat(p.location().source()).isEqualTo("bad.yaml");
            assertThat(p.location().line()).isBetween(5, 7);
            assertThat(p.message()).startsWith("malformed YAML");
            assertThat(p.toString()).startsWith("bad.yaml:" + p.location().line() + ": error: ");
        });
    }

    @Test
    void badIndentationIsMalformedAtItsLine() {
        String yaml = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: a
                 namespace: b
                """;
        YamlResources.Result r = YamlResources.parse("indent.yaml", yaml);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.location().line()).isEqualTo(5);
        });
    }

    @Test
    void documentThatIsNotAMappingIsAnError() {
        YamlResources.Result r = YamlResources.parse("scalar.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\n- a\n- b\n");
        assertThat(r.resources()).hasSize(1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.location()).isEqualTo(new Location("scalar.yaml", 5));
            assertThat(p.message()).contains("document 2").contains("not a mapping");
        });
    }

    @Test
    void missingKindApiVersionOrNameAreErrors() {
        YamlResources.Result r = YamlResources.parse("m.yaml", """
                apiVersion: v1
                metadata: {name: a}
                ---
                kind: Secret
                metadata: {name: b}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {namespace: x}
                """);
        assertThat(r.resources()).isEmpty();
        assertThat(r.problems()).extracting(Problem::severity).containsOnly(Problem.Severity.ERROR);
        assertThat(r.problems()).extracting(p -> p.location().line()).containsExactly(1, 4, 7);
        assertThat(r.problems()).extracting(Problem::message).containsExactly(
                "resource has no kind (expected e.g. kind: Backend)", "resource has no apiVersion",
                "resource has no metadata.name");
        assertThat(r.problems().get(1).resource()).isEqualTo("Secret default/b");
    }

    @Test
    void seedAzureBackendDuplicateModelKeyLaterWinsWithWarning() {
        YamlResources.Result r = YamlResources.parse("azure-backend.yaml", seed("azure-backend.yaml"));
        assertThat(r.resources()).singleElement().satisfies(res -> {
            assertThat(res.key()).isEqualTo(new ResourceKey("Backend", "kgateway-system", "azure-openai"));
            assertThat(res.body().at("/spec/ai/llm/provider/openai/model").asText()).isEqualTo("gpt-4o");
            // authToken, written between the two model keys, survives
            assertThat(res.body().at("/spec/ai/llm/provider/openai/authToken/secretRef/name").asText())
                    .isEqualTo("azure-openai-secret");
            assertThat(res.body().at("/spec/ai/llm/authHeaderOverride/prefix").asText("absent")).isEqualTo("");
        });
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.location()).isEqualTo(new Location("azure-backend.yaml", 20));
            assertThat(p.message()).contains("duplicate key 'model'").contains("later value");
        });
    }

    @Test
    void seedGeminiDocumentsLoadWithoutProblems() {
        for (String f : List.of("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml",
                "azure-secret.yaml", "azure-route.yaml")) {
            YamlResources.Result r = YamlResources.parse(f, seed(f));
            assertThat(r.problems()).as(f).isEmpty();
            assertThat(r.resources()).as(f).hasSize(1);
            assertThat(r.resources().getFirst().namespace()).as(f).isEqualTo("kgateway-system");
        }
        RawResource backend = YamlResources.parse("g", seed("gemini-backend.yaml")).resources().getFirst();
        assertThat(backend.body().at("/spec/ai/llm/provider/gemini/model").asText()).isEqualTo("gemini-1.5-flash-latest");
    }

    @Test
    void lineOfNestedNodesIsRecorded() {
        RawResource r = YamlResources.parse("g.yaml", seed("gemini-backend.yaml")).resources().getFirst();
        assertThat(r.at(r.body().at("/spec/ai/llm/provider/gemini"))).isEqualTo(new Location("g.yaml", 13));
        assertThat(r.at(r.body().at("/spec/ai/llm/provider/gemini/apiVersion"))).isEqualTo(new Location("g.yaml", 13));
        assertThat(r.at(r.body().at("/spec/ai/llm/provider/gemini/model"))).isEqualTo(new Location("g.yaml", 18));
    }

    @Test
    void creationTimestampParsedAndBadOneWarns() {
        YamlResources.Result r = YamlResources.parse("t.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: a
                  creationTimestamp: "2024-05-01T10:00:00Z"
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: b
                  creationTimestamp: yesterday
                """);
        assertThat(r.resources()).hasSize(2);
        assertThat(r.resources().get(0).created()).isEqualTo(java.time.Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.location().line()).isEqualTo(11);
            assertThat(p.resource()).isEqualTo("Secret default/b");
        });
    }

    @Test
    void fileSourceLoadsTheSeedDirectory() throws Exception {
        Path dir = Paths.get(Objects.requireNonNull(getClass().getResource("/seed")).toURI());
        FileSource.Load load = new FileSource(List.of(dir)).load();
        assertThat(load.resources()).hasSize(6);
        assertThat(load.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.location().source()).endsWith("azure-backend.yaml");
        });
    }

    @Test
    void fileSourceReportsMissingPathAndSkipsHiddenAndOtherFiles() throws IOException {
        Path dir = Files.createTempDirectory("aigw");
        Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n");
        Files.writeString(dir.resolve("notes.txt"), "apiVersion: v1\nkind: Secret\nmetadata: {name: txt}\n");
        Files.createDirectories(dir.resolve(".hidden"));
        Files.writeString(dir.resolve(".hidden/b.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: hidden}\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.yml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: c}\n");
        FileSource.Load load = new FileSource(List.of(dir, dir.resolve("missing.yaml"))).load();
        assertThat(load.resources()).extracting(RawResource::name).containsExactly("a", "c");
        assertThat(load.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.location().source()).endsWith("missing.yaml");
        });
    }
}

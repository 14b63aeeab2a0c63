package dev.aigw.route;

import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: test resources as text, and YAML compiled into a snapshot. */
final class Configs {
    private Configs() {
    }

    static String resource(String path) {
        try (var in = Objects.requireNonNull(Configs.class.getResourceAsStream("/" + path), path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed's six documents, as files named like their resource. */
    static List<RawResource> seed() {
        List<RawResource> out = new ArrayList<>();
        for (String f : List.of("gemini-secret", "gemini-backend", "gemini-route", "azure-secret", "azure-backend",
                "azure-route")) {
            out.addAll(YamlResources.parse(f + ".yaml", resource("seed/" + f + ".yaml")).resources());
        }
        return out;
    }

    static List<RawResource> yaml(String name, String text) {
        YamlResources.Result r = YamlResources.parse(name, text);
        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        return r.resources();
    }

    static SnapshotCompiler.Result compile(List<RawResource> resources, Map<String, String> env) {
        return SnapshotCompiler.compile(resources, 1, new SnapshotCompiler.Options(8080, env::get));
    }

    static SnapshotCompiler.Result compile(String text) {
        return compile(yaml("t.yaml", text), Map.of());
    }
}

package dev.aigw.cli;

import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.route.SnapshotCompiler;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file in examples/ compiles cleanly once its keys are set, so the docs' examples cannot rot. */
class ExamplesTest {

    @Test
    void everyExampleCompilesWithItsKeysSet() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        for (Path f : files) {
            FileSource.Load load = new FileSource(List.of(f)).load();
            SnapshotCompiler.Result r = SnapshotCompiler.compile(load.resources(), 1,
                    new SnapshotCompiler.Options(8080, name -> "test-value-for-" + name));
            List<Problem> problems = new ArrayList<>(load.problems());
            problems.addAll(r.problems());
            assertThat(problems).as(f.toString()).filteredOn(p -> p.severity() != Problem.Severity.WARNING).isEmpty();
            assertThat(r.snapshot().ports().values().stream().mapToInt(t -> t.entries().size()).sum())
                    .as(f + " serves at least one route").isPositive();
        }
    }
}

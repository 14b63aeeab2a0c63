package dev.aigw.config;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One file parsed as the gateway reads it, for the conversion tests: the typed resources and every problem as printed. */
public record Parsing(ResourceParser.Parsed parsed, List<Problem> problems) {
    public static Parsing of(String file, String yaml, Map<String, String> env) {
        YamlResources.Result y = YamlResources.parse(file, yaml);
        assertThat(y.problems()).as("YAML problems").isEmpty();
        ResourceParser parser = new ResourceParser(env::get);
        return new Parsing(parser.parse(y.resources()), parser.problems());
    }

    /** The problems as {@code validate} prints them: {@code file:line: severity: resource: message}. */
    public List<String> printed() {
        return problems.stream().map(Problem::toString).toList();
    }

    public List<String> errors() {
        return problems.stream().filter(Problem::isError).map(Problem::toString).toList();
    }
}

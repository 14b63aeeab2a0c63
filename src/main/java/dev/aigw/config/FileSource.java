package dev.aigw.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Resources from YAML files and directories ({@code *.yaml}, {@code *.yml}, {@code *.json}, not
 * recursive into hidden folders). {@link #fingerprint()} lets a watcher see that something
 * changed without parsing; blocking I/O: call it off the event loop.
 */
public final class FileSource {
    public static final String SOURCE = "files";

    private final List<Path> roots;

    public FileSource(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public List<Path> roots() {
        return roots;
    }

    public record Load(List<RawResource> resources, List<Problem> problems) {
    }

    public Load load() {
        List<RawResource> resources = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                problems.add(Problem.error(new Location(root.toString(), 0), "", "no such file or directory"));
                continue;
            }
            for (Path f : files(root, problems)) {
                try {
                    long size = Files.size(f);
                    if (size > YamlResources.maxBytes()) {
                        problems.add(YamlResources.tooLarge(f.toString(), size));
                        continue;
                    }
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    YamlResources.Result r = YamlResources.parse(f.toString(), text);
                    resources.addAll(r.resources());
                    problems.addAll(r.problems());
                } catch (IOException e) {
                    problems.add(Problem.error(new Location(f.toString(), 0), "", "cannot read: " + e.getMessage()));
                }
            }
        }
        return new Load(resources, problems);
    }

    /** Paths with size and modification time: equal fingerprints mean nothing changed. */
    public String fingerprint() {
        TreeMap<String, String> m = new TreeMap<>();
        for (Path root : roots) {
            for (Path f : files(root, new ArrayList<>())) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    m.put(f.toString(), a.size() + "@" + a.lastModifiedTime().toMillis());
                } catch (IOException e) {
                    m.put(f.toString(), "gone");
                }
            }
        }
        return m.toString();
    }

    private static List<Path> files(Path root, List<Problem> problems) {
        if (!Files.isDirectory(root)) return Files.exists(root) ? List.of(root) : List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> root.relativize(p).toString().chars().noneMatch(c -> c == '.')
                            || !hidden(root.relativize(p)))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
                    })
                    .sorted().toList();
        } catch (IOException e) {
            problems.add(Problem.error(new Location(root.toString(), 0), "", "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    private static boolean hidden(Path rel) {
        for (Path part : rel) if (part.toString().startsWith(".")) return true;
        return false;
    }
}

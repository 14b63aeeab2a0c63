package dev.aigw.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict parser of Prometheus' text exposition format (0.0.4), enough to check a scrape. */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+-?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)( .*)?");

    private PrometheusText() {
    }

    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!META.matcher(line).matches() && !line.startsWith("# EOF")) {
                    throw new IllegalArgumentException("bad comment line: " + line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            String l = m.group(3);
            if (l != null && !l.isEmpty()) {
                Matcher lm = LABEL.matcher(l);
                int pos = 0;
                while (pos < l.length() && lm.find(pos) && lm.start() == pos) {
                    labels.put(lm.group(1), lm.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    pos = lm.end();
                }
                if (pos != l.length()) {
                    throw new IllegalArgumentException("bad labels: " + line);
                }
            }
            String v = m.group(4);
            double value = switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(v);
            };
            out.add(new Sample(m.group(1), labels, value));
        }
        return out;
    }

    /** The samples of a metric whose labels include all of {@code match}. */
    static List<Sample> find(List<Sample> samples, String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(match.entrySet())).toList();
    }

    static double value(List<Sample> samples, String name, Map<String, String> match) {
        List<Sample> f = find(samples, name, match);
        if (f.size() != 1) {
            throw new AssertionError("expected one " + name + " " + match + ", found " + f);
        }
        return f.getFirst().value();
    }
}

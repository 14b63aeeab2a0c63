package dev.aigw.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the markdown tables of docs/benchmarks.md from a JMH JSON result file
 * ({@code java -cp benchmarks.jar dev.aigw.bench.Summary results.json}). Allocation columns need
 * the run to have used {@code -prof gc}.
 */
public final class Summary {
    static final double REQUEST_TARGET_US = 20;
    static final double EVENT_TARGET_US = 2;

    private Summary() {
    }

    private record Score(double score, double error, double allocBytes) {
        String time() {
            return String.format(Locale.ROOT, "%.2f ± %.2f", score, error);
        }

        String alloc() {
            return Double.isNaN(allocBytes) ? "n/a" : String.format(Locale.ROOT, "%.1f", allocBytes / 1024);
        }
    }

    public static void main(String[] args) throws IOException {
        JsonNode results = Fixtures.MAPPER.readTree(Files.readAllBytes(Path.of(args[0])));
        Map<String, Map<String, Score>> byParam = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String bench = r.path("benchmark").asText();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            JsonNode params = r.path("params");
            String param = params.isObject() && params.size() > 0 ? params.elements().next().asText() : "";
            JsonNode pm = r.path("primaryMetric");
            JsonNode sec = r.path("secondaryMetrics");
            JsonNode alloc = sec.has("gc.alloc.rate.norm") ? sec.path("gc.alloc.rate.norm") : sec.path("·gc.alloc.rate.norm");
            if (!"us/op".equals(pm.path("scoreUnit").asText())) {
                throw new IllegalStateException(bench + ": unit " + pm.path("scoreUnit").asText());
            }
            Score s = new Score(pm.path("score").asDouble(), pm.path("scoreError").asDouble(Double.NaN),
                    alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble());
            byParam.computeIfAbsent(cls + "|" + param, k -> new LinkedHashMap<>()).put(method, s);
        }

        System.out.println("| pair (client → backend) | request, µs | KB alloc. | response, µs | KB alloc. "
                + "| stream, µs/event | KB alloc./event | request ≤ 20 µs | event ≤ 2 µs |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (var e : byParam.entrySet()) {
            if (!e.getKey().startsWith("TranslationBench|")) {
                continue;
            }
            Map<String, Score> m = e.getValue();
            Score req = m.get("request");
            Score resp = m.get("response");
            Score stream = m.get("stream");
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    e.getKey().substring("TranslationBench|".length()).replace(">", " → "),
                    req == null ? "" : req.time(), req == null ? "" : req.alloc(),
                    resp == null ? "" : resp.time(), resp == null ? "" : resp.alloc(),
                    stream == null ? "" : stream.time(), stream == null ? "" : stream.alloc(),
                    req == null ? "" : verdict(req, REQUEST_TARGET_US), stream == null ? "" : verdict(stream, EVENT_TARGET_US));
        }
        System.out.println();
        System.out.println("| other | µs/op | KB alloc./op |");
        System.out.println("|---|---|---|");
        for (var e : byParam.entrySet()) {
            if (e.getKey().startsWith("TranslationBench|")) {
                continue;
            }
            String[] k = e.getKey().split("\\|", 2);
            for (var m : e.getValue().entrySet()) {
                System.out.printf("| %s.%s (%s) | %s | %s |%n", k[0], m.getKey(), k[1], m.getValue().time(), m.getValue().alloc());
            }
        }
    }

    /** Met only when the whole error interval is under the target. */
    private static String verdict(Score s, double target) {
        if (s.score + s.error <= target) {
            return "met";
        }
        return s.score - s.error > target ? "**missed**" : "on the limit";
    }
}

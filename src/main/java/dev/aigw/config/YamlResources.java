package dev.aigw.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads multi-document YAML (and {@code kind: List}) into {@link RawResource}s, remembering the
 * line of every node so problems can point at it. Builds the tree itself rather than through
 * {@code readTree} because the seed's YAML repeats a key: the later value wins, with a warning
 * that names the line, instead of a parse failure.
 */
public final class YamlResources {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The default bound on one config file (and one Kubernetes object), in bytes: {@code --max-config-bytes}. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    private static volatile long maxBytes = DEFAULT_MAX_BYTES;
    private static volatile YAMLFactory yaml = factory(DEFAULT_MAX_BYTES);

    private YamlResources() {
    }

    /** The resources of one source text, and the problems found reading it. */
    public record Result(List<RawResource> resources, List<Problem> problems) {
    }

    /**
     * Sets the size bound of one source text (the {@code --max-config-bytes} flag). SnakeYAML's own
     * limit (3 MiB of code points by default, reported as a YAML error) is raised to match, so the
     * only limit a user meets is this one, with a message naming it.
     */
    public static void maxBytes(long bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("max config bytes " + bytes + " (expected at least 1024)");
        maxBytes = bytes;
        yaml = factory(bytes);
    }

    public static long maxBytes() {
        return maxBytes;
    }

    private static YAMLFactory factory(long bytes) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, bytes));
        return YAMLFactory.builder().loaderOptions(options).build();
    }

    /** The problem for a source over the bound, naming the bound and the flag that raises it. */
    public static Problem tooLarge(String sourceName, long size) {
        return Problem.error(new Location(sourceName, 0), "", "is " + size + " bytes, over the limit of " + maxBytes
                + " bytes for one config file; split it, or raise the limit with --max-config-bytes");
    }

    public static Result parse(String sourceName, String text) {
        List<RawResource> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        // Characters are at most 4 bytes (UTF-8), and at least one: a cheap bound before counting.
        if ((long) text.length() > maxBytes && utf8Length(text) > maxBytes) {
            return new Result(List.of(), List.of(tooLarge(sourceName, utf8Length(text))));
        }
        Problem longRun = longestRun(sourceName, text);
        if (longRun != null) return new Result(List.of(), List.of(longRun));
        Map<JsonNode, Location> locator = new IdentityHashMap<>();
        Map<String, Location> lines = new HashMap<>();
        try (JsonParser p = yaml.createParser(new StringReader(text))) {
            int doc = 0;
            while (p.nextToken() != null) {
                doc++;
                Location docAt = at(sourceName, p);
                String base = "#" + doc;
                JsonNode root = build(sourceName, p, locator, lines, base, problems);
                // An empty document ("---" followed by nothing, or only comments) comes as an empty plain scalar.
                if (root == null || root.isNull() || root.isMissingNode()
                        || root.isTextual() && root.asText().isEmpty()) continue;
                if (!root.isObject()) {
                    problems.add(Problem.error(docAt, "", "document " + doc
                            + " is not a mapping (expected a Kubernetes resource with apiVersion, kind and metadata)"));
                    continue;
                }
                collect(sourceName, (ObjectNode) root, docAt, locator, lines, base, out, problems);
            }
        } catch (JsonProcessingException e) {
            var l = e.getLocation();
            Location at = new Location(sourceName, l == null ? 0 : l.getLineNr());
            problems.add(Problem.error(at, "", "malformed YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            problems.add(Problem.error(new Location(sourceName, 0), "", "cannot read: " + e.getMessage()));
        }
        return new Result(List.copyOf(out), List.copyOf(problems));
    }

    private static void collect(String source, ObjectNode root, Location docAt, Map<JsonNode, Location> locator,
                                Map<String, Location> lines, String base, List<RawResource> out,
                                List<Problem> problems) {
        String kind = root.path("kind").asText("");
        if (kind.equals("List") || kind.endsWith("List") && root.has("items")) {
            int i = 0;
            for (JsonNode item : root.path("items")) {
                Location itemAt = locator.getOrDefault(item, docAt);
                String itemBase = base + "/items/" + i++;
                if (item instanceof ObjectNode o) collect(source, o, itemAt, locator, lines, itemBase, out, problems);
                else problems.add(Problem.error(itemAt, "", "List item is not a mapping"));
            }
            return;
        }
        String apiVersion = root.path("apiVersion").asText("");
        JsonNode meta = root.path("metadata");
        String name = meta.path("name").asText("");
        String namespace = meta.path("namespace").asText("");
        if (namespace.isEmpty()) namespace = ResourceKey.DEFAULT_NAMESPACE;
        if (kind.isEmpty()) {
            problems.add(Problem.error(docAt, "", "resource has no kind (expected e.g. kind: Backend)"));
            return;
        }
        if (apiVersion.isEmpty()) {
            problems.add(Problem.error(docAt, kind + " " + namespace + "/" + name, "resource has no apiVersion"));
            return;
        }
        if (name.isEmpty()) {
            problems.add(Problem.error(docAt, kind, "resource has no metadata.name"));
            return;
        }
        Instant created = Instant.EPOCH;
        String ts = meta.path("creationTimestamp").asText("");
        if (!ts.isEmpty()) {
            try {
                created = Instant.parse(ts);
            } catch (DateTimeParseException e) {
                problems.add(Problem.warning(locator.getOrDefault(meta.get("creationTimestamp"), docAt),
                        kind + " " + namespace + "/" + name, "creationTimestamp is not RFC 3339: " + ts));
            }
        }
        long generation = meta.path("generation").asLong(0);
        out.add(new RawResource(apiVersion, new ResourceKey(kind, namespace, name), root, docAt, created, generation,
                locator, lines, base));
    }

    private static Location at(String source, JsonParser p) {
        return new Location(source, p.currentTokenLocation().getLineNr());
    }

    /**
     * Builds the node at the parser's current token, recording each node's line twice: by identity
     * (containers, strings, numbers) and by JSON pointer (every node, booleans and nulls too, which
     * Jackson shares; a mapping's field is recorded at its key's line).
     */
    private static JsonNode build(String source, JsonParser p, Map<JsonNode, Location> locator,
                                  Map<String, Location> lines, String ptr, List<Problem> problems) throws IOException {
        Location here = at(source, p);
        lines.putIfAbsent(ptr, here);
        JsonToken t = p.currentToken();
        JsonNode node = switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    Location fieldAt = at(source, p);
                    String child = ptr + "/" + escape(field);
                    lines.put(child, fieldAt);
                    p.nextToken();
                    JsonNode value = build(source, p, locator, lines, child, problems);
                    if (o.has(field)) {
                        problems.add(Problem.warning(fieldAt, "", "duplicate key '" + field
                                + "': the later value is used"));
                    }
                    o.set(field, value);
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(build(source, p, locator, lines, ptr + "/" + i++, problems));
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            // Fresh instances (the factory caches small ints), so each number's line can be recorded.
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> new IntNode(p.getIntValue());
                case LONG -> new LongNode(p.getLongValue());
                default -> new BigIntegerNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> new DoubleNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> NODES.textNode(p.getText());
            default -> throw new JsonParseProblem(p, "unexpected token " + t);
        };
        if (node.isContainerNode() || node.isTextual() || node.isNumber()) locator.put(node, here);
        return node;
    }

    /**
     * The longest run of characters without a space or line break a value may have (1 MiB).
     * SnakeYAML copies its read window for every 1 KiB it reads while a run lasts, which makes a
     * long run quadratic (16 MiB: minutes); a longer run is refused before parsing, at once.
     * Values with spaces or line breaks (PEM blocks, JSON keys) are scanned in pieces and may be
     * as long as the file.
     */
    public static final int MAX_RUN = 1024 * 1024;

    private static Problem longestRun(String source, String text) {
        int run = 0;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                run = 0;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                run = 0;
            } else if (++run > MAX_RUN) {
                return Problem.error(new Location(source, line), "", "a value of more than " + MAX_RUN
                        + " characters without a space or line break (the longest this gateway reads); "
                        + "break it into lines (a YAML block scalar, | or >) or keep it out of the config");
            }
        }
        return null;
    }

    /** RFC 6901 escaping of one pointer segment. */
    public static String escape(String segment) {
        if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) return segment;
        return segment.replace("~", "~0").replace("/", "~1");
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    private static final class JsonParseProblem extends JsonProcessingException {
        JsonParseProblem(JsonParser p, String msg) {
            super(msg, p.currentTokenLocation());
        }
    }
}

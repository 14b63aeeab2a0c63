package dev.aigw.kube;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.aigw.config.GoDuration;
import dev.aigw.config.RawJson;
import dev.aigw.config.agentgateway.AgentgatewayBackend;
import dev.aigw.config.agentgateway.AgentgatewayPolicy;
import dev.aigw.config.kgateway.BackendSpec;
import dev.aigw.config.kgateway.TrafficPolicySpec;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field the strict binding accepts exists in the CRD schema in {@code deploy/crds}, and
 * every field the CRD lists is one the binding reads (a preserve-unknown-fields node on either
 * side accepts whatever lies below it). The agentgateway CRDs' spec schemas are generated from
 * the records: {@code -Dcrds.update=true} rewrites them.
 */
class CrdBindingTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Path CRDS = Path.of("deploy/crds");

    record Pair(String file, Class<?> spec, boolean generated) {
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("gateway.kgateway.dev_backends.yaml", BackendSpec.class, false),
            new Pair("gateway.kgateway.dev_trafficpolicies.yaml", TrafficPolicySpec.class, false),
            new Pair("agentgateway.dev_agentgatewaybackends.yaml", AgentgatewayBackend.Spec.class, true),
            new Pair("agentgateway.dev_agentgatewaypolicies.yaml", AgentgatewayPolicy.Spec.class, true));

    @Test
    void bindingAndCrdsListTheSameFields() throws Exception {
        boolean update = Boolean.getBoolean("crds.update");
        for (Pair p : PAIRS) {
            Path file = CRDS.resolve(p.file());
            ObjectNode crd = (ObjectNode) YAML.readTree(Files.readString(file));
            ObjectNode version = (ObjectNode) crd.path("spec").path("versions").get(0);
            ObjectNode props = (ObjectNode) version.path("schema").path("openAPIV3Schema").path("properties");
            if (update && p.generated()) {
                props.set("spec", schema(p.spec()));
                String header = Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("#"))
                        .reduce("", (a, b) -> a + b + "\n");
                Files.writeString(file, header + YAML.writeValueAsString(crd));
            }
            TreeSet<String> binding = new TreeSet<>();
            TreeSet<String> bindingOpen = new TreeSet<>();
            paths(schema(p.spec()), "spec", binding, bindingOpen);
            TreeSet<String> schema = new TreeSet<>();
            TreeSet<String> schemaOpen = new TreeSet<>();
            paths(props.path("spec"), "spec", schema, schemaOpen);
            List<String> notInCrd = binding.stream().filter(x -> !schema.contains(x) && !under(x, schemaOpen)).toList();
            List<String> notBound = schema.stream().filter(x -> !binding.contains(x) && !under(x, bindingOpen)).toList();
            assertThat(notInCrd).as(p.file() + ": fields the binding accepts that the CRD does not list").isEmpty();
            assertThat(notBound).as(p.file() + ": fields the CRD lists that the binding refuses").isEmpty();
        }
    }

    private static boolean under(String path, TreeSet<String> open) {
        for (String o : open) if (path.startsWith(o + ".") || path.startsWith(o + "[]")) return true;
        return false;
    }

    /** Dotted paths of a schema's properties; {@code open}: nodes that preserve unknown fields. */
    static void paths(JsonNode s, String at, TreeSet<String> out, TreeSet<String> open) {
        if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) open.add(at);
        for (var e : s.path("properties").properties()) {
            String p = at + "." + e.getKey();
            out.add(p);
            paths(e.getValue(), p, out, open);
        }
        if (s.has("items")) paths(s.get("items"), at + "[]", out, open);
        if (s.path("additionalProperties").isObject()) paths(s.get("additionalProperties"), at + "{}", out, open);
    }

    /** The OpenAPI v3 schema of a binding record, as a structural CRD schema. */
    static ObjectNode schema(Type t) {
        ObjectNode s = NODES.objectNode();
        if (t instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            Type arg = pt.getActualTypeArguments()[pt.getActualTypeArguments().length - 1];
            if (raw == Optional.class) return schema(arg);
            if (List.class.isAssignableFrom(raw)) {
                s.put("type", "array");
                s.set("items", schema(arg));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                s.put("type", "object");
                s.set("additionalProperties", schema(arg));
                return s;
            }
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class || c == GoDuration.class) return s.put("type", "string");
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return s.put("type", "integer");
        if (c == Boolean.class || c == boolean.class) return s.put("type", "boolean");
        if (c == RawJson.class || JsonNode.class.isAssignableFrom(c)) return s.put("x-kubernetes-preserve-unknown-fields", true);
        if (c.isEnum()) {
            s.put("type", "string");
            var e = s.putArray("enum");
            for (Object o : c.getEnumConstants()) e.add(((Enum<?>) o).name());
            return s;
        }
        if (c.isRecord()) {
            s.put("type", "object");
            ObjectNode props = s.putObject("properties");
            List<String> required = new ArrayList<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                JsonProperty jp = rc.getAccessor().getAnnotation(JsonProperty.class);
                String name = jp != null && !jp.value().isEmpty() ? jp.value() : rc.getName();
                props.set(name, schema(rc.getGenericType()));
                Class<?> rt = rc.getType();
                if (rt != Optional.class && !List.class.isAssignableFrom(rt) && !Map.class.isAssignableFrom(rt)) {
                    required.add(name);
                }
            }
            if (!required.isEmpty()) {
                var r = s.putArray("required");
                required.forEach(r::add);
            }
            return s;
        }
        throw new IllegalArgumentException("no schema for " + t);
    }
}

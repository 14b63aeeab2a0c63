package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/: every manifest parses, each kustomization lists files that exist, the Kustomize base
 * renders with {@code kubectl kustomize} (when kubectl is installed), and the Backend CRD's
 * schema accepts the seed's Backends and the other two {@code spec.ai} shapes (a small structural
 * check: types, enums, required fields, unknown fields where they are not preserved).
 */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("deploy");
    static final ObjectMapper YAML = new YAMLMapper();

    static List<JsonNode> docs(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) out.add(n);
            }
        }
        return out;
    }

    static List<Path> yamlFiles() throws Exception {
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyManifestParsesAndNamesItself() throws Exception {
        List<Path> files = yamlFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        for (Path f : files) {
            for (JsonNode d : docs(f)) {
                assertThat(d.path("apiVersion").asText()).as(f + " apiVersion").isNotEmpty();
                assertThat(d.path("kind").asText()).as(f + " kind").isNotEmpty();
                if (!d.path("kind").asText().equals("Kustomization")) {
                    assertThat(d.path("metadata").path("name").asText()).as(f + " metadata.name").isNotEmpty();
                }
            }
        }
    }

    @Test
    void kustomizationsListExistingFiles() throws Exception {
        for (Path f : yamlFiles()) {
            if (!f.getFileName().toString().equals("kustomization.yaml")) continue;
            for (JsonNode r : docs(f).getFirst().path("resources")) {
                Path p = f.getParent().resolve(r.asText()).normalize();
                assertThat(p).as(f + " lists " + r.asText()).exists();
                if (Files.isDirectory(p)) assertThat(p.resolve("kustomization.yaml")).exists();
            }
        }
    }

    @Test
    void theDeploymentIsWhatTheIssueAsks() throws Exception {
        JsonNode d = docs(DEPLOY.resolve("kubernetes/deployment.yaml")).getFirst();
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = d.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("args").toString()).contains("\"--admin-address\",\"0.0.0.0\"");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(c.path("resources").path("requests").has("cpu")).isTrue();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(d.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/scrape")
                .asText()).isEqualTo("true");
    }

    @Test
    void kubectlKustomizeRenders() throws Exception {
        boolean hasKubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
        assumeTrue(hasKubectl, "kubectl is not installed");
        Process p = new ProcessBuilder("kubectl", "kustomize", "deploy/kubernetes").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        for (String kind : List.of("Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget")) {
            assertThat(out).contains("kind: " + kind + "\n");
        }
        assertThat(out).contains("namespace: kgateway-system");
    }

    // ---- the Backend CRD against the resources it must accept ----

    static JsonNode schema(String plural) throws Exception {
        JsonNode crd = docs(DEPLOY.resolve("crds/gateway.kgateway.dev_" + plural + ".yaml")).getFirst();
        return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }

    @Test
    void theBackendSchemaAcceptsTheSeedAndAllThreeShapes() throws Exception {
        JsonNode schema = schema("backends");
        List<ObjectNode> backends = new ArrayList<>();
        for (String f : List.of("azure-backend.yaml", "gemini-backend.yaml")) {
            YamlResources.Result r = YamlResources.parse(f, Files.readString(Path.of("src/test/resources/seed", f)));
            for (RawResource raw : r.resources()) backends.add(raw.body());
        }
        backends.add((ObjectNode) YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: v21}
                spec:
                  type: AI
                  ai:
                    priorityGroups:
                    - providers:
                      - name: primary
                        openai: {model: gpt-4o, authToken: {kind: SecretRef, secretRef: {name: s}}}
                        host: api.example.com
                        port: 443
                        path: {full: /v1/chat/completions}
                        authHeader: {headerName: Authorization, prefix: "Bearer "}
                    - providers:
                      - name: backup
                        bedrock: {model: m, region: us-east-1, auth: {type: Secret, secretRef: {name: aws}}}
                """));
        backends.add((ObjectNode) YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: v20-multipool}
                spec:
                  type: AI
                  ai:
                    multipool:
                      priorities:
                      - pool:
                        - provider: {anthropic: {authToken: {kind: Passthrough}}}
                          hostOverride: {host: localhost, port: 11434}
                          pathOverride: {fullPath: /v1/messages}
                """));
        backends.add((ObjectNode) YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: static}
                spec: {type: Static, static: {hosts: [{host: example.com, port: 80}]}}
                """));
        for (ObjectNode b : backends) {
            List<String> errors = new ArrayList<>();
            validate(schema, b, "", errors);
            assertThat(errors).as(b.path("metadata").path("name").asText()).isEmpty();
        }
    }

    @Test
    void theStructuralCheckCatchesWhatTheApiServerWouldReject() throws Exception {
        JsonNode bad = YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: bad}
                spec:
                  type: Remote
                  ai:
                    llm:
                      gemini: {authToken: {kind: Magic}}
                      port: "443"
                    bogus: 1
                """);
        List<String> errors = new ArrayList<>();
        validate(schema("backends"), bad, "", errors);
        assertThat(errors).anyMatch(e -> e.startsWith(".spec.type")).anyMatch(e -> e.startsWith(".spec.ai.llm.gemini.authToken.kind"))
                .anyMatch(e -> e.startsWith(".spec.ai.llm.port")).anyMatch(e -> e.startsWith(".spec.ai.bogus"));
    }

    @Test
    void theOtherSchemasAcceptTheirExamples() throws Exception {
        List<String> errors = new ArrayList<>();
        validate(schema("trafficpolicies"), YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: p}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: openai}]
                  ai:
                    routeType: CHAT_STREAMING
                    defaults: [{field: temperature, value: 0.5, override: true}]
                    promptGuard: {request: {regex: {builtins: [SSN], action: MASK}}}
                """), "", errors);
        validate(schema("gatewayparameters"), YAML.readTree("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: GatewayParameters
                metadata: {name: ai-gateway, namespace: kgateway-system}
                spec: {kube: {aiExtension: {enabled: true, ports: [{name: ai-monitoring, containerPort: 9092}]}, service: {type: LoadBalancer}}}
                """), "", errors);
        assertThat(errors).isEmpty();
    }

    /** The parts of structural-schema validation the API server applies to these CRDs. */
    static void validate(JsonNode schema, JsonNode value, String at, List<String> errors) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        String type = schema.path("type").asText("");
        if (value.isNull() || at.equals(".metadata")) return; // the API server validates metadata itself
        boolean typeOk = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!typeOk) {
            errors.add(at + ": expected " + type + ", found " + value.getNodeType());
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(value);
            if (!found) errors.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (schema.has("pattern") && value.isTextual() && !value.asText().matches(schema.get("pattern").asText())) {
            errors.add(at + ": " + value + " does not match " + schema.get("pattern").asText());
        }
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) errors.add(at + "." + r.asText() + ": required");
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            Map<String, JsonNode> fields = new HashMap<>();
            value.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
            fields.forEach((k, v) -> {
                if (props.has(k)) validate(props.get(k), v, at + "." + k, errors);
                else if (!preserve && !type.isEmpty() && !(at.isEmpty() && k.equals("status"))) {
                    errors.add(at + "." + k + ": unknown field (pruned by the API server)");
                }
            });
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) validate(schema.get("items"), value.get(i), at + "[" + i + "]", errors);
        }
    }
}

package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode (it stores what is written and streams watch events),
 * with our kinds registered (status as a subresource), and a client to act as the operator.
 */
final class MockCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final KubernetesMockServer server;
    final KubernetesClient operator;

    MockCluster() {
        List<CustomResourceDefinitionContext> crds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            if (k == Kind.SECRET) continue;
            crds.add(new CustomResourceDefinitionContext.Builder().withGroup(k.group)
                    .withVersion(k.version).withKind(k.kind).withPlural(k.plural)
                    .withScope(k.namespaced ? "Namespaced" : "Cluster").withStatusSubresource(true).build());
        }
        // CRUD mode: the dispatcher stores objects and serves list/watch; plain HTTP.
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(crds), false);
        server.init();
        operator = new KubernetesClientBuilder().withConfig(clientConfig(server.getHostName(), server.getPort())).build();
    }

    /** A client config for the gateway: short reconnect back-off so tests do not wait long. */
    static Config clientConfig(String host, int port) {
        return new ConfigBuilder(Config.empty()).withMasterUrl("http://" + host + ":" + port)
                .withNamespace("kgateway-system").withTrustCerts(true)
                .withWatchReconnectInterval(100).withWatchReconnectLimit(-1)
                .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(50)
                .withConnectionTimeout(2_000).withRequestTimeout(5_000).build();
    }

    Config gatewayConfig() {
        return clientConfig(server.getHostName(), server.getPort());
    }

    /** Creates or replaces every resource of the YAML text (read with our reader: the seed repeats a key). */
    void apply(String yaml) {
        YamlResources.Result r = YamlResources.parse("test.yaml", yaml);
        if (!r.problems().stream().allMatch(p -> p.severity() == dev.aigw.config.Problem.Severity.WARNING)) {
            throw new AssertionError("bad test YAML: " + r.problems());
        }
        for (RawResource raw : r.resources()) {
            Kind kind = Kind.of(raw.kind());
            GenericKubernetesResource obj = operator.getKubernetesSerialization()
                    .unmarshal(raw.body().toString(), GenericKubernetesResource.class);
            var op = operator.genericKubernetesResources(kind.context());
            var res = kind.namespaced ? op.inNamespace(raw.namespace()).resource(obj) : op.resource(obj);
            if (res.get() == null) res.create();
            else res.update();
        }
    }

    void applySeed(String... files) throws IOException {
        List<String> docs = new ArrayList<>();
        for (String f : files) docs.add(Files.readString(Path.of("src/test/resources/seed", f), StandardCharsets.UTF_8));
        apply(String.join("\n---\n", docs));
    }

    void delete(Kind kind, String namespace, String name) {
        operator.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(name).delete();
    }

    /** The object's status as stored, or a missing node. */
    JsonNode status(Kind kind, String namespace, String name) {
        var op = operator.genericKubernetesResources(kind.context());
        GenericKubernetesResource obj = kind.namespaced ? op.inNamespace(namespace).withName(name).get()
                : op.withName(name).get();
        if (obj == null || obj.getAdditionalProperties().get("status") == null) return MissingNode.getInstance();
        try {
            return JSON.readTree(operator.getKubernetesSerialization().asJson(obj.getAdditionalProperties().get("status")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The condition {@code type} of a {@code conditions} array, or a missing node. */
    static JsonNode condition(JsonNode conditions, String type) {
        for (JsonNode c : conditions) if (c.path("type").asText().equals(type)) return c;
        return MissingNode.getInstance();
    }

    static String gateway(String name, String gatewayClass, int port) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: %s, namespace: kgateway-system}
                spec:
                  gatewayClassName: %s
                  listeners:
                  - {protocol: HTTP, port: %d, name: http, allowedRoutes: {namespaces: {from: All}}}
                """.formatted(name, gatewayClass, port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        operator.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // The mock server's own shutdown can time out while watch connections linger (seen on
            // a loaded 2-core machine); the port is freed with the JVM, and the test has already spoken.
            System.err.println("mock API server shutdown: " + e.getMessage());
        }
    }
}

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
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's mock API server in CRUD mode (it stores what is written and streams watch events),
 * with our kinds registered (status as a subresource), and a client to act as the operator.
 */
final class MockCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final KubernetesMockServer server;
    final KubernetesClient operator;
    /** While set, status patches whose path contains it are refused with 409 Conflict (counted in {@link #refused}). */
    volatile String refuseStatusPatches;
    final AtomicInteger refused = new AtomicInteger();

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
                new KubernetesCrudDispatcher(crds) {
                    @Override
                    public MockResponse handlePatch(RecordedRequest request) {
                        String refuse = refuseStatusPatches;
                        String path = request.getPath();
                        if (refuse != null && path != null && path.contains(refuse) && path.endsWith("/status")) {
                            refused.incrementAndGet();
                            return new MockResponse().setResponseCode(409).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                    + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,\"message\":"
                                    + "\"the object has been modified; please apply your changes to the latest version\"}");
                        }
                        return super.handlePatch(request);
                    }

                    @Override
                    public MockResponse handleWatch(String path) {
                        MockResponse watch = super.handleWatch(path);
                        return watch.withWebSocketUpgrade(new CloseOffTheLoop(watch.getWebSocketListener()));
                    }

                    /**
                     * JSON merge patch as RFC 7386 and the API server do it: an array replaces the old one.
                     * fabric8's mock merges with Jackson's readerForUpdating, which appends array elements,
                     * so a Gateway's first status ({@code listeners[0].attachedRoutes: 0}, written before
                     * its routes are seen, as happens under load) stayed first after every later write.
                     */
                    @Override
                    public tools.jackson.databind.JsonNode merge(tools.jackson.databind.JsonNode base, String patch)
                            throws KubernetesCrudDispatcherException {
                        return mergePatch(base.deepCopy(), asNode(patch));
                    }
                }, false);
        server.init();
        operator = new KubernetesClientBuilder().withConfig(clientConfig(server.getHostName(), server.getPort())).build();
    }

    /**
     * A watch's listener whose close callbacks run on a thread of their own instead of the mock
     * server's event loop. fabric8's {@code WatchEventsListener} (8.0.0) ends its send executor with
     * {@code awaitTermination(1 min)} inside {@code onClosed}/{@code onFailure}, which the mock web
     * server calls on its only event loop; an event send still running on that executor waits
     * ({@code VertxMockWebSocket.awaitWrite}, up to 30 s) for a write that only that same loop can
     * complete. So a watch connection dropped while an event was on its way to it (the gateway's own
     * status writes fan out to its watches; {@link TcpProxy#cut()} drops them) froze the whole mock
     * API server for 30 s, and the operator's next request timed out (the CI failure of
     * KubernetesResilienceTest). Off the loop, the write completes (or fails) and the close finishes.
     */
    static final class CloseOffTheLoop extends WebSocketListener {
        private final WebSocketListener watch;

        CloseOffTheLoop(WebSocketListener watch) {
            this.watch = watch;
        }

        @Override
        public void onBeforeAccept(WebSocket ws, Response response) {
            watch.onBeforeAccept(ws, response);
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            watch.onOpen(ws, response);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            watch.onMessage(ws, text);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            watch.onMessage(ws, bytes);
        }

        @Override
        public void onMessage(WebSocket ws, byte[] bytes) {
            watch.onMessage(ws, bytes);
        }

        @Override
        public void onPing(WebSocket ws, byte[] payload) {
            watch.onPing(ws, payload);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            watch.onClosing(ws, code, reason); // only queues the close behind pending sends
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            Thread.ofVirtual().name("mock-watch-closed").start(() -> watch.onClosed(ws, code, reason));
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            Thread.ofVirtual().name("mock-watch-failed").start(() -> watch.onFailure(ws, t, response));
        }
    }

    static tools.jackson.databind.JsonNode mergePatch(tools.jackson.databind.JsonNode target,
                                                      tools.jackson.databind.JsonNode patch) {
        if (!patch.isObject()) return patch; // arrays and scalars replace
        tools.jackson.databind.node.ObjectNode out = target != null && target.isObject()
                ? (tools.jackson.databind.node.ObjectNode) target
                : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (var e : patch.properties()) {
            if (e.getValue().isNull()) out.remove(e.getKey());
            else out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
        }
        return out;
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

package dev.aigw.testing;

import dev.aigw.cli.GatewayApp;
import dev.aigw.proxy.ProxyOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway started in-process from YAML written to a temp dir, with upstream host names
 * pointed at fakes ({@code --connect-to}) and the test CA trusted ({@code --ca-file}). The
 * YAML's provider sections stay as written.
 */
public final class GatewayHarness implements AutoCloseable {
    public final Path dir;
    private final GatewayApp app;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayHarness(Path dir, GatewayApp app) {
        this.dir = dir;
        this.app = app;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> files = new HashMap<>();
        private final Map<String, String> connectTo = new HashMap<>();
        private final Map<String, String> env = new HashMap<>();
        private Duration watch = Duration.ZERO;
        private long maxBody = ProxyOptions.DEFAULT_MAX_BODY;
        private int logPrompts;
        private String adminAddress = "127.0.0.1";
        private dev.aigw.admin.DashboardOptions dashboard = dev.aigw.admin.DashboardOptions.DEFAULTS;
        private java.util.function.UnaryOperator<ProxyOptions> proxyOptions = o -> o;

        /** Adjusts the data-path options (client limits and the like) after the harness's own. */
        public Builder proxy(java.util.function.UnaryOperator<ProxyOptions> adjust) {
            this.proxyOptions = adjust;
            return this;
        }

        public Builder file(String name, String yaml) {
            files.put(name, yaml);
            return this;
        }

        /** Sends requests for {@code host:443} (or {@code host:port}) to the fake. */
        public Builder upstream(String hostPort, FakeUpstream fake) {
            connectTo.put(hostPort.contains(":") ? hostPort : hostPort + ":443", "127.0.0.1:" + fake.port());
            return this;
        }

        public Builder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        public Builder watch(Duration every) {
            this.watch = every;
            return this;
        }

        public Builder logPrompts(int chars) {
            this.logPrompts = chars;
            return this;
        }

        /** The admin listener's address (default 127.0.0.1); tests still connect over loopback. */
        public Builder adminAddress(String address) {
            this.adminAddress = address;
            return this;
        }

        /** The dashboard's admin token and Try it switch. */
        public Builder dashboard(dev.aigw.admin.DashboardOptions options) {
            this.dashboard = options;
            return this;
        }

        public Builder maxBody(long bytes) {
            this.maxBody = bytes;
            return this;
        }

        public GatewayHarness start() throws Exception {
            Path dir = Files.createTempDirectory("aigw-test");
            for (var e : files.entrySet()) Files.writeString(dir.resolve(e.getKey()), e.getValue());
            ProxyOptions proxy = ProxyOptions.defaults().withBindAddress("127.0.0.1").withConnectTo(connectTo)
                    .withCaFiles(List.of(TestCerts.caPem())).withMaxBodyBytes(maxBody).withLogPrompts(logPrompts);
            proxy = proxyOptions.apply(proxy);
            GatewayApp app = GatewayApp.start(new GatewayApp.Settings(List.of(dir), 0, adminAddress, 0, proxy, watch,
                    env::get), dashboard);
            return new GatewayHarness(dir, app);
        }
    }

    public GatewayApp app() {
        return app;
    }

    /** The base URL of the listener configured with {@code port} (0: the implicit Gateway). */
    public String url(int configuredPort) {
        return "http://127.0.0.1:" + app.port(configuredPort);
    }

    public String url() {
        return url(0);
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + app.adminPort();
    }

    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        // The request timeout covers only the response head; bound the whole exchange too.
        try {
            return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("no complete response within 30 s", e);
        }
    }

    public HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        app.close();
    }
}

package dev.aigw.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the JVM's ahead-of-time cache ({@code bin/ai-gateway aot-cache}, JDK 25's
 * {@code -XX:AOTCacheOutput}): starts a gateway on loopback ports in front of a small upstream of
 * its own that speaks OpenAI and Anthropic, sends it the kinds of request it serves (whole and
 * streamed, passthrough and translated, guarded, the admin endpoints), and stops. The JVM then
 * writes the classes this loaded and linked, and their profiles, into the cache, so a real start
 * skips that work. Everything stays on 127.0.0.1 and ends by itself (bounded waits).
 */
final class Training {
    private static final String COMPLETION = "{\"id\":\"chatcmpl-train\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Hello!\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,"
            + "\"total_tokens\":7}}";
    private static final String MESSAGE = "{\"id\":\"msg_train\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-3-5-haiku-latest\",\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],"
            + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}";
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":"
            + "\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say hello.\"}],\"temperature\":0.2%s}";

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: train-gw, namespace: kgateway-system}
            spec:
              gatewayClassName: kgateway
              listeners:
              - {name: http, protocol: HTTP, port: 18080, allowedRoutes: {namespaces: {from: All}}}
            ---
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: openai, namespace: kgateway-system}
            spec:
              type: AI
              ai: {llm: {host: 127.0.0.1, port: 18081, openai: {authToken: {kind: Inline, inline: train-token}, model: gpt-4o-mini}}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: train-gw, namespace: kgateway-system}
            spec:
              parentRefs: [{name: train-gw}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /v1}}]
                backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
            """;

    private Training() {
    }

    /** Runs the training traffic; returns the number of requests that did not get a 2xx (0 is a good run). */
    static int run(int rounds) throws Exception {
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("aigw-train");
        GatewayApp app = null;
        try {
            HttpServer upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
                String body = b.toString(StandardCharsets.UTF_8);
                var resp = req.response();
                if (body.contains("\"stream\":true")) {
                    resp.setChunked(true).putHeader("content-type", "text/event-stream");
                    boolean anthropic = req.path().endsWith("/messages");
                    for (String e : anthropic ? anthropicEvents() : openAiEvents()) resp.write(e);
                    resp.end();
                } else {
                    resp.putHeader("content-type", "application/json")
                            .end(req.path().endsWith("/messages") ? MESSAGE : COMPLETION);
                }
            })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            Path config = dir.resolve("train.yaml");
            Files.writeString(config, config(upstream.actualPort()));
            // Started as `ai-gateway run` starts (RunArgs, Main.Run), so the cache holds that path too,
            // with an empty environment (no OTEL_* exporter, no admin token from the caller's shell).
            Main.Run run = RunArgs.parse(new String[]{"run", "-f", config.toString(), "--port", "0", "--admin-port", "0",
                    "--bind-address", "127.0.0.1", "--watch-interval", "0"});
            if (run == null) throw new IllegalStateException("the training's own command line did not parse");
            Main.Run.Started started = run.start(Map.<String, String>of()::get);
            if (started.app() == null) throw new IllegalStateException("the training gateway did not start");
            app = started.app();
            int port = app.port(0);
            // A config with a Gateway of its own (the usual shape, and the bench's) is bound and
            // compiled too, as `validate` does; serving it would need a fixed port.
            Path gateway = dir.resolve("gateway.yaml");
            Files.writeString(gateway, GATEWAY);
            Main.Validate validate = new Main.Validate();
            validate.config = new Main.ConfigOptions();
            validate.config.files.add(gateway);
            if (validate.call() != 0) throw new IllegalStateException("the training's Gateway config did not validate");
            HttpClientAgent client = vertx.createHttpClient();
            List<String[]> calls = List.of(
                    new String[]{"/v1/chat/completions", CHAT.formatted(""), ""},
                    new String[]{"/v1/chat/completions", CHAT.formatted(",\"stream\":true"), ""},
                    new String[]{"/v1/chat/completions", CHAT.formatted(""), "anthropic"},
                    new String[]{"/v1/chat/completions", CHAT.formatted(",\"stream\":true"), "anthropic"},
                    new String[]{"/v1/messages", "{\"model\":\"claude-3-5-haiku-latest\",\"max_tokens\":64,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}", ""},
                    new String[]{"/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"my password\"}]}", ""});
            int bad = 0;
            for (int i = 0; i < rounds; i++) {
                List<Future<Integer>> round = new ArrayList<>();
                for (String[] c : calls) round.add(post(client, port, c[0], c[1], c[2]));
                for (Future<Integer> f : round) {
                    int status = f.await(10, TimeUnit.SECONDS);
                    if (status / 100 != 2 && status != 403) bad++; // the guarded prompt is a 403 by design
                }
            }
            for (String path : List.of("/metrics", "/readyz", "/routes")) {
                int status = client.request(HttpMethod.GET, app.adminPort(), "127.0.0.1", path)
                        .compose(r -> r.send().compose(resp -> resp.body().map(x -> resp.statusCode())))
                        .await(10, TimeUnit.SECONDS);
                if (status != 200) bad++;
            }
            return bad;
        } finally {
            if (app != null) app.close();
            vertx.close().await(10, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Future<Integer> post(HttpClientAgent client, int port, String path, String body, String backend) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("content-type", "application/json");
        if (!backend.isEmpty()) o.putHeader("x-train-backend", backend);
        // The body is read inside send()'s callback: chained one step later, a pooled connection of
        // another context may already have delivered it (see JwksCache).
        return client.request(o).compose(r -> r.send(Buffer.buffer(body)).compose(resp -> resp.body().map(b -> resp.statusCode())))
                .recover(e -> Future.succeededFuture(0));
    }

    private static List<String> openAiEvents() {
        List<String> out = new ArrayList<>();
        String head = "data: {\"id\":\"chatcmpl-train\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[";
        out.add(head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
                + "\"usage\":null}\n\n");
        for (int i = 0; i < 5; i++) {
            out.add(head + "{\"index\":0,\"delta\":{\"content\":\"word" + i + " \"},\"finish_reason\":null}],"
                    + "\"usage\":null}\n\n");
        }
        out.add(head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        out.add(head + "],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}\n\n");
        out.add("data: [DONE]\n\n");
        return out;
    }

    private static List<String> anthropicEvents() {
        return List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_train\",\"type\":"
                        + "\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-latest\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\"Hello!\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":2}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private static String config(int upstreamPort) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      host: 127.0.0.1
                      port: %1$d
                      openai:
                        authToken: {kind: Inline, inline: train-token}
                        model: gpt-4o-mini
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: anthropic, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      host: 127.0.0.1
                      port: %1$d
                      anthropic:
                        authToken: {kind: Inline, inline: train-token}
                        model: claude-3-5-haiku-latest
                ---
                # Never called: a provider over TLS makes the gateway read the JVM's trust store at
                # start, as a config with one does, so the cache holds what that loads.
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai-tls, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      host: api.openai.com
                      port: 443
                      openai:
                        authToken: {kind: Inline, inline: train-token}
                        model: gpt-4o-mini
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: train, namespace: kgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway}]   # the implicit Gateway, on a free port
                  rules:
                  - name: tls
                    matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-train-backend, value: never-sent}]}]
                    backendRefs: [{name: openai-tls, group: gateway.kgateway.dev, kind: Backend}]
                  - name: translated
                    matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-train-backend, value: anthropic}]}]
                    backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
                  - name: passthrough
                    matches: [{path: {type: PathPrefix, value: /v1}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata: {name: train, namespace: kgateway-system}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: train}]
                  ai:
                    promptGuard:
                      request:
                        regex:
                          action: REJECT
                          matches: [{pattern: "(?i)password", name: password}]
                """.formatted(upstreamPort);
    }
}

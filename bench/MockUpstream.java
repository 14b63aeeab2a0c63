import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A fast fake OpenAI upstream for the benchmark (not a test double of any real behaviour beyond
 * the wire format). Run from the repo root, after the jar is built:
 *
 * <pre>java -cp target/ai-gateway.jar bench/MockUpstream.java PORT</pre>
 *
 * POST /v1/chat/completions (any path, in fact) answers a fixed ~1 KB chat.completion JSON, or,
 * when the body says {@code "stream": true}, an SSE stream of 20 chunks plus {@code [DONE]},
 * written at once (no delay). One server instance per core, all on 127.0.0.1:PORT.
 */
public class MockUpstream {
    static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    static final Buffer COMPLETION = Buffer.buffer(completion(), "UTF-8");
    static final Buffer[] CHUNKS = chunks();
    static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
        int instances = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new Server(port), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> System.out.println("mock upstream listening on 127.0.0.1:" + port
                        + " (" + instances + " instances, completion " + COMPLETION.length() + " bytes)"))
                .onFailure(e -> {
                    System.err.println("mock upstream failed to start: " + e);
                    System.exit(1);
                });
    }

    static final class Server extends AbstractVerticle {
        private final int port;

        Server(int port) {
            this.port = port;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0))
                    .requestHandler(this::handle)
                    .listen(port, "127.0.0.1")
                    .<Void>mapEmpty()
                    .onComplete(started);
        }

        private void handle(HttpServerRequest req) {
            req.body().onSuccess(body -> {
                var resp = req.response();
                if (STREAM.matcher(body.toString(StandardCharsets.UTF_8)).find()) {
                    resp.setChunked(true);
                    resp.putHeader("content-type", "text/event-stream");
                    resp.putHeader("cache-control", "no-cache");
                    for (Buffer c : CHUNKS) resp.write(c);
                    resp.end(DONE);
                } else {
                    resp.putHeader("content-type", "application/json");
                    resp.end(COMPLETION);
                }
            });
        }
    }

    /** A realistic chat.completion of about 1 KB. */
    static String completion() {
        String content = "Hello! This is a canned answer from the benchmark's mock upstream. It is long enough "
                + "to make the response body about one kilobyte, which is typical of a short chat completion "
                + "with a couple of sentences of text, a usage block and the usual metadata fields. "
                + "Nothing here is computed per request: the bytes are prepared once at start-up so that the "
                + "upstream costs as little as possible and the benchmark measures the gateway, not the mock. "
                + "Padding: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.";
        return "{\"id\":\"chatcmpl-bench0000000000000000000000\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench00000\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\","
                + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":118,\"total_tokens\":142,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                + "\"service_tier\":\"default\"}";
    }

    /** 20 chat.completion.chunk events: a role chunk, 18 content chunks, a finish chunk. */
    static Buffer[] chunks() {
        Buffer[] out = new Buffer[20];
        String head = "{\"id\":\"chatcmpl-bench0000000000000000000000\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench00000\","
                + "\"choices\":[{\"index\":0,\"delta\":";
        for (int i = 0; i < 20; i++) {
            String delta = i == 0 ? "{\"role\":\"assistant\",\"content\":\"\"}"
                    : i == 19 ? "{}" : "{\"content\":\"word" + i + " \"}";
            String finish = i == 19 ? "\"stop\"" : "null";
            out[i] = Buffer.buffer("data: " + head + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}\n\n");
        }
        return out;
    }
}

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;

/**
 * A slow-streaming fake OpenAI upstream for bench/soak.sh (not a test): every POST answers an SSE
 * stream of CHUNKS chat.completion.chunk events, DELAY_MS apart, then {@code [DONE]}, so streams
 * are long enough to be cut when the soak kills this process.
 *
 * <pre>java -cp target/ai-gateway.jar bench/SoakUpstream.java PORT [CHUNKS] [DELAY_MS]</pre>
 */
public class SoakUpstream {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 50;
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")).requestHandler(req -> req.body().onSuccess(b -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            long[] n = {0};
            vertx.setPeriodic(1, delay, id -> {
                if (resp.closed()) {
                    vertx.cancelTimer(id);
                    return;
                }
                if (n[0]++ < chunks) {
                    resp.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + n[0] + " \"},\"finish_reason\":null}]}\n\n");
                } else {
                    vertx.cancelTimer(id);
                    resp.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
                    resp.end("data: [DONE]\n\n");
                }
            });
        })).listen(port).onSuccess(s -> System.out.println("soak upstream on 127.0.0.1:" + port))
                .onFailure(e -> {
                    System.err.println("soak upstream failed: " + e);
                    System.exit(1);
                });
    }
}

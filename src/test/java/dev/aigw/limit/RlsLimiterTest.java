package dev.aigw.limit;

import com.google.protobuf.CodedInputStream;
import dev.aigw.cel.CelExpression;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Envoy RLS client against a stand-in rate-limit service: a real gRPC server (Vert.x, HTTP/2
 * cleartext) that decodes {@code RateLimitRequest} from the wire and counts like envoyproxy/ratelimit
 * (hits_addend per descriptor, or per request, default 1; a limit of 5 per descriptor).
 */
class RlsLimiterTest {
    static final long LIMIT = 5;
    Vertx vertx;
    HttpServer server;
    final ConcurrentHashMap<String, Long> counts = new ConcurrentHashMap<>();
    final List<Long> addends = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        GrpcServer grpc = GrpcServer.server(vertx).callHandler(call -> call.handler(msg -> {
            try {
                call.response().end(Buffer.buffer(answer(msg.getBytes())));
            } catch (IOException e) {
                call.response().status(io.vertx.grpc.common.GrpcStatus.INVALID_ARGUMENT).end();
            }
        }));
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)).requestHandler(grpc)
                .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    /** Decodes a RateLimitRequest, counts, encodes a RateLimitResponse. */
    byte[] answer(byte[] req) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(req);
        String domain = "";
        long requestAddend = 0;
        List<String> keys = new ArrayList<>();
        List<Long> hits = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case 1 -> domain = in.readString();
                case 2 -> {
                    CodedInputStream d = CodedInputStream.newInstance(in.readByteArray());
                    StringBuilder key = new StringBuilder();
                    Long addend = null;
                    for (int t; (t = d.readTag()) != 0; ) {
                        if (t >>> 3 == 1) {
                            CodedInputStream e = CodedInputStream.newInstance(d.readByteArray());
                            for (int et; (et = e.readTag()) != 0; ) key.append(e.readString()).append(et >>> 3 == 1 ? "=" : ";");
                        } else if (t >>> 3 == 3) {
                            CodedInputStream w = CodedInputStream.newInstance(d.readByteArray());
                            addend = 0L;
                            for (int wt; (wt = w.readTag()) != 0; ) addend = Integer.toUnsignedLong(w.readUInt32());
                        } else d.skipField(t);
                    }
                    keys.add(key.toString());
                    hits.add(addend);
                }
                case 3 -> requestAddend = Integer.toUnsignedLong(in.readUInt32());
                default -> in.skipField(tag);
            }
        }
        boolean over = false;
        List<long[]> statuses = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            long add = hits.get(i) != null ? hits.get(i) : requestAddend == 0 ? 1 : requestAddend;
            addends.add(add);
            long after = counts.merge(domain + "|" + keys.get(i), add, Long::sum);
            boolean o = add == 0 ? after >= LIMIT : after > LIMIT;
            over |= o;
            statuses.add(new long[]{o ? 2 : 1, Math.max(0, LIMIT - after)});
        }
        boolean anyOver = over;
        return RlsMessages.write(out -> {
            out.writeEnum(1, anyOver ? 2 : 1);
            for (long[] st : statuses) {
                out.writeByteArray(2, RlsMessages.write(s -> {
                    s.writeEnum(1, (int) st[0]);
                    s.writeByteArray(2, RlsMessages.write(l -> {
                        l.writeUInt32(1, (int) LIMIT);
                        l.writeEnum(2, 2);
                    }));
                    s.writeUInt32(3, (int) st[1]);
                    s.writeByteArray(4, RlsMessages.write(d -> d.writeInt64(1, 42)));
                }));
            }
        });
    }

    RlsLimiter limiter(int port, FailureMode mode, SimpleMeterRegistry reg) {
        return new RlsLimiter(vertx, "127.0.0.1", port, false, "rls", Duration.ofSeconds(2), mode, Clock.systemUTC(), reg);
    }

    static Descriptor descriptor(boolean tokens) {
        return new Descriptor("", List.of(new Descriptor.Entry("user", CelExpression.compile("request.headers['x-user-id']"))),
                tokens, Optional.empty(), Optional.empty());
    }

    static Map<String, Object> vars() {
        return Map.of("request", Map.of("headers", Map.of("x-user-id", "u1")), "llm", Map.of());
    }

    @Test
    void requestsAreCountedByTheServiceWithItsLimitAndReset() throws Exception {
        RouteLimits rl = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(server.actualPort(), FailureMode.FAIL_CLOSED, null),
                List.of(descriptor(false)))), Clock.systemUTC());
        int admitted = 0;
        Admission last = null;
        for (int i = 0; i < 8; i++) {
            last = rl.admit(vars()).await(5, TimeUnit.SECONDS);
            if (last.allowed()) admitted++;
        }
        assertThat(admitted).isEqualTo(5);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.headers()).containsEntry("retry-after", "42").containsEntry("x-ratelimit-limit", "5");
        assertThat(addends).containsOnly(1L);
    }

    @Test
    void tokensAreCheckedWithZeroHitsAndChargedAfterTheResponse() throws Exception {
        RouteLimits rl = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(server.actualPort(), FailureMode.FAIL_CLOSED, null),
                List.of(descriptor(true)))), Clock.systemUTC());
        Admission a = rl.admit(vars()).await(5, TimeUnit.SECONDS);
        assertThat(a.allowed()).isTrue();
        a.settle(Map.of("request", Map.of("headers", Map.of("x-user-id", "u1")), "llm", Map.of("totalTokens", 7L)));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (addends.size() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(addends).containsExactly(0L, 7L);
        assertThat(rl.admit(vars()).await(5, TimeUnit.SECONDS).status()).isEqualTo(429);   // 7 >= 5
    }

    @Test
    void unreachableServiceFollowsTheFailureMode() throws Exception {
        int dead;
        try (var s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        RouteLimits open = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(dead, FailureMode.FAIL_OPEN, reg),
                List.of(descriptor(false)))), Clock.systemUTC());
        RouteLimits closed = new RouteLimits(List.of(), Optional.of(new RouteLimits.Global(limiter(dead, FailureMode.FAIL_CLOSED, reg),
                List.of(descriptor(false)))), Clock.systemUTC());
        assertThat(open.admit(vars()).await(5, TimeUnit.SECONDS).allowed()).isTrue();
        assertThat(closed.admit(vars()).await(5, TimeUnit.SECONDS).status()).isEqualTo(500);
        assertThat(reg.get("aigw_ratelimit_backend_errors_total").tag("limiter", "rls").counters()).hasSize(2);
    }
}

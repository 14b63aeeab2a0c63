package dev.aigw.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slow and greedy clients (slowloris): the limits of {@link ProxyOptions.ClientLimits} on each
 * listener port's client connections.
 *
 * <ul>
 *   <li>At most {@code maxConnections} open connections per port; one more is closed as soon as
 *       it is accepted, so descriptors stay free for upstreams and the admin listener (a separate
 *       server with no such limit).</li>
 *   <li>HTTP/1.x: a request head must be complete within {@code headerTimeout} of its first byte
 *       (of the connection's opening, for its first request);
 *       inside a body no pause may last {@code bodyIdleTimeout}, and each 10-second window must
 *       bring {@code bodyMinBytesPerSecond}. A connection over a limit gets {@code 408} (if no
 *       response has started) and is closed. Time the gateway itself stops reading (back-pressure
 *       from a slow upstream) is not counted against the client.</li>
 * </ul>
 *
 * Two Netty handlers watch one connection: one before the HTTP decoder sees raw bytes (a head
 * has begun), one after it sees decoded parts (the head is complete, body bytes, the body's end).
 * HTTP/2 connections (HTTPS listeners do not offer it; cleartext h2c is off, see GatewayServer)
 * would only be counted.
 */
final class ClientGuard {
    private static final Logger log = LoggerFactory.getLogger(ClientGuard.class);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ProxyOptions.ClientLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final int port;

    ClientGuard(ProxyOptions.ClientLimits limits, int port) {
        this.limits = limits;
        this.port = port;
    }

    private final AtomicInteger cutSinceLog = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong lastLog = new java.util.concurrent.atomic.AtomicLong();

    /** One line per connection at DEBUG; at INFO at most one summary per 10 s (a crowd must not flood the log). */
    private void noteCut(Channel ch, String why) {
        log.debug("port {}: closing the connection of {}: {}", port, ch.remoteAddress(), why);
        int n = cutSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLog.get();
        if ((last == 0 || now - last > WINDOW_NANOS) && lastLog.compareAndSet(last, now)) {
            cutSinceLog.addAndGet(-n);
            log.info("port {}: closed {} slow client connection{} since the last such line; latest {}: {}", port, n,
                    n == 1 ? "" : "s", ch.remoteAddress(), why);
        }
    }

    /** The number of client connections open on this port now. */
    int open() {
        return open.get();
    }

    /** For {@code HttpServer.connectionHandler}: counts, refuses over the limit, and watches the pace. */
    void accept(HttpConnection conn) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) return;
        Channel ch = base.channel();
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            log.warn("port {}: {} client connections open (--max-client-connections); refusing {}", port,
                    limits.maxConnections(), ch.remoteAddress());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        if (p.get("httpDecoder") == null) return;
        Watch w = new Watch(ch);
        p.addBefore("httpDecoder", "aigw-client-bytes", w.bytes);
        p.addAfter("httpDecoder", "aigw-client-parts", w.parts);
        long tick = Math.max(50, Math.min(1000, Math.min(limits.headerTimeout().toMillis(),
                limits.bodyIdleTimeout().toMillis()) / 4));
        w.timer = ch.eventLoop().scheduleAtFixedRate(w::check, tick, tick, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> w.timer.cancel(false));
    }

    private enum State { WAITING, HEAD, BODY }

    /** The pace of one connection; touched only on its event loop. */
    private final class Watch {
        final Channel ch;
        State state;
        long headStart;
        long lastByte;
        long windowStart;
        long windowBytes;
        boolean answered;
        ScheduledFuture<?> timer;

        Watch(Channel ch) {
            this.ch = ch;
            // Vert.x may hand over the connection after its first bytes were read (it looks for an
            // HTTP/2 preface first): a new connection is a head under way.
            this.state = State.HEAD;
            this.headStart = System.nanoTime();
        }

        final ChannelDuplexHandler bytes = new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (state == State.WAITING && msg instanceof ByteBuf b && b.isReadable()) {
                    state = State.HEAD;
                    headStart = System.nanoTime();
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                if (state != State.HEAD) answered = true;
                super.write(ctx, msg, promise);
            }
        };

        final ChannelInboundHandlerAdapter parts = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                long now = System.nanoTime();
                if (msg instanceof HttpRequest) {
                    state = State.BODY;
                    answered = false;
                    lastByte = now;
                    windowStart = now;
                    windowBytes = 0;
                }
                if (msg instanceof HttpContent c) {
                    int n = c instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
                    windowBytes += n;
                    if (n > 0) lastByte = now;
                    if (msg instanceof LastHttpContent) state = State.WAITING;
                }
                super.channelRead(ctx, msg);
            }
        };

        void check() {
            if (!ch.isActive()) return;
            if (ch.pipeline().get("httpDecoder") == null) {
                // Upgraded to HTTP/2 (h2c): nothing left to watch here.
                timer.cancel(false);
                return;
            }
            long now = System.nanoTime();
            switch (state) {
                case WAITING -> {
                }
                case HEAD -> {
                    if (now - headStart > limits.headerTimeout().toNanos()) {
                        cut("the request head was not complete within " + limits.headerTimeout().toMillis()
                                + " ms (--request-header-timeout)");
                    }
                }
                case BODY -> {
                    if (!ch.config().isAutoRead()) {
                        // The gateway paused reading (back-pressure): the client is not slow.
                        lastByte = now;
                        windowStart = now;
                        windowBytes = 0;
                        return;
                    }
                    if (now - lastByte > limits.bodyIdleTimeout().toNanos()) {
                        cut("the request body paused for more than " + limits.bodyIdleTimeout().toMillis()
                                + " ms (--request-body-idle-timeout)");
                    } else if (now - windowStart >= WINDOW_NANOS) {
                        long min = limits.bodyMinBytesPerSecond() * 10;
                        if (windowBytes < min) {
                            cut("the request body arrived at " + windowBytes / 10 + " bytes/s, below the minimum of "
                                    + limits.bodyMinBytesPerSecond() + " (--request-body-min-rate)");
                        } else {
                            windowStart = now;
                            windowBytes = 0;
                        }
                    }
                }
            }
        }

        private void cut(String why) {
            timer.cancel(false);
            noteCut(ch, why);
            if (answered) {
                ch.close();
                return;
            }
            String body = "{\"error\":{\"message\":\"" + why + "\",\"type\":\"request_timeout\",\"code\":408}}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                    + "content-length: " + b.length + "\r\n\r\n";
            // Written below the HTTP encoder: raw bytes, whatever state Vert.x's side is in.
            ChannelHandlerContext ctx = ch.pipeline().context(bytes);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), b))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}

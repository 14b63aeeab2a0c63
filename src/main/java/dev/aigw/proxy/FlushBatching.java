package dev.aigw.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;

/**
 * One flush per connection per turn of its event loop, at the turn's end. A proxy writes to one
 * connection from another's read (a response to the client from the upstream's, a request to the
 * upstream from the client's), and Vert.x flushes such a write at once: every response and every
 * upstream request was a send in the middle of the loop's batch of ready sockets, each waking its
 * reader (wrk, nginx) for that one message. With Netty's {@link FlushConsolidationHandler} at the
 * head of the pipeline the writes are still one send per connection, made when the batch has been
 * processed, so a reader woken by the first finds the others ready: fewer wake-ups and event-loop
 * rounds per request on both sides. A connection with nothing else to do in the turn (concurrency
 * 1) is flushed as soon as its handler returns, as before.
 */
final class FlushBatching {
    static final String NAME = "aigw-flush-batching";

    private FlushBatching() {
    }

    /** Installs the batching on {@code conn}'s channel (once; a connection of another kind is left alone). */
    static void install(HttpConnection conn) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) return;
        ChannelPipeline p = base.channel().pipeline();
        if (p.get(NAME) == null) {
            // Past this many flushes in one turn the handler flushes anyway (bounds what waits).
            p.addFirst(NAME, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }
}

package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.policy.HeldStream;
import dev.aigw.policy.PolicyOutcome;
import dev.aigw.policy.Rejections;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.translate.EventStreamParser;
import dev.aigw.translate.EventStreamWriter;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.SseBlock;
import dev.aigw.translate.SseBytesTranslator;
import dev.aigw.translate.SseException;
import dev.aigw.translate.SseSplitter;
import dev.aigw.translate.SseWriter;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamParser;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.Usage;
import io.vertx.core.MultiMap;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Relays one event stream: raw bytes when nothing must change (the events are still parsed, to
 * read usage), else the translated, guarded events as they come; held whole when a response
 * webhook must judge it first. A stream that breaks (reset, bad framing, an unreadable or
 * oversized event, an end before the provider finished) ends with an error event in the
 * client's stream format and is recorded as a failed attempt, never as a clean end. Raw bytes go
 * out up to the last complete event, so an error event never lands inside a half-sent one. What
 * one turn of the event loop gives the client goes out as one write at the turn's end, or with
 * the response's end when the stream ends in that turn.
 */
final class StreamRelay {
    private static final Logger log = LoggerFactory.getLogger(StreamRelay.class);

    private final AiCall call;
    private final ClientResponse out;
    private final StreamTranslator st;
    private final boolean identity;
    private final boolean raw;
    private final boolean sse;
    /**
     * The client reads an AWS event stream (a Bedrock ConverseStream client): events it is given
     * ({@link #raw} false: the response guard changed them) go out as event-stream messages, not SSE.
     */
    private final boolean aws;
    /** {@link #aws}: the provider's own exception (or error) message went to the client, which ends its stream. */
    private boolean awsExceptionSent;
    /** SSE relayed as the provider's bytes, block by block ({@link SseBytesTranslator}), when nothing holds it. */
    private final SseBytesTranslator bytesSt;
    private final SseSplitter splitter;
    private final ChunkOut chunkOut;
    /** The translator writes in order: each upstream chunk's kept bytes are compacted in its own array ({@link ChunkOut}). */
    private final boolean inPlace;
    /**
     * Bytes mode: the last block, which the provider did not end with a blank line. It is whole (the
     * splitter saw its end), so it goes out, with the blank line the client's parser needs, on a
     * clean end only: an error event never follows half an event.
     */
    private Buffer tailBytes;
    private final String model;
    private final HeldStream held;
    private HttpClientRequest upstream;
    /** The provider's response, paused while the client's connection cannot take more (null for the mock). */
    private HttpClientResponse upResp;
    private boolean ended;
    /**
     * Bytes for the client not written yet: what this turn of the event loop gave, written at its
     * end ({@link #flushLater}) or with the response's end when the stream ends in the same turn.
     * A write to the client's connection from the upstream's read is flushed at once (Vert.x
     * defers a flush only within the connection's own read), so writing per upstream chunk cost a
     * syscall per chunk and another for the end; a stream that arrives in one read now costs one.
     */
    private Buffer pending;
    private boolean flushQueued;

    StreamRelay(AiCall call, StreamTranslator st, boolean identity, StreamFraming framing, String model) {
        this.call = call;
        this.out = call.out;
        this.st = st;
        this.identity = identity;
        this.model = model;
        this.held = call.policy.filter(AiPolicy::hasResponseWebhook).isPresent() && call.clientSchema != null
                ? new HeldStream(call.clientSchema) : null;
        if (held != null && call.wantsStream()) {
            // Nothing reaches the client while the stream is held: keep its connection warm.
            call.ex.rule().streamKeepAlive().ifPresent(out::keepAlive);
        }
        this.raw = st.passthrough() && held == null;
        this.sse = framing == StreamFraming.SSE;
        this.aws = call.clientSchema != null && call.clientSchema.streamFraming() == StreamFraming.AWS_EVENT_STREAM;
        this.bytesSt = sse && held == null && st instanceof SseBytesTranslator b ? b : null;
        this.splitter = bytesSt != null ? new SseSplitter() : null;
        this.chunkOut = bytesSt != null ? new ChunkOut() : null;
        this.inPlace = bytesSt != null && bytesSt.writesInOrder();
    }

    static void relay(AiCall call, HttpClientResponse upResp, HttpClientRequest up, StreamTranslator st, boolean identity,
                      MultiMap extra, StreamFraming framing, String model) {
        StreamRelay relay = new StreamRelay(call, st, identity, framing, model);
        relay.upstream = up;
        ClientResponse out = call.out;
        if (relay.raw) {
            Relay.head(call.ex, upResp, extra);
            out.headers().remove("content-length");
            out.head(upResp.statusCode(), upResp.statusMessage(), true);
        } else if (out.open()) {
            out.headers().addAll(extra);
            Filters.response(call.ex.rule(), out.headers());
            if (relay.aws) out.awsEventStreamHead();
            else out.eventStreamHead();
        }
        // Bytes mode splits blocks itself (SseSplitter): no event parser.
        StreamParser parser = relay.bytesSt != null ? null : framing.newParser();
        relay.upResp = upResp;
        upResp.handler(call.guard(b -> relay.bytes(b, parser)));
        upResp.exceptionHandler(call.guard(e -> relay.end(parser, "the provider's stream broke off: " + e.getMessage())));
        upResp.endHandler(call.guard(v -> relay.end(parser, null)));
    }

    void bytes(Buffer b, StreamParser parser) {
        if (ended) return;
        if (bytesSt != null) {
            // The chunk's own bytes when it has an array (Vert.x hands the client's reads over as heap buffers).
            ByteBuf bb = ((BufferInternal) b).getByteBuf();
            byte[] a;
            int off;
            int len = bb.readableBytes();
            if (bb.hasArray()) {
                a = bb.array();
                off = bb.arrayOffset() + bb.readerIndex();
            } else {
                a = b.getBytes();
                off = 0;
            }
            chunkOut.expect(len);
            if (inPlace && bb.hasArray()) chunkOut.inPlace(bb, a, off);
            try {
                splitter.feed(a, off, len, this::block);
            } catch (SseException e) {
                chunkOut.take(null, null, 0, 0);
                end(null, "the provider's stream could not be read: " + e.getMessage());
                if (upstream != null) upstream.reset();
                return;
            }
            Buffer w = chunkOut.take(b, a, off, len);
            if (w != null) send(w);
            return;
        }
        List<SseEvent> events;
        try {
            events = parser.feed(b.getBytes());
        } catch (RuntimeException e) {
            // Ended first: the reset's own exception must not be the reason given.
            end(null, "the provider's stream could not be read: " + e.getMessage());
            if (upstream != null) upstream.reset();
            return;
        }
        if (raw) {
            send(b); // an AWS event stream (SSE goes block by block above)
            for (SseEvent e : events) st.onEvent(e); // accounting only: the client's bytes are the provider's
            return;
        }
        List<SseEvent> translated = new ArrayList<>();
        for (SseEvent e : events) translated.addAll(st.onEvent(e));
        emit(translated);
    }

    /** The mock's events, already parsed. */
    void events(List<SseEvent> events) {
        List<SseEvent> translated = new ArrayList<>();
        for (SseEvent e : events) translated.addAll(st.onEvent(e));
        emit(translated);
    }

    /** Bytes mode: one whole block, which the translator reads and writes (or not) to the chunk's output. */
    private void block(SseBlock b) {
        bytesSt.onBlock(b, chunkOut);
    }

    /** Queues {@code w} for the client: written at the end of this turn of the event loop, or with the end. */
    private void send(Buffer w) {
        if (w.length() == 0) return;
        if (pending == null) {
            pending = w;
        } else {
            // Rare: two upstream chunks in one turn. A new buffer: the first may be the upstream's own.
            pending = Buffer.buffer(pending.length() + w.length()).appendBuffer(pending).appendBuffer(w);
        }
        if (!flushQueued) {
            flushQueued = true;
            call.onContext(this::flushLater);
        }
    }

    private void flushLater() {
        flushQueued = false;
        flushPending();
    }

    /** Writes what is queued (before an error event, or at the end of the turn). */
    private void flushPending() {
        Buffer p = pending;
        pending = null;
        if (p == null) return;
        out.write(p);
        if (upResp != null && !ended && out.writeQueueFull()) {
            upResp.pause();
            out.drainHandler(v -> upResp.resume());
        }
    }

    /** What is queued with {@code more} after it, taken off the queue; null if both are empty. */
    private Buffer takePending(byte[] more) {
        Buffer p = pending;
        pending = null;
        if (more == null || more.length == 0) return p;
        if (p == null) return Buffer.buffer(more);
        return Buffer.buffer(p.length() + more.length).appendBuffer(p).appendBytes(more);
    }

    private void emit(List<SseEvent> events) {
        if (events.isEmpty() || !out.writable()) return;
        if (held == null) {
            send(Buffer.buffer(encode(events)));
            if (aws) for (SseEvent e : events) awsExceptionSent |= isAwsException(e);
            return;
        }
        long before = held.size();
        held.add(events);
        if (held.size() > Responses.MAX_RESPONSE_BODY || !call.buffered.reserve(held.size() - before)) {
            // Holding for the response webhook has a bound like any buffered response.
            ended = true;
            String msg = "the streamed response is larger than the gateway can hold for the response webhook ("
                    + Responses.MAX_RESPONSE_BODY + " bytes each, --max-buffered-bytes in all)";
            call.obs.attemptFailed(msg, 502);
            call.fail(new GatewayError.BadGateway("response_too_large", msg));
            if (upstream != null) upstream.reset();
        }
    }

    /**
     * The stream is over: the provider ended it ({@code broken} null) or it broke ({@code broken}
     * says how). Usage is recorded either way; the client's stream then ends cleanly only if the
     * provider finished its answer.
     */
    void end(StreamParser parser, String broken) {
        if (ended) return;
        ended = true;
        List<SseEvent> tail = new ArrayList<>();
        if (bytesSt != null && broken == null) {
            try {
                splitter.finish(this::block);
                tailBytes = chunkOut.take(null, null, 0, 0);
            } catch (RuntimeException e) {
                broken = "the provider's stream ended inside an event: " + e.getMessage();
            }
        } else if (parser != null && broken == null) {
            try {
                for (SseEvent e : parser.finish()) tail.addAll(st.onEvent(e));
            } catch (RuntimeException e) {
                broken = "the provider's stream ended inside an event: " + e.getMessage();
            }
        }
        tail.addAll(st.onEnd());
        // Translated streams report a truncated answer in the client's format themselves (onEnd);
        // identity streams do not, so the gateway does.
        String failure = broken != null && !st.completed() ? broken
                : identity && !st.completed() ? "the provider's stream ended before the answer was complete" : null;
        if (failure != null) {
            log.warn("request {}: {}", call.requestId(), failure);
            call.obs.attemptFailed(failure, 502);
        }
        String f = failure;
        // The text once (a translator builds it on each ask), and only for the log (prompts logged) or an estimate.
        Usage usage = st.usage();
        boolean logged = call.services.options().logPromptChars() > 0;
        StreamTranslator.StreamedText text = logged || !Accounting.reported(usage) ? st.streamedText()
                : StreamTranslator.StreamedText.NONE;
        if (logged) Accounting.logContent(call, text.text().isEmpty() ? null : text.text());
        // Usage first: ending the response closes the exchange's record (access log, metrics).
        Accounting.recordUsage(call, usage, st.model().orElse(null), st.finishReason().orElse(null),
                text, st.completed(), model, () -> finish(tail, f));
    }

    private void finish(List<SseEvent> tail, String failure) {
        if (!out.writable()) return;
        if (held != null) {
            if (failure != null) {
                call.fail(new GatewayError.BadGateway("upstream_stream_truncated", failure));
                return;
            }
            held.add(tail);
            judge();
            return;
        }
        if (tailBytes != null && failure == null) send(tailBytes);
        if (failure != null && identity && aws && !raw && (awsExceptionSent || tail.stream().anyMatch(StreamRelay::isAwsException))) {
            // The provider said why itself (an exception message, relayed): the client's stream ends after it.
            out.endStream(takePending(encode(tail)));
            return;
        }
        if (failure != null && identity) {
            flushPending();
            out.fail(new GatewayError.BadGateway("upstream_stream_truncated", failure));
            return;
        }
        // The queued bytes, the translator's last events and the end in one write.
        Buffer last = takePending(!raw && !tail.isEmpty() ? encode(tail) : null);
        out.endStream(last);
    }

    private static boolean isAwsException(SseEvent e) {
        return EventStreamParser.isFailure(e.event().orElse(""));
    }

    /** Events in the client's framing: SSE, or AWS event-stream messages for a ConverseStream client. */
    private byte[] encode(List<SseEvent> events) {
        return aws ? EventStreamWriter.encode(events) : SseWriter.encode(events);
    }

    /**
     * The response guards judge the held text; the events go out as they decide. A tool-calling
     * answer skips the webhook only: the cloud guards judge its text as they do unstreamed.
     */
    private void judge() {
        if (held.text().isEmpty() || held.hasToolCalls() && !call.policy.get().judgesToolCallAnswers()) {
            finishWith(held.events());
            return;
        }
        ObjectNode body = held.asBody();
        call.services.policies().applyResponse(call.policy.get(), call.clientSchema, body, call.req()::getHeader,
                held.hasToolCalls())
                .onComplete(ar -> call.onContext(() -> {
                    if (!out.writable()) return;
                    if (ar.failed()) {
                        call.fail(new GatewayError.Internal("the route's response guard failed: " + ar.cause().getMessage()));
                    } else if (ar.result() instanceof PolicyOutcome.Reject r) {
                        log.info("streamed response of request {} rejected by policy: {}", call.requestId(), r.reason());
                        call.settle();
                        out.failInStream(new GatewayError.Rejected(r.status(), r.message(), Rejections.body(call.clientSchema, r)));
                    } else if (ar.result() instanceof PolicyOutcome.Continue c) {
                        String text = held.textOf(c.body());
                        finishWith(text.equals(held.text()) ? held.events() : held.withText(text));
                    }
                }));
    }

    private void finishWith(List<SseEvent> events) {
        if (!out.writable()) return;
        if (!events.isEmpty()) out.write(Buffer.buffer(encode(events)));
        out.end();
    }
}

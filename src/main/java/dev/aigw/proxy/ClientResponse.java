package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.translate.EventStreamWriter;
import dev.aigw.translate.GatewayErrors;
import dev.aigw.translate.Schema;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The one writer of a client's response. Every byte to the client goes through here, so the
 * response's state is explicit and an error is rendered right for it:
 * <ul>
 *   <li>{@link State#OPEN}: nothing sent (headers may be staged): an error is a JSON body in the
 *       client's format with its status;</li>
 *   <li>{@link State#KEEPALIVE}: keep-alive comments committed a 200 event stream: an error (or
 *       a whole answer) becomes the stream's last event;</li>
 *   <li>{@link State#STREAMING}: the head and body bytes are out: an error is an error event in
 *       the client's stream format when the body is an event stream; a body of another type can
 *       only be cut short (reset), which is logged;</li>
 *   <li>{@link State#ENDED}: ended or the client left: everything is dropped.</li>
 * </ul>
 * The first answer wins: a later error (a timeout racing a reset) changes nothing.
 *
 * <p>Listeners run in Vert.x's strict thread mode ({@link GatewayServer}): a response may only be
 * written on its connection's event loop. Everything here is called there; should a caller be on
 * another thread, the call is handed to the loop instead of failing ({@link #elsewhere}).
 */
final class ClientResponse {
    private static final Logger log = LoggerFactory.getLogger(ClientResponse.class);

    enum State { OPEN, KEEPALIVE, STREAMING, ENDED }

    private final HttpServerResponse resp;
    private final ExchangeObserver obs;
    private final Vertx vertx;
    private final String requestId;
    private final boolean http1;
    /** The request's context: its event loop is the one thread that may write this response. */
    private final io.vertx.core.internal.ContextInternal context;
    private Schema schema;
    private State state = State.OPEN;
    private boolean eventStream;
    /**
     * The gateway writes this response as an AWS event stream, whole messages only (a guarded
     * ConverseStream, {@link #awsEventStreamHead}): a failure after its head ends it with an
     * exception message. (A ConverseStream relayed as the provider's raw bytes may stop inside a
     * message, so a failure there still cuts the connection.)
     */
    private boolean awsFramed;
    private boolean firstByte = true;
    private long keepAliveTimer = -1;
    private GatewayError failure;

    ClientResponse(HttpServerRequest req, ExchangeObserver obs, Vertx vertx, String requestId) {
        this.resp = req.response();
        this.obs = obs;
        this.vertx = vertx;
        this.requestId = requestId;
        this.http1 = req.version() != HttpVersion.HTTP_2;
        this.context = (io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext();
    }

    /**
     * True when called on a thread other than the response's event loop; the caller then hands
     * itself to that loop ({@link #elsewhere}). Strict thread mode refuses writes from elsewhere;
     * nothing in the gateway does that today, so this is a safety net, not a path.
     */
    private boolean offLoop() {
        return context.isEventLoopContext() && !context.executor().inThread();
    }

    private void elsewhere(Runnable call) {
        context.runOnContext(v -> call.run());
    }

    /** The client's API format, for errors (null: OpenAI's shape, for clients in no known format). */
    void schema(Schema s) {
        this.schema = s;
    }

    Schema schema() {
        return schema;
    }

    State state() {
        if (state != State.ENDED && (resp.ended() || resp.closed())) state = State.ENDED;
        else if (state == State.OPEN && resp.headWritten()) state = State.STREAMING; // written around this writer: a bug
        return state;
    }

    /** Nothing has been sent yet: a status and headers can still be chosen. */
    boolean open() {
        return state() == State.OPEN;
    }

    /** The response can still take bytes (not ended, client still there). */
    boolean writable() {
        return state() != State.ENDED;
    }

    /** The gateway error this response ended with, if it ended with one. */
    GatewayError failure() {
        return failure;
    }

    /** Headers to stage while {@link #open()}; ignored by the client once the head is out. */
    MultiMap headers() {
        return resp.headers();
    }

    /**
     * Stages a head: status and content type. After keep-alives the 200 event-stream head stands.
     * {@code chunked} for a body of unknown length.
     */
    void head(int status, String statusMessage, boolean chunked) {
        if (offLoop()) {
            elsewhere(() -> head(status, statusMessage, chunked));
            return;
        }
        if (state() != State.OPEN) return;
        resp.setStatusCode(status);
        // A provider's own reason phrase is kept; the standard one ("OK") is what Vert.x writes
        // anyway, from its constant status (setting it made a status object and its text per response).
        if (statusMessage != null && !statusMessage.isEmpty()
                && !statusMessage.equals(io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase())) {
            resp.setStatusMessage(statusMessage);
        }
        if (chunked) {
            resp.headers().remove(Headers.CONTENT_LENGTH);
            resp.setChunked(true);
        }
    }

    /** Stages the head of a 200 event stream in the gateway's own framing. */
    void eventStreamHead() {
        if (offLoop()) {
            elsewhere(this::eventStreamHead);
            return;
        }
        if (state() != State.OPEN) return;
        resp.setStatusCode(200).setChunked(true);
        resp.headers().remove(Headers.CONTENT_LENGTH);
        resp.headers().set(Headers.CONTENT_TYPE, "text/event-stream");
        resp.headers().set("cache-control", "no-cache");
    }

    /**
     * Stages the head of a 200 AWS event stream ({@code application/vnd.amazon.eventstream}) that
     * the gateway writes in whole messages: a Bedrock ConverseStream it guards.
     */
    void awsEventStreamHead() {
        if (offLoop()) {
            elsewhere(this::awsEventStreamHead);
            return;
        }
        if (state() != State.OPEN) return;
        resp.setStatusCode(200).setChunked(true);
        resp.headers().remove(Headers.CONTENT_LENGTH);
        resp.headers().set(Headers.CONTENT_TYPE, "application/vnd.amazon.eventstream");
        awsFramed = true;
    }

    /**
     * The ConverseStream exception a gateway error becomes inside an AWS event stream: one of the
     * stream's modelled exceptions, so an AWS SDK raises it as such.
     */
    static String awsExceptionType(int status) {
        return switch (status) {
            case 429 -> "throttlingException";
            case 503 -> "serviceUnavailableException";
            case 502, 504 -> "modelStreamErrorException";
            default -> status >= 400 && status < 500 ? "validationException" : "internalServerException";
        };
    }

    void write(Buffer b) {
        if (offLoop()) {
            elsewhere(() -> write(b));
            return;
        }
        State s = state();
        if (s == State.ENDED) return;
        if (s == State.OPEN) eventStream = isEventStream();
        stopKeepAlive();
        state = State.STREAMING;
        if (firstByte) {
            firstByte = false;
            obs.firstChunk();
        }
        resp.write(b);
    }

    void write(String s) {
        write(Buffer.buffer(s));
    }

    void end() {
        if (offLoop()) {
            elsewhere(this::end);
            return;
        }
        if (state() == State.ENDED) return;
        stopKeepAlive();
        state = State.ENDED;
        resp.end();
    }

    /** Ends with a final piece of body (counts as the first body byte if nothing came before). */
    void end(Buffer last) {
        if (offLoop()) {
            elsewhere(() -> end(last));
            return;
        }
        if (state() == State.ENDED) return;
        if (firstByte && last.length() > 0) {
            firstByte = false;
            obs.firstChunk();
        }
        stopKeepAlive();
        state = State.ENDED;
        resp.end(last);
    }

    /**
     * Ends a relayed stream with its last bytes ({@code last} may be null). A stream that ended
     * before its head went out (it came whole in one turn of the event loop) is sent as one
     * message with its length, as a whole body is: no chunk framing, and Netty encodes the head and
     * body into one buffer instead of a head, a chunk and a trailer joined by a promise combiner.
     */
    void endStream(Buffer last) {
        if (offLoop()) {
            elsewhere(() -> endStream(last));
            return;
        }
        if (state() == State.OPEN && http1) {
            resp.headers().remove(Headers.TRANSFER_ENCODING); // Vert.x sets the content-length from the body
        }
        if (last == null) end();
        else end(last);
    }

    /**
     * A whole JSON answer in the client's format (a completion, or a provider's translated error).
     * After keep-alives it becomes the stream's last event: data for a success, an error event otherwise.
     */
    void json(int status, ObjectNode body) {
        if (offLoop()) {
            elsewhere(() -> json(status, body));
            return;
        }
        switch (state()) {
            case ENDED -> {
            }
            case OPEN -> {
                resp.setStatusCode(status);
                resp.headers().set(Headers.CONTENT_TYPE, "application/json");
                whole(Buffer.buffer(body.toString()));
            }
            case KEEPALIVE, STREAMING -> end(Buffer.buffer(status >= 400 ? GatewayErrors.streamEvent(schema, body)
                    : "data: " + body + "\n\n"));
        }
    }

    /**
     * A whole body with the head staged so far (its length replaces any staged one). After
     * keep-alives it becomes the stream's one data event.
     */
    void whole(Buffer body) {
        if (offLoop()) {
            elsewhere(() -> whole(body));
            return;
        }
        switch (state()) {
            case ENDED -> {
            }
            case OPEN -> {
                resp.headers().remove(Headers.CONTENT_LENGTH);
                resp.headers().remove(Headers.TRANSFER_ENCODING);
                resp.setChunked(false);
                end(body);
            }
            case KEEPALIVE, STREAMING -> end(Buffer.buffer("data: " + body + "\n\n"));
        }
    }

    /** Answers with a gateway error, rendered for the state the response is in. */
    void fail(GatewayError e) {
        if (offLoop()) {
            elsewhere(() -> fail(e));
            return;
        }
        State s = state();
        if (s == State.ENDED) return;
        failure = e;
        ObjectNode body = e instanceof GatewayError.Rejected r && r.body() != null ? r.body()
                : GatewayErrors.body(schema, e.status(), e.code(), e.message());
        if (s == State.OPEN) {
            // The rest of a refused body is not read: the connection cannot carry another request.
            if (e instanceof GatewayError.TooLarge && http1) {
                resp.headers().set("connection", "close"); // HTTP/2 forbids the header; its stream ends alone
            }
            if (e instanceof GatewayError.RateLimited rl) {
                rl.retryAfter().ifPresent(d -> resp.headers().set("retry-after", Long.toString(Math.max(1, d.toSeconds()))));
            }
            resp.headers().remove(Headers.CONTENT_ENCODING);
            json(e.status(), body);
            return;
        }
        if (awsFramed) {
            end(Buffer.buffer(EventStreamWriter.exception(awsExceptionType(e.status()), e.message())));
            return;
        }
        if (s == State.KEEPALIVE || eventStream) {
            end(Buffer.buffer(GatewayErrors.streamEvent(schema, body)));
            return;
        }
        // The status line is gone and the body is not an event stream: cutting it short is all that is left.
        log.warn("request {}: response cut short after its head: {}", requestId, e.message());
        stopKeepAlive();
        state = State.ENDED;
        resp.reset();
    }

    /**
     * As {@link #fail}, but a staged 200 event-stream head is kept: the error is the stream's one
     * event. For a stream judged whole (response webhook) whose client already expects events.
     */
    void failInStream(GatewayError e) {
        if (offLoop()) {
            elsewhere(() -> failInStream(e));
            return;
        }
        if (state() == State.OPEN && (isEventStream() || awsFramed)) {
            eventStream = !awsFramed;
            state = State.STREAMING;
        }
        fail(e);
    }

    /**
     * Sends a {@code : keep-alive} comment every {@code every} while no answer is chosen, so load
     * balancers with idle timeouts keep the connection. The first one commits a 200 event stream.
     * Stops by itself once body bytes flow or the response ends; {@link #stopKeepAlive} stops it.
     */
    void keepAlive(Duration every) {
        stopKeepAlive();
        keepAliveTimer = vertx.setPeriodic(every.toMillis(), every.toMillis(), id -> {
            State s = state();
            if (s == State.OPEN) {
                eventStreamHead();
                eventStream = true;
                state = State.KEEPALIVE;
            } else if (s != State.KEEPALIVE) {
                stopKeepAlive();
                return;
            }
            resp.write(": keep-alive\n\n");
        });
    }

    void stopKeepAlive() {
        if (keepAliveTimer >= 0) vertx.cancelTimer(keepAliveTimer);
        keepAliveTimer = -1;
    }

    /** Cuts the response (the client's connection is going, or a relay must stop). */
    void reset() {
        if (offLoop()) {
            elsewhere(this::reset);
            return;
        }
        if (state() == State.ENDED) return;
        stopKeepAlive();
        state = State.ENDED;
        resp.reset();
    }

    boolean writeQueueFull() {
        return resp.writeQueueFull();
    }

    void drainHandler(Handler<Void> h) {
        resp.drainHandler(h);
    }

    private boolean isEventStream() {
        String ct = resp.headers().get(Headers.CONTENT_TYPE);
        return ct != null && ct.startsWith("text/event-stream");
    }
}

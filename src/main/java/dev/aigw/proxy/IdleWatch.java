package dev.aigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.netty.channel.EventLoop;

import java.util.concurrent.TimeUnit;

/**
 * The upstream idle limit ({@link Upstreams#IDLE_TIMEOUT_MS}: a response that sends nothing for
 * that long is dead) without a Vert.x timer per request. Setting and cancelling one timer per
 * request cost ~2% of a passthrough request's CPU and ~5% of a stream's (JFR), and nearly every
 * request is over long before. So each event loop keeps its requests in flight in a list, oldest
 * first, and one sweep a second hands each request still in flight after {@link #GRACE_MS} to
 * Vert.x's own per-request idle timeout ({@link HttpClientRequest#idleTimeout}). Vert.x cancels
 * that timer at the response's head and leaves it armed past the end, so a request handed over
 * before its head is timed again from the head, and once both the response and the upload have
 * ended a 1 ms timer replaces it (else it would hold the exchange for the limit). Not at the
 * response's end alone: an upstream may answer (a 413, a 400) while the client's body still
 * comes, and the timer firing then would reset the request mid-upload. A dead upstream is cut at
 * most {@code GRACE_MS} + {@code SWEEP_MS} later than with the timer set at once, never earlier.
 *
 * <p>One instance per event loop, used only from that loop's thread (the requests it holds run on
 * it: {@link Upstreams} gives each loop its own clients), so nothing here is synchronised.
 */
final class IdleWatch {
    static final long SWEEP_MS = 1_000;
    static final long GRACE_MS = 1_000;

    final EventLoop loop;
    private final long idleMs;
    private Node head;
    private Node tail;
    private boolean armed;

    /** The sweep runs as a plain task of the Netty loop: no Vert.x context whose undeployment could cancel it. */
    IdleWatch(EventLoop loop, long idleMs) {
        this.loop = loop;
        this.idleMs = idleMs;
    }

    /** One request in flight; unlinked when its response ends or fails. */
    private final class Node {
        final HttpClientRequest request;
        final long since;
        Node prev;
        Node next;
        boolean linked = true;
        /** Timed by Vert.x from the sweep on. */
        boolean handed;

        Node(HttpClientRequest request, long since) {
            this.request = request;
            this.since = since;
        }

        void unlink() {
            if (!linked) return;
            linked = false;
            if (prev == null) head = next;
            else prev.next = next;
            if (next == null) tail = prev;
            else next.prev = prev;
            prev = next = null;
        }
    }

    /**
     * Watches {@code request} from now until its response has ended or it failed; {@code uploaded}
     * completes (either way) when the request's body has been sent, or its sending has stopped.
     */
    void watch(HttpClientRequest request, Future<?> uploaded) {
        Node n = new Node(request, System.nanoTime());
        if (tail == null) {
            head = tail = n;
        } else {
            n.prev = tail;
            tail.next = n;
            tail = n;
        }
        request.response().onComplete(ar -> {
            if (ar.failed()) {
                n.unlink();
                return;
            }
            // Vert.x stops timing a request at its response's head: one handed over before is timed again, for the body.
            if (n.handed) request.idleTimeout(idleMs);
            ar.result().end().onComplete(v -> {
                n.unlink();
                // Nor does it cancel the timer at the end: a 1 ms one replaces it, or it would hold the exchange for
                // idleMs. Once the upload is over too: an answer may come before the client's body has all been sent.
                if (n.handed) uploaded.onComplete(u -> request.idleTimeout(1));
            });
        });
        if (!armed) {
            armed = true;
            loop.schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** How many requests are watched (tests; from the loop's thread). */
    int watching() {
        int n = 0;
        for (Node x = head; x != null; x = x.next) n++;
        return n;
    }

    private void sweep() {
        long cutoff = System.nanoTime() - GRACE_MS * 1_000_000;
        while (head != null && head.since - cutoff <= 0) {
            Node n = head;
            n.unlink();
            n.handed = true;
            // From here Vert.x times the silence (re-armed at the response's head, replaced at its end: watch()).
            n.request.idleTimeout(idleMs);
        }
        armed = head != null;
        if (armed) loop.schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
    }
}

package dev.aigw.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on bytes the gateway holds in memory across all requests at once: request bodies
 * read whole, provider responses read whole (to translate, guard or meter them) and streams held
 * for a response webhook. Each request also has its own limit; this one stops many large
 * requests together from exhausting the heap. Over the bound a request is refused (503) rather
 * than buffered. Lock-free; shared by every event loop.
 */
final class BufferBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    BufferBudget(long max) {
        if (max <= 0) throw new IllegalArgumentException("max buffered bytes must be positive: " + max);
        this.max = max;
    }

    long max() {
        return max;
    }

    long used() {
        return used.get();
    }

    /** A hold for one request; release it when the request ends, whatever happened. */
    Hold hold() {
        return new Hold();
    }

    /** One request's share of the budget. Used from the request's event loop only. */
    final class Hold {
        private long held;

        /** Takes {@code bytes} more; false (and nothing taken) when that would pass the global bound. */
        boolean reserve(long bytes) {
            if (bytes <= 0) return true;
            long now = used.addAndGet(bytes);
            if (now > max) {
                used.addAndGet(-bytes);
                return false;
            }
            held += bytes;
            return true;
        }

        /** Gives back everything this request holds. Idempotent. */
        void release() {
            if (held == 0) return;
            used.addAndGet(-held);
            held = 0;
        }
    }
}

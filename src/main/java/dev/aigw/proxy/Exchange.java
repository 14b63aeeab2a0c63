package dev.aigw.proxy;

import dev.aigw.route.CompiledRule;
import dev.aigw.route.RouteMatch;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;

/**
 * Per-request state shared by the stages: the client request, its one response writer, its
 * share of the global buffer bound, and what the route decided.
 */
record Exchange(HttpServerRequest req, ClientResponse out, BufferBudget.Hold buffered, RouteMatch match, String requestId,
                Map<String, List<String>> query, long startNanos, dev.aigw.telemetry.ExchangeObserver obs,
                List<Runnable> closeActions, List<Runnable> endActions) {

    /** Runs {@code action} when the response has ended (or the connection closed): timers to cancel. */
    void onDone(Runnable action) {
        endActions.add(action);
    }

    /**
     * Runs {@code action} if the client's connection closes before the response ends. Vert.x keeps
     * one close handler per response; the handler installs it once and runs these.
     */
    void onClientGone(Runnable action) {
        closeActions.add(action);
    }

    CompiledRule rule() {
        return match.rule();
    }
}

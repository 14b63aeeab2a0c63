package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import java.util.Map;

/**
 * The life of one client request, reported by the proxy as it happens. Calls come from the
 * request's event loop, in this order, each at most once unless noted:
 * <ol>
 *   <li>{@link #routed} once a rule and destination are chosen (not called for a 404);</li>
 *   <li>per upstream attempt (several with retries or failover): {@link #attemptStarted}, then
 *       {@link #upstreamHeaders} for the headers to add to that attempt's request, then either
 *       {@link #attemptFailed} or {@link #responseHeaders};</li>
 *   <li>{@link #firstChunk} when the first body bytes go to the client;</li>
 *   <li>{@link #usage} once the tokens are known (end of the body or of the stream);</li>
 *   <li>{@link #finished} exactly once, last, whatever happened (also for local errors).</li>
 * </ol>
 * Implementations are fast and never throw.
 */
public interface ExchangeObserver {

    ExchangeObserver NOOP = new ExchangeObserver() {
    };

    /** @param route the rule id ({@code CompiledRule.id()}), @param backend the Backend's name */
    default void routed(String route, String backend) {
    }

    /**
     * An upstream attempt begins.
     *
     * @param providerKind   {@code openai}, {@code anthropic}, {@code gemini}, ... ({@code Provider.kind()});
     *                       null for a static backend
     * @param providerName   {@code Provider.name()}
     * @param requestedModel the model the upstream request asks for (after the Backend's override), may be null
     * @param upstreamHost   host:port
     */
    default void attemptStarted(String providerKind, String providerName, String requestedModel, String upstreamHost) {
    }

    /**
     * Headers to add to the current attempt's upstream request ({@code traceparent}, ...). Call
     * after {@link #attemptStarted}; never null.
     */
    default Map<String, String> upstreamHeaders() {
        return Map.of();
    }

    /**
     * The prompt and completion text, reported only when prompt logging is switched on
     * ({@code --log-prompts}); already bounded by the proxy. Never called otherwise.
     */
    default void content(String prompt, String completion) {
    }

    /** The current attempt failed. @param status the upstream status, or 0 when none came */
    default void attemptFailed(String reason, int status) {
    }

    /** The upstream's response head arrived (time to first byte). */
    default void responseHeaders(int status) {
    }

    /** The first body bytes were written to the client (time to first token when streaming). */
    default void firstChunk() {
    }

    /**
     * Tokens of the exchange. @param estimated true when counted by {@link TokenEstimator}
     * rather than reported by the provider; model and finish reason may be null
     */
    default void usage(Usage usage, String responseModel, String finishReason, boolean estimated) {
    }

    /**
     * Who is calling, once authenticated (governance): a key id, JWT subject or basic user, never a
     * credential; {@code team} a bounded label ("" when none). Before {@link #usage}.
     */
    default void caller(String principal, String team) {
    }

    /**
     * What the exchange cost in US dollars under the model catalog (governance's {@code llm.cost});
     * after {@link #usage}, only when the catalog prices the model.
     */
    default void cost(double totalUsd, double inputUsd, double outputUsd, double cacheReadUsd, double cacheWriteUsd) {
    }

    /** Tokens refused by a rate limit (kgateway's {@code ai_rate_limited_tokens_total}). */
    default void rateLimited(long tokens) {
    }

    /** The response to the client is complete (or abandoned). Exactly once, last. */
    default void finished(int status, boolean streamed, long bytesOut) {
    }
}

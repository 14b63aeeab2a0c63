package dev.aigw.proxy.stage;

import io.vertx.core.Future;

/**
 * One request-scope step of an AI exchange: runs once per client request, after the body is
 * parsed and before the first provider attempt (authentication, request policy, rate limits).
 *
 * <p>Contract: {@link #apply} is called on the request's event loop and must not block (do I/O
 * asynchronously). It may rewrite {@link RequestScope#body()} in place. It completes with
 * {@link Verdict#proceed()} to go on or {@link Verdict#answer} to stop; a failed future answers
 * 500 with the failure's message, so never put a secret in it. It must not throw; the exchange's
 * {@code timeouts.request} bounds a stage that never completes. Stages run in the order {@code
 * AiExchange.requestStages} lists them; the first answer wins and later stages do not run.
 */
@FunctionalInterface
public interface RequestStage {
    Future<Verdict> apply(RequestScope scope);
}

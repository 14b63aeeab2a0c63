package dev.aigw.limit;

import io.vertx.core.Future;

import java.util.List;

/** A counter store shared by the replicas: Redis, or an Envoy rate-limit service. */
public interface GlobalLimiter extends AutoCloseable {

    /** Checks every hit and, when none is over, charges the hits' amounts, atomically. Never fails: a limiter error becomes a decision per the failure mode. */
    Future<GlobalDecision> checkAndCharge(List<Hit> hits);

    /** Charges amounts after the response (no check). Never fails. */
    Future<Void> charge(List<Hit> hits);

    /** What the limiter is ({@code redis 127.0.0.1:6379}), for logs; no credentials. */
    String describe();

    @Override
    default void close() {
    }
}

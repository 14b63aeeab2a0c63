/**
 * How much a caller may use: AgentgatewayPolicy {@code spec.traffic.rateLimit}.
 *
 * <p>{@link dev.aigw.limit.LocalBucket} is one replica's token bucket ({@code local[]}: requests or
 * tokens per second/minute/hour, plus burst), pure and lock-protected, driven by an injected clock.
 * {@link dev.aigw.limit.GlobalLimiter} counts descriptors shared by all replicas: in Redis
 * ({@link dev.aigw.limit.RedisLimiter}, one Lua script per request that checks and charges every
 * descriptor atomically) or in an Envoy rate-limit service ({@link dev.aigw.limit.RlsLimiter},
 * gRPC {@code ShouldRateLimit}). {@link dev.aigw.limit.RouteLimits} is one route rule's compiled
 * set: {@code admit} before the request (requests are charged here), {@code Admission.settle}
 * after the response (tokens and costs are charged here, from the real usage), and the
 * {@code x-ratelimit-*} headers. Descriptor entries and costs are CEL
 * ({@link dev.aigw.cel.CelExpression}).
 *
 * <p>Budgets in money are descriptors whose cost is in micro-dollars ({@code dev.aigw.cost.Cost#MICRO_USD}).
 * A limiter that cannot be reached within its timeout follows its {@code failureMode}: FailOpen
 * admits, FailClosed refuses with 500; either way a WARN line (at most one per 10 s per limiter)
 * and the {@code aigw_ratelimit_backend_errors_total} counter.
 *
 * <p>May depend on: cel, Vert.x core and vertx-redis-client / vertx-grpc-client (clients only),
 * Micrometer. Not on proxy, route, config or cli.
 */
package dev.aigw.limit;

/**
 * CEL (Common Expression Language, {@code dev.cel:cel}) for the expressions AgentgatewayPolicy
 * carries: authorization rules, rate-limit descriptor entries and costs.
 *
 * <p>Expressions are compiled once per snapshot ({@link dev.aigw.cel.CelExpression#compile}: a
 * syntax or type error is a config problem, never a request failure) and evaluated per request over
 * plain Java maps ({@code request}, {@code jwt}, {@code apiKey}, {@code basicAuth}, {@code llm},
 * {@code source}), built with {@link dev.aigw.cel.CelValues}. Evaluation does no I/O.
 *
 * <p>May depend on: dev.cel only.
 */
package dev.aigw.cel;

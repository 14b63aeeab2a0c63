/**
 * agentgateway's resources ({@code agentgateway.dev/v1alpha1}): {@code AgentgatewayBackend},
 * {@code AgentgatewayPolicy} (with {@code spec.traffic}, {@code spec.backend}) bound strictly onto
 * records by {@link dev.aigw.config.Binder}, and their validation passes (the CRDs' CEL rules,
 * with their messages, and what this gateway serves).
 *
 * <p>Depends on {@code config}, Jackson, and {@code cel} (to check that CEL expressions compile).
 */
package dev.aigw.config.agentgateway;

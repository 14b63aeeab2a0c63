/**
 * agentgateway's resources ({@code agentgateway.dev/v1alpha1}): {@code AgentgatewayBackend},
 * {@code AgentgatewayPolicy} (with {@code spec.traffic}, {@code spec.backend}) bound strictly onto
 * records by {@link dev.aigw.config.Binder}, and their validation passes (the CRDs' CEL rules,
 * with their messages, and what this gateway serves).
 *
 * <p>Depends on {@code config} and Jackson only.
 */
package dev.aigw.config.agentgateway;

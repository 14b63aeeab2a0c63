/**
 * AgentgatewayPolicy {@code spec.traffic} governance as served: who may call a route
 * (apiKeyAuthentication, jwtAuthentication, basicAuthentication, authorization) and how much
 * (rateLimit local and global, budgets in dollars), compiled per snapshot onto the engines of
 * {@code auth}, {@code limit} and {@code cost}.
 *
 * <p>{@link dev.aigw.governance.GovernanceCompiler} reads the snapshot's resources (policies,
 * Secrets, ConfigMaps, HTTPRoutes, Gateways), attaches each policy's {@code traffic} to the route
 * rules it targets (Gateway &lt; listener &lt; HTTPRoute &lt; rule; authorization rules combine) and
 * compiles one {@link dev.aigw.governance.RuleGate} per rule and Gateway into an immutable
 * {@link dev.aigw.governance.Governance} table; with no policy the table is empty and a request
 * pays one map lookup. {@link dev.aigw.governance.GovernanceRuntime} holds what outlives a
 * snapshot: the JWKS caches, the Redis and RLS clients, the local buckets, the catalog and the
 * {@link dev.aigw.governance.SpendLedger} behind the admin API's {@code /governance}.
 *
 * <p>May depend on: config (the bound records), auth, limit, cost, cel, translate (schemas and
 * usage), Vert.x core, Micrometer. Not on proxy, route or cli.
 */
package dev.aigw.governance;

/**
 * The compiled, immutable view of a configuration that requests read: per listening port a
 * {@link dev.aigw.route.RouteTable} (Gateway API matching and precedence) whose rules point at
 * {@link dev.aigw.route.Destination}s (ready providers or static hosts). {@link
 * dev.aigw.route.SnapshotCompiler} builds a {@link dev.aigw.route.Snapshot} from resources; the
 * proxy swaps snapshots atomically.
 *
 * AgentgatewayBackends also carry per-provider {@link dev.aigw.route.ProviderRules} (their own AI
 * body rewrites, health rule, custom formats), compiled by {@link dev.aigw.route.AgentgatewayBackends}.
 *
 * <p>May depend on {@code config}, {@code provider} and {@code policy} (a rule carries its compiled
 * AI policy), {@code cel} (health conditions, compiled once per snapshot) and {@code translate.Schema};
 * not on Vert.x or the proxy.
 */
package dev.aigw.route;

/**
 * Who is calling: client API keys, JWTs and basic auth (AgentgatewayPolicy
 * {@code spec.traffic.apiKeyAuthentication}, {@code jwtAuthentication}, {@code basicAuthentication}),
 * and CEL authorization rules over the result ({@code spec.traffic.authorization}).
 *
 * <p>Each authenticator is immutable, built from its own config record once per snapshot, and
 * answers an {@link dev.aigw.auth.AuthOutcome} for one request's headers: a {@link dev.aigw.auth.Caller}
 * contribution, nothing (no credential, mode allows it), or a 401 with agentgateway's message.
 * Keys are held only as SHA-256 digests; a {@link dev.aigw.auth.Caller#keyId() key id} (the
 * metadata {@code name}, else {@code sha256:} and 12 hex digits of the digest) stands for a key in
 * logs, metrics and the admin API. {@link dev.aigw.auth.Authorization} compiles CEL once and
 * evaluates it per request over {@code request}, {@code jwt}, {@code apiKey}, {@code basicAuth},
 * {@code llm}. {@link dev.aigw.auth.JwksCache} is the one part that does I/O: it fetches remote
 * key sets with a Vert.x HttpClient, bounded in time, and refreshes them once for an unknown kid.
 *
 * <p>May depend on: Vert.x core (Futures, the JWKS client), nimbus-jose-jwt, dev.cel, Jackson.
 * Not on proxy, route, config or cli.
 */
package dev.aigw.auth;

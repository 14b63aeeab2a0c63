/**
 * Configuration: the resources a user writes (Gateway, HTTPRoute, Backend, Secret, ...), read
 * from YAML into immutable records, validated with file/line locations, held in a
 * {@link dev.aigw.config.ResourceStore} that any source (files, later the Kubernetes API) feeds,
 * and handed to {@code route.SnapshotCompiler}, which compiles them into the snapshot requests read.
 * {@link dev.aigw.config.ResourceParser} dispatches each resource to its family's package
 * ({@code config.gateway}, {@code config.kgateway}, {@code config.agentgateway}: bound records and
 * one validation pass per kind); what those passes share lives here ({@link dev.aigw.config.Binder},
 * {@link dev.aigw.config.Checker}, {@link dev.aigw.config.Values}, {@link dev.aigw.config.EnvRefs},
 * {@link dev.aigw.config.Annotations}).
 *
 * <p>Depends on Jackson only (RE2/J to check regular expressions as they will run), and its own
 * family packages.
 */
package dev.aigw.config;

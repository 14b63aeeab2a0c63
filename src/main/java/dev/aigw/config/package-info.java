/**
 * Configuration: the resources a user writes (Gateway, HTTPRoute, Backend, Secret, ...), read
 * from YAML into immutable records, validated with file/line locations, held in a
 * {@link dev.aigw.config.ResourceStore} that any source (files, later the Kubernetes API) feeds,
 * and handed to {@code route.SnapshotCompiler}, which compiles them into the snapshot requests read.
 *
 * <p>Depends on Jackson only.
 */
package dev.aigw.config;

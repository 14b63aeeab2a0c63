/**
 * Configuration: the resources a user writes (Gateway, HTTPRoute, Backend, Secret, ...), read
 * from YAML into immutable records, validated with file/line locations, held in a
 * {@link dev.aigw.config.ResourceStore} that any source (files, later the Kubernetes API) feeds,
 * and compiled into one immutable {@link dev.aigw.config.Snapshot} that requests read.
 *
 * <p>Depends on Jackson only (and {@code route}/{@code provider} records it compiles into).
 */
package dev.aigw.config;

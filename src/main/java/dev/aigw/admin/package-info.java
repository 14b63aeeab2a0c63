/**
 * The admin listener (127.0.0.1:19000 by default): health, readiness, the effective config with
 * every secret redacted, and the compiled route table. Read-only.
 *
 * <p>May depend on {@code config} and {@code route}, and Vert.x.
 */
package dev.aigw.admin;

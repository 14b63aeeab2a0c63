/**
 * The admin listener (127.0.0.1:19000 by default): health, readiness, the effective config with
 * every secret redacted, the compiled route table, and the web dashboard ({@code /ui/}) with its
 * JSON API ({@code /api/...}). Read-only, except that the dashboard's "Try it" (off by default)
 * sends a prompt through the gateway's own listener.
 *
 * <p>May depend on {@code config} and {@code route} (and through it {@code provider}'s names and
 * targets, never its credentials, and a {@code policy}'s one-line description), Jackson and Vert.x. What the dashboard needs from the proxy
 * and the telemetry arrives as {@link dev.aigw.admin.DashboardSources}, wired by {@code cli}.
 */
package dev.aigw.admin;

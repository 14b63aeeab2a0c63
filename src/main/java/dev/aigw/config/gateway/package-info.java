/**
 * Gateway API resources ({@code gateway.networking.k8s.io}): the {@code spec} shapes of
 * {@code Gateway} and {@code HTTPRoute} as records that {@link dev.aigw.config.Binder} binds
 * strictly (an unknown field is an error with a suggestion).
 *
 * <p>Depends on {@code config} and Jackson only.
 */
package dev.aigw.config.gateway;

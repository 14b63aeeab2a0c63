/**
 * Gateway API resources ({@code gateway.networking.k8s.io}): the {@code spec} shapes of
 * {@code Gateway} and {@code HTTPRoute} as records that {@link dev.aigw.config.Binder} binds
 * strictly (an unknown field is an error with a suggestion), and each kind's one validation pass
 * from those records into the compiled {@link dev.aigw.config.GatewayResource} and
 * {@link dev.aigw.config.HttpRouteResource} ({@code GatewayConversion}, {@code HttpRouteConversion}),
 * reporting at JSON pointers through {@link dev.aigw.config.Checker}.
 *
 * <p>Depends on {@code config} and Jackson only.
 */
package dev.aigw.config.gateway;

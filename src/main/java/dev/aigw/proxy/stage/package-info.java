/**
 * The contract of a request-scope stage of an AI exchange: what a stage sees ({@link
 * dev.aigw.proxy.stage.RequestScope}), what it may answer ({@link dev.aigw.proxy.stage.Verdict},
 * {@link dev.aigw.proxy.stage.GatewayError}), and the stage type itself ({@link
 * dev.aigw.proxy.stage.RequestStage}). The pipeline that runs stages, and the stages the gateway
 * ships, live in {@code dev.aigw.proxy}; later work (authentication, rate limits) implements
 * {@code RequestStage} and is plugged in through {@code ProxyServices.Stages}.
 *
 * <p>May depend on {@code route}, {@code translate}, {@code telemetry}, {@code policy}, Jackson
 * and Vert.x's {@code Future}; not on the rest of {@code proxy}.
 */
package dev.aigw.proxy.stage;

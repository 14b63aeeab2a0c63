/**
 * Kubernetes mode: the same resources read from the API server instead of files. Informers
 * ({@link dev.aigw.kube.KubeSource}) turn the cluster's Gateways, HTTPRoutes, Backends, Secrets,
 * ... into {@link dev.aigw.config.RawResource}s for the shared
 * {@link dev.aigw.config.ResourceStore}; {@link dev.aigw.kube.StatusWriter} reports back, as
 * Gateway API asks, what was accepted and what is wrong, on the leader replica only
 * ({@link dev.aigw.kube.Leadership}).
 *
 * <p>May depend on {@code config} only, plus the fabric8 Kubernetes client. Compiling and
 * serving stay with the caller ({@code cli}), which feeds problems back to the status writer.
 */
package dev.aigw.kube;

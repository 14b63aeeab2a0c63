/**
 * The command line ({@code run}, {@code validate}) and the wiring of everything: the only
 * package that sees all others. {@link dev.aigw.cli.GatewayApp} starts a gateway from settings
 * (tests use it too); {@link dev.aigw.cli.ConfigReloader} turns file changes, and in Kubernetes
 * mode the cluster's resources ({@code dev.aigw.kube}), into snapshots.
 */
package dev.aigw.cli;

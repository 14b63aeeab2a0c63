/**
 * The command line ({@code run}, {@code validate}) and the wiring of everything: the only
 * package that sees all others. {@link dev.aigw.cli.GatewayApp} starts a gateway from settings
 * (tests use it too); {@link dev.aigw.cli.ConfigReloader} turns file changes, and in Kubernetes
 * mode the cluster's resources ({@code dev.aigw.kube}), into snapshots; {@link dev.aigw.cli.FirstRead}
 * runs the first read on a thread of its own as soon as {@code run} knows the files; {@link
 * dev.aigw.cli.JacksonInit} and {@link dev.aigw.cli.EarlyInit} do JDK and Jackson initialisation it
 * would otherwise wait for on threads of their own from main's first line; {@link
 * dev.aigw.cli.NativeLibs} copies Netty's epoll library out of the jar for the launcher.
 */
package dev.aigw.cli;

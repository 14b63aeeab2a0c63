package dev.aigw.kube;

import io.fabric8.kubernetes.client.Config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How the gateway reads a cluster.
 *
 * @param namespaces      the namespaces watched; empty means all
 * @param gatewayClasses  the GatewayClass names whose Gateways this deployment serves
 * @param controllerName  written in HTTPRoute {@code status.parents[].controllerName}
 * @param identity        this replica's name in the leader-election Lease (the pod name)
 * @param leaseNamespace  where the Lease lives; null: the client's namespace
 * @param leaseName       the Lease's name
 * @param client          the client configuration; null: the standard lookup (in-cluster service
 *                        account, {@code $KUBECONFIG}, {@code ~/.kube/config})
 * @param debounce        how long events are coalesced before a recompile
 * @param leaseDuration   how long a leader's Lease holds without renewal
 */
public record KubeOptions(List<String> namespaces, Set<String> gatewayClasses, String controllerName,
                          String identity, String leaseNamespace, String leaseName, Config client,
                          Duration debounce, Duration leaseDuration) {
    public static final String DEFAULT_CONTROLLER = "ai-gateway.dev/controller";
    public static final String DEFAULT_GATEWAY_CLASS = "kgateway";
    /** agentgateway's class ({@code controllerName: agentgateway.dev/agentgateway}), served by default too. */
    public static final String AGENTGATEWAY_CLASS = "agentgateway";

    public KubeOptions {
        namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
        gatewayClasses = Set.copyOf(requireNonNull(gatewayClasses, "gatewayClasses"));
        requireNonNull(controllerName, "controllerName");
        requireNonNull(identity, "identity");
        requireNonNull(leaseName, "leaseName");
        requireNonNull(debounce, "debounce");
        requireNonNull(leaseDuration, "leaseDuration");
    }

    /** Defaults: all namespaces, class {@code kgateway}, 150 ms debounce, 15 s lease. */
    public static KubeOptions defaults(String identity) {
        return new KubeOptions(List.of(), Set.of(DEFAULT_GATEWAY_CLASS, AGENTGATEWAY_CLASS), DEFAULT_CONTROLLER, identity, null,
                "ai-gateway-status", null, Duration.ofMillis(150), Duration.ofSeconds(15));
    }

    public KubeOptions withNamespaces(List<String> ns) {
        return new KubeOptions(ns, gatewayClasses, controllerName, identity, leaseNamespace, leaseName, client,
                debounce, leaseDuration);
    }

    public KubeOptions withGatewayClasses(Set<String> classes) {
        return new KubeOptions(namespaces, classes, controllerName, identity, leaseNamespace, leaseName, client,
                debounce, leaseDuration);
    }

    public KubeOptions withLeaseNamespace(String ns) {
        return new KubeOptions(namespaces, gatewayClasses, controllerName, identity, ns, leaseName, client,
                debounce, leaseDuration);
    }

    public KubeOptions withClient(Config config) {
        return new KubeOptions(namespaces, gatewayClasses, controllerName, identity, leaseNamespace, leaseName,
                config, debounce, leaseDuration);
    }

    public KubeOptions withLeaseDuration(Duration d) {
        return new KubeOptions(namespaces, gatewayClasses, controllerName, identity, leaseNamespace, leaseName,
                client, debounce, d);
    }
}

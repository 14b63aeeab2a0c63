package dev.aigw.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The kinds the gateway watches, with the API coordinates the generic client needs. */
enum Kind {
    GATEWAY_CLASS("gateway.networking.k8s.io", "v1", "GatewayClass", "gatewayclasses", false, false),
    GATEWAY("gateway.networking.k8s.io", "v1", "Gateway", "gateways", true, true),
    HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes", true, true),
    BACKEND("gateway.kgateway.dev", "v1alpha1", "Backend", "backends", true, true),
    TRAFFIC_POLICY("gateway.kgateway.dev", "v1alpha1", "TrafficPolicy", "trafficpolicies", true, true),
    GATEWAY_PARAMETERS("gateway.kgateway.dev", "v1alpha1", "GatewayParameters", "gatewayparameters", true, false),
    AGENTGATEWAY_BACKEND("agentgateway.dev", "v1alpha1", "AgentgatewayBackend", "agentgatewaybackends", true, true),
    AGENTGATEWAY_POLICY("agentgateway.dev", "v1alpha1", "AgentgatewayPolicy", "agentgatewaypolicies", true, true),
    AGENTGATEWAY_PARAMETERS("agentgateway.dev", "v1alpha1", "AgentgatewayParameters", "agentgatewayparameters", true,
            false),
    SECRET("", "v1", "Secret", "secrets", true, false);

    final String group;
    final String version;
    final String kind;
    final String plural;
    final boolean namespaced;
    /** Whether this gateway writes the kind's status. */
    final boolean hasStatus;

    Kind(String group, String version, String kind, String plural, boolean namespaced, boolean hasStatus) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
        this.namespaced = namespaced;
        this.hasStatus = hasStatus;
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    static Kind of(String kind) {
        for (Kind k : values()) if (k.kind.equals(kind)) return k;
        return null;
    }
}

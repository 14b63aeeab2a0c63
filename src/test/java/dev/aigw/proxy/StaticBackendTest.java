package dev.aigw.proxy;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP proxying to Static backends, with the HTTPRoute filters and weights. */
class StaticBackendTest {

    @Test
    void filtersRewritesAndWeights() throws Exception {
        int gwPort;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            gwPort = ss.getLocalPort();
        }
        try (FakeUpstream a = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("x-upstream", "a")
                .putHeader("x-internal", "secret-ish").end("A:" + r.body()));
             FakeUpstream b = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("x-upstream", "b").end("B"));
             GatewayHarness gw = GatewayHarness.builder().file("s.yaml", """
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: Gateway
                     metadata: {name: gw, namespace: infra}
                     spec:
                       gatewayClassName: kgateway
                       listeners:
                       - {name: http, port: %d, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: a, namespace: apps}
                     spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                     ---
                     apiVersion: gateway.kgateway.dev/v1alpha1
                     kind: Backend
                     metadata: {name: b, namespace: apps}
                     spec: {type: Static, static: {hosts: [{host: 127.0.0.1, port: %d}]}}
                     ---
                     apiVersion: gateway.networking.k8s.io/v1
                     kind: HTTPRoute
                     metadata: {name: web, namespace: apps}
                     spec:
                       parentRefs: [{name: gw, namespace: infra}]
                       rules:
                       - matches: [{path: {type: PathPrefix, value: /api}}]
                         filters:
                         - type: RequestHeaderModifier
                           requestHeaderModifier:
                             set: [{name: x-env, value: prod}]
                             add: [{name: x-added, value: "1"}]
                             remove: [x-drop-me]
                         - type: ResponseHeaderModifier
                           responseHeaderModifier:
                             remove: [x-internal]
                             set: [{name: x-served-by, value: aigw}]
                         - type: URLRewrite
                           urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
                         backendRefs: [{name: a, group: gateway.kgateway.dev, kind: Backend}]
                       - matches: [{path: {type: PathPrefix, value: /split}}]
                         backendRefs:
                         - {name: a, group: gateway.kgateway.dev, kind: Backend, weight: 1}
                         - {name: b, group: gateway.kgateway.dev, kind: Backend, weight: 3}
                       - matches: [{path: {type: Exact, value: /never}}]
                         backendRefs:
                         - {name: a, group: gateway.kgateway.dev, kind: Backend, weight: 0}
                     """.formatted(gwPort, a.port(), b.port()))
                     .start()) {
            HttpResponse<String> r = gw.http().send(HttpRequest.newBuilder(URI.create(gw.url(gwPort) + "/api/users?id=7"))
                    .header("x-drop-me", "1").header("authorization", "Bearer user-token")
                    .POST(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("A:payload");
            assertThat(r.headers().firstValue("x-served-by")).hasValue("aigw");
            assertThat(r.headers().firstValue("x-internal")).isEmpty();
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
            FakeUpstream.Recorded up = a.take();
            assertThat(up.uri()).isEqualTo("/v2/users?id=7");
            assertThat(up.headers().get("x-env")).isEqualTo("prod");
            assertThat(up.headers().get("x-added")).isEqualTo("1");
            assertThat(up.headers().get("x-drop-me")).isNull();
            assertThat(up.headers().get("authorization")).as("static backends get the client's headers").isEqualTo("Bearer user-token");
            assertThat(up.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");

            int toB = 0;
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> s = gw.get(gw.url(gwPort) + "/split");
                if (s.body().equals("B")) toB++;
            }
            assertThat(toB).as("weight 3 of 4").isBetween(120, 180);

            HttpResponse<String> never = gw.get(gw.url(gwPort) + "/never");
            assertThat(never.statusCode()).isEqualTo(500);
            assertThat(never.body()).contains("no backend that can take traffic");
        }
    }
}

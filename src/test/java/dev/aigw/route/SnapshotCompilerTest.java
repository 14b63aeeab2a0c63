package dev.aigw.route;

import dev.aigw.config.Location;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.provider.Credential;
import dev.aigw.provider.GeminiProvider;
import dev.aigw.provider.OpenAiProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotCompilerTest {

    static Destination destination(SnapshotCompiler.Result r, int port, String routeName) {
        return r.snapshot().ports().get(port).entries().stream()
                .filter(e -> e.rule().route().name().equals(routeName)).findFirst().orElseThrow()
                .rule().destinations().getFirst().destination();
    }

    static Credential credential(SnapshotCompiler.Result r, String routeName) {
        Destination d = destination(r, 8080, routeName);
        assertThat(d).as("destination of " + routeName).isInstanceOf(Destination.Ai.class);
        return ((Destination.Ai) d).primary().target().credential();
    }

    private static String openaiWithSecret(String secretYamlData) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: s, namespace: ns}
                %s
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: ns}
                spec:
                  type: AI
                  ai:
                    llm:
                      provider:
                        openai:
                          authToken: {kind: SecretRef, secretRef: {name: s}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(secretYamlData);
    }

    // ---- the seed ----

    @Test
    void seedCompilesOnTheImplicitGatewayWithOnlyTheDuplicateKeyWarning() {
        SnapshotCompiler.Result r = Configs.compile(Configs.seed(), Map.of());
        assertThat(r.problems()).isEmpty();
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.snapshot().listeners()).containsExactly(
                new Snapshot.ListenerInfo("kgateway-system/ai-gateway", "http", 8080, true));
        RouteTable t = r.snapshot().ports().get(8080);
        assertThat(t.entries()).extracting(e -> e.rule().route().name()).containsExactlyInAnyOrder("google", "azure-openai");
        assertThat(credential(r, "google")).isEqualTo(new Credential.Token("test-google-key"));
        assertThat(credential(r, "azure-openai")).isEqualTo(new Credential.Token("test-azure-key"));
        Destination.Ai g = (Destination.Ai) destination(r, 8080, "google");
        assertThat(g.primary()).isInstanceOf(GeminiProvider.class);
        assertThat(g.name()).isEqualTo("kgateway-system/google");
    }

    @Test
    void implicitGatewayUsesTheConfiguredPort() {
        SnapshotCompiler.Result r = SnapshotCompiler.compile(Configs.seed(), 1,
                new SnapshotCompiler.Options(9999, k -> null));
        assertThat(r.snapshot().ports()).containsOnlyKeys(9999);
        assertThat(r.snapshot().ports().get(9999).entries()).hasSize(2);
    }

    @Test
    void seedWithTheSetupGatewayIsNotImplicit() {
        List<RawResource> all = new ArrayList<>(Configs.seed());
        all.addAll(Configs.yaml("ai-gateway.yaml", Configs.resource("config/ai-gateway.yaml")));
        SnapshotCompiler.Result r = Configs.compile(all, Map.of());
        assertThat(r.problems()).isEmpty();
        assertThat(r.snapshot().listeners()).containsExactly(
                new Snapshot.ListenerInfo("kgateway-system/ai-gateway", "http", 8080, false));
        assertThat(r.snapshot().ports().get(8080).entries()).hasSize(2);
    }

    @Test
    void anotherGatewayMeansTheSeedRoutesParentIsMissing() {
        List<RawResource> all = new ArrayList<>(Configs.seed());
        all.addAll(Configs.yaml("gw.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: other, namespace: kgateway-system}
                spec:
                  listeners: [{name: http, port: 8081, protocol: HTTP}]
                """));
        SnapshotCompiler.Result r = Configs.compile(all, Map.of());
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.problems()).hasSize(2).allSatisfy(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.message()).isEqualTo("parent Gateway kgateway-system/ai-gateway not found; the route is not served");
        });
        assertThat(r.problems()).extracting(Problem::resource)
                .containsExactlyInAnyOrder("HTTPRoute kgateway-system/google", "HTTPRoute kgateway-system/azure-openai");
        assertThat(r.problems()).extracting(p -> p.location().toString())
                .containsExactlyInAnyOrder("gemini-route.yaml:1", "azure-route.yaml:1");
        assertThat(r.snapshot().ports().get(8081).entries()).isEmpty();
    }

    // ---- unresolved references ----

    @Test
    void missingSecretIsUnresolvedAndTheRouteStillServed() {
        List<RawResource> all = new ArrayList<>(Configs.seed());
        all.removeIf(x -> x.name().equals("google-secret"));
        SnapshotCompiler.Result r = Configs.compile(all, Map.of());
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.location()).isEqualTo(new Location("gemini-backend.yaml", 1));
            assertThat(p.resource()).isEqualTo("Backend kgateway-system/google");
            assertThat(p.message()).isEqualTo("secret google-secret not found in kgateway-system");
        });
        assertThat(destination(r, 8080, "google")).isInstanceOfSatisfying(Destination.Unavailable.class,
                u -> assertThat(u.reason()).contains("secret google-secret not found in kgateway-system"));
        assertThat(credential(r, "azure-openai")).isEqualTo(new Credential.Token("test-azure-key"));
    }

    @Test
    void secretInAnotherNamespaceIsNotFound() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {Authorization: x}")
                .replace("metadata: {name: s, namespace: ns}", "metadata: {name: s, namespace: elsewhere}"));
        assertThat(r.problems()).singleElement().extracting(Problem::message).isEqualTo("secret s not found in ns");
    }

    @Test
    void secretWithNoUsableKeySaysWhatWasTried() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {foo: a, bar: b}"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.resource()).isEqualTo("Backend ns/b");
            assertThat(p.message()).contains("secret s").contains("tried Authorization").contains("only key")
                    .contains("bar, foo").doesNotContain("Authorization, Authorization");
        });
        assertThat(destination(r, 8080, "r")).isInstanceOf(Destination.Unavailable.class);
    }

    @Test
    void secretWithUnsetEnvIsUnresolved() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {Authorization: \"${OPENAI_API_KEY}\"}"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.message()).contains("OPENAI_API_KEY").contains("not set");
        });
        SnapshotCompiler.Result ok = Configs.compile(Configs.yaml("t.yaml",
                openaiWithSecret("stringData: {Authorization: \"Bearer ${OPENAI_API_KEY}\"}")), Map.of("OPENAI_API_KEY", "sk-9"));
        assertThat(ok.problems()).isEmpty();
        assertThat(credential(ok, "r")).isEqualTo(new Credential.Token("sk-9"));
    }

    @Test
    void emptyTokenIsUnresolved() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {Authorization: \"\"}"));
        assertThat(r.problems()).singleElement().extracting(Problem::message).asString().contains("empty token");
    }

    @Test
    void routeToMissingBackendIsUnresolvedAtTheRule() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /x}}]
                    backendRefs:
                    - name: nope
                      group: gateway.kgateway.dev
                      kind: Backend
                """);
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.UNRESOLVED);
            assertThat(p.location()).isEqualTo(new Location("t.yaml", 7));
            assertThat(p.resource()).isEqualTo("HTTPRoute ns/r");
            assertThat(p.message()).isEqualTo("Backend ns/nope not found");
        });
        assertThat(destination(r, 8080, "r")).isEqualTo(new Destination.Unavailable("ns/nope", "Backend ns/nope not found"));
    }

    @Test
    void backendRefWithoutKgatewayGroupIsUnresolved() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: b, kind: Backend}]
                """);
        assertThat(r.problems()).singleElement().extracting(Problem::message).asString()
                .contains("needs group gateway.kgateway.dev");
    }

    // ---- credential lookup ----

    @Test
    void authorizationKeyFirstWithBearerStripped() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret(
                "stringData: {Authorization: \"Bearer sk-auth\", api-key: other, x: y}"));
        assertThat(r.problems()).isEmpty();
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("sk-auth"));
    }

    @Test
    void authorizationKeyIsCaseInsensitive() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {authorization: k1, b: k2}"));
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("k1"));
    }

    @Test
    void thenKeyNamedLikeTheAuthHeader() {
        // the seed's azure-openai-secret with a second key: api-key is picked because the header is api-key
        String yaml = openaiWithSecret("stringData: {api-key: the-key, note: not-a-key}").replace(
                "    llm:\n", "    llm:\n      authHeaderOverride: {headerName: api-key}\n");
        assertThat(yaml).contains("authHeaderOverride");
        SnapshotCompiler.Result r = Configs.compile(yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("the-key"));
    }

    @Test
    void providerDefaultHeaderNameIsTriedToo() {
        // anthropic's default header is x-api-key
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {x-api-key: ak, other: o}")
                .replace("openai:", "anthropic:"));
        assertThat(r.problems()).isEmpty();
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("ak"));
    }

    @Test
    void thenTheOnlyKey() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {token: \"  Bearer only  \"}"));
        assertThat(r.problems()).isEmpty();
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("only"));
    }

    @Test
    void inlineAndPassthroughCredentials() {
        SnapshotCompiler.Result r = Configs.compile(openaiWithSecret("stringData: {a: b}")
                .replace("authToken: {kind: SecretRef, secretRef: {name: s}}", "authToken: {kind: Inline, inline: Bearer sk-inline}"));
        assertThat(credential(r, "r")).isEqualTo(new Credential.Token("sk-inline"));
        SnapshotCompiler.Result p = Configs.compile(openaiWithSecret("stringData: {a: b}")
                .replace("authToken: {kind: SecretRef, secretRef: {name: s}}", "authToken: {kind: Passthrough}"));
        assertThat(credential(p, "r")).isEqualTo(new Credential.Passthrough());
        assertThat(((Destination.Ai) destination(p, 8080, "r")).primary()).isInstanceOf(OpenAiProvider.class);
    }

    // ---- errors ----

    @Test
    void duplicateResourceIsAnErrorNamingBothPlaces() {
        List<RawResource> all = new ArrayList<>(Configs.seed());
        all.addAll(Configs.yaml("again.yaml", "# copy\n" + Configs.resource("seed/gemini-secret.yaml")));
        SnapshotCompiler.Result r = Configs.compile(all, Map.of());
        assertThat(r.hasErrors()).isTrue();
        assertThat(r.problems()).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new Location("again.yaml", 2));
            assertThat(p.resource()).isEqualTo("Secret kgateway-system/google-secret");
            assertThat(p.message()).contains("defined twice").contains("gemini-secret.yaml:1");
        });
    }

    @Test
    void sameNameInDifferentNamespacesOrKindsIsFine() {
        SnapshotCompiler.Result r = Configs.compile("""
                apiVersion: v1
                kind: Secret
                metadata: {name: x, namespace: a}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: x, namespace: b}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: x, namespace: a}
                spec: {type: Static, static: {hosts: [{host: h, port: 80}]}}
                """);
        assertThat(r.problems()).isEmpty();
    }
}

package dev.aigw.config;

import dev.aigw.config.BackendResource.AuthHeader;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.Llm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceParserTest {
    private final Map<String, String> env = new HashMap<>();
    private ResourceParser parser;

    private ResourceParser.Parsed parse(String yaml) {
        YamlResources.Result y = YamlResources.parse("t.yaml", yaml);
        assertThat(y.problems()).as("YAML problems").filteredOn(Problem::isError).isEmpty();
        parser = new ResourceParser(env::get);
        return parser.parse(y.resources());
    }

    private List<Problem> problems() {
        return parser.problems();
    }

    private Problem onlyError() {
        assertThat(problems()).filteredOn(Problem::isError).hasSize(1);
        return problems().stream().filter(Problem::isError).findFirst().orElseThrow();
    }

    private Llm onlyLlm(ResourceParser.Parsed p) {
        assertThat(problems()).as("problems").isEmpty();
        assertThat(p.backends()).hasSize(1);
        BackendResource.Ai ai = (BackendResource.Ai) p.backends().getFirst().spec();
        assertThat(ai.groups()).hasSize(1);
        assertThat(ai.groups().getFirst()).hasSize(1);
        return ai.first();
    }

    private static String backend(String name, String spec) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: %s
                  namespace: ai
                spec:
                """.formatted(name) + spec.indent(2);
    }

    @Test
    void anUnknownProviderBesideAKnownOneIsAnError() {
        parse(backend("b", """
                type: AI
                ai:
                  llm:
                    provider:
                      openai: {authToken: {kind: Inline, inline: k}}
                      cohere: {authToken: {kind: Inline, inline: k}}
                """));
        assertThat(onlyError().message()).contains("unknown field `cohere`");
    }

    // ---- the three Backend shapes ----

    @Test
    void seedAzureBackend20ShapeWithBareStringOverrides() {
        Llm llm = onlyLlm(parse(YamlResourcesTest.seed("azure-backend.yaml")));
        assertThat(llm.host()).contains(new HostPort("apic.ocp.provider.com", 443));
        assertThat(llm.path()).contains("/my-openai-service/gpt35/chat/completions");
        assertThat(llm.authHeader()).contains(new AuthHeader("api-key", Optional.of("")));
        assertThat(llm.provider()).isEqualTo(new BackendResource.OpenAi(
                new AuthToken.SecretRef("azure-openai-secret"), Optional.of("gpt-4o")));
    }

    @Test
    void seedGeminiBackend() {
        Llm llm = onlyLlm(parse(YamlResourcesTest.seed("gemini-backend.yaml")));
        assertThat(llm.provider()).isEqualTo(new BackendResource.Gemini(new AuthToken.SecretRef("google-secret"),
                "gemini-1.5-flash-latest", "v1beta"));
        assertThat(llm.host()).isEmpty();
        assertThat(llm.path()).isEmpty();
        assertThat(llm.authHeader()).isEmpty();
    }

    @Test
    void seedSecretsAndRoutes() {
        ResourceParser.Parsed p = parse(YamlResourcesTest.seed("gemini-secret.yaml") + "---\n"
                + YamlResourcesTest.seed("azure-secret.yaml") + "---\n" + YamlResourcesTest.seed("gemini-route.yaml"));
        assertThat(problems()).isEmpty();
        assertThat(p.secrets()).extracting(s -> s.key().name()).containsExactly("google-secret", "azure-openai-secret");
        assertThat(p.secrets().get(0).data()).containsOnlyKeys("Authorization")
                .containsEntry("Authorization", new SecretValue.Present("test-google-key"));
        assertThat(p.secrets().get(1).data()).containsEntry("api-key", new SecretValue.Present("test-azure-key"));
        HttpRouteResource r = p.routes().getFirst();
        assertThat(r.parentRefs()).containsExactly(new HttpRouteResource.ParentRef("gateway.networking.k8s.io",
                "Gateway", "kgateway-system", "ai-gateway", Optional.empty(), Optional.empty()));
        assertThat(r.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.matches()).singleElement().satisfies(m -> {
                assertThat(m.path().type()).isEqualTo(HttpRouteResource.PathType.PATH_PREFIX);
                assertThat(m.path().value()).isEqualTo("/gemini");
            });
            assertThat(rule.backendRefs()).containsExactly(new HttpRouteResource.BackendRef("gateway.kgateway.dev",
                    "Backend", "kgateway-system", "google", Optional.empty(), 1));
        });
    }

    @Test
    void shape20ObjectOverrides() {
        Llm llm = onlyLlm(parse(backend("b", """
                type: AI
                ai:
                  llm:
                    hostOverride:
                      host: https://localhost/
                      port: 11434
                    pathOverride:
                      fullPath: /v1/chat/completions
                    authHeaderOverride:
                      headerName: X-Key
                    provider:
                      openai:
                        authToken:
                          kind: Inline
                          inline: sk-1
                """)));
        assertThat(llm.host()).contains(new HostPort("localhost", 11434));
        assertThat(llm.path()).contains("/v1/chat/completions");
        assertThat(llm.authHeader()).contains(new AuthHeader("X-Key", Optional.empty()));
        assertThat(llm.provider()).isEqualTo(new BackendResource.OpenAi(
                new AuthToken.Inline(new SecretValue.Present("sk-1")), Optional.empty()));
    }

    @Test
    void shape20HostOverrideObjectWithoutPortDefaultsTo443() {
        Llm llm = onlyLlm(parse(backend("b", """
                type: AI
                ai:
                  llm:
                    hostOverride: {host: api.mistral.ai}
                    provider:
                      openai: {authToken: {kind: Passthrough}}
                """)));
        assertThat(llm.host()).contains(new HostPort("api.mistral.ai", 443));
        assertThat(llm.provider()).isEqualTo(new BackendResource.OpenAi(new AuthToken.Passthrough(), Optional.empty()));
    }

    @Test
    void transitionalShapeLlmDirectlyWithOverrides() {
        Llm llm = onlyLlm(parse(backend("b", """
                type: AI
                ai:
                  llm:
                    hostOverride: {host: anthropic.internal, port: 8443}
                    pathOverride: {fullPath: /messages}
                    anthropic:
                      authToken: {kind: Inline, inline: k}
                      model: claude-3-5-haiku-latest
                      apiVersion: "2024-01-01"
                """)));
        assertThat(llm.host()).contains(new HostPort("anthropic.internal", 8443));
        assertThat(llm.path()).contains("/messages");
        assertThat(llm.provider()).isEqualTo(new BackendResource.Anthropic(
                new AuthToken.Inline(new SecretValue.Present("k")), Optional.of("claude-3-5-haiku-latest"),
                Optional.of("2024-01-01")));
    }

    @Test
    void priorityGroupsGiveOrderedGroupsWithNames() {
        ResourceParser.Parsed p = parse(backend("b", """
                type: AI
                ai:
                  priorityGroups:
                  - providers:
                    - name: primary
                      openai: {authToken: {kind: Inline, inline: a}, model: gpt-4o}
                    - name: secondary
                      anthropic: {authToken: {kind: Inline, inline: b}}
                  - providers:
                    - name: fallback
                      gemini: {authToken: {kind: Inline, inline: c}, model: gemini-2.0-flash, apiVersion: v1beta}
                """));
        assertThat(problems()).isEmpty();
        BackendResource.Ai ai = (BackendResource.Ai) p.backends().getFirst().spec();
        assertThat(ai.groups()).hasSize(2);
        assertThat(ai.groups().get(0)).extracting(Llm::name).containsExactly("primary", "secondary");
        assertThat(ai.groups().get(0)).extracting(l -> l.provider().kind()).containsExactly("openai", "anthropic");
        assertThat(ai.groups().get(1)).extracting(Llm::name).containsExactly("fallback");
        assertThat(ai.groups().get(1).getFirst().provider().kind()).isEqualTo("gemini");
    }

    @Test
    void priorityGroupDuplicateNameIsAnError() {
        parse(backend("b", """
                type: AI
                ai:
                  priorityGroups:
                  - providers:
                    - name: p
                      openai: {authToken: {kind: Passthrough}}
                    - name: p
                      openai: {authToken: {kind: Passthrough}}
                """));
        Problem e = onlyError();
        assertThat(e.message()).contains("provider name p is used twice");
        assertThat(e.location().line()).isEqualTo(13);
    }

    @Test
    void shape21HostPortPathAndAuthHeader() {
        Llm llm = onlyLlm(parse(backend("b", """
                type: AI
                ai:
                  llm:
                    host: vllm.local
                    port: 8000
                    path:
                      full: /openai/v1/chat/completions
                    authHeader:
                      headerName: X-Token
                      prefix: "Token "
                    openai:
                      authToken: {kind: Inline, inline: t}
                      model: llama
                """)));
        assertThat(llm.host()).contains(new HostPort("vllm.local", 8000));
        assertThat(llm.path()).contains("/openai/v1/chat/completions");
        assertThat(llm.authHeader()).contains(new AuthHeader("X-Token", Optional.of("Token ")));
    }

    @Test
    void multipoolPrioritiesOfPools() {
        ResourceParser.Parsed p = parse(backend("b", """
                type: AI
                ai:
                  multipool:
                    priorities:
                    - pool:
                      - provider:
                          openai: {authToken: {kind: Inline, inline: a}}
                      - hostOverride: api.deepseek.com
                        provider:
                          openai: {authToken: {kind: Inline, inline: b}, model: deepseek-chat}
                    - pool:
                      - provider:
                          azureopenai:
                            authToken: {kind: Inline, inline: c}
                            endpoint: https://my.openai.azure.com
                            deploymentName: gpt-4o-mini
                            apiVersion: 2024-10-21
                """));
        assertThat(problems()).isEmpty();
        BackendResource.Ai ai = (BackendResource.Ai) p.backends().getFirst().spec();
        assertThat(ai.groups()).hasSize(2);
        assertThat(ai.groups().get(0)).hasSize(2);
        assertThat(ai.groups().get(0).get(1).host()).contains(new HostPort("api.deepseek.com", 443));
        assertThat(ai.groups().get(1).getFirst().provider()).isEqualTo(new BackendResource.AzureOpenAi(
                new AuthToken.Inline(new SecretValue.Present("c")), "my.openai.azure.com", "gpt-4o-mini", "2024-10-21"));
    }

    @Test
    void vertexAndBedrockFields() {
        ResourceParser.Parsed p = parse(backend("v", """
                type: AI
                ai:
                  llm:
                    vertexai:
                      authToken: {kind: Inline, inline: t}
                      model: claude-sonnet-4
                      apiVersion: v1
                      projectId: proj
                      location: us-east5
                      publisher: ANTHROPIC
                """) + "---\n" + backend("br", """
                type: AI
                ai:
                  llm:
                    bedrock:
                      model: anthropic.claude-3-haiku
                      auth: {type: Secret, secretRef: {name: aws}}
                      guardrail: {identifier: g1, version: "1"}
                """));
        assertThat(problems()).isEmpty();
        assertThat(((BackendResource.Ai) p.backends().get(0).spec()).first().provider()).isEqualTo(
                new BackendResource.VertexAi(new AuthToken.Inline(new SecretValue.Present("t")), "claude-sonnet-4", "v1",
                        "proj", "us-east5", "generateContent", "ANTHROPIC"));
        assertThat(((BackendResource.Ai) p.backends().get(1).spec()).first().provider()).isEqualTo(
                new BackendResource.Bedrock(Optional.of("aws"), "anthropic.claude-3-haiku", "us-east-1",
                        Optional.of(new BackendResource.Guardrail("g1", "1"))));
    }

    @Test
    void staticBackend() {
        ResourceParser.Parsed p = parse(backend("s", """
                type: Static
                static:
                  hosts:
                  - host: httpbin.org
                    port: 80
                  - host: 10.0.0.5
                    port: 8080
                """));
        assertThat(problems()).isEmpty();
        assertThat(p.backends().getFirst().spec()).isEqualTo(new BackendResource.Static(List.of(
                new HostPort("httpbin.org", 80), new HostPort("10.0.0.5", 8080))));
    }

    // ---- errors ----

    @Test
    void unknownProvider() {
        ResourceParser.Parsed p = parse(backend("b", """
                type: AI
                ai:
                  llm:
                    provider:
                      cohere:
                        authToken: {kind: Passthrough}
                """));
        assertThat(p.backends()).isEmpty();
        Problem e = onlyError();
        assertThat(e.location()).isEqualTo(new Location("t.yaml", 11));
        assertThat(e.resource()).isEqualTo("Backend ai/b");
        assertThat(e.message()).contains("unknown field `cohere`").contains("openai").contains("gemini");
        assertThat(e.toString()).startsWith("t.yaml:11: error: Backend ai/b: ");
    }

    @Test
    void unknownProviderIn21Shape() {
        parse(backend("b", """
                type: AI
                ai:
                  llm:
                    cohere: {authToken: {kind: Passthrough}}
                """));
        assertThat(onlyError().message()).contains("unknown field `cohere`");
    }

    @Test
    void twoProvidersInOneLlm() {
        ResourceParser.Parsed p = parse(backend("b", """
                type: AI
                ai:
                  llm:
                    provider:
                      openai: {authToken: {kind: Passthrough}}
                      anthropic: {authToken: {kind: Passthrough}}
                """));
        assertThat(p.backends()).isEmpty();
        Problem e = onlyError();
        assertThat(e.location().line()).isEqualTo(11);
        assertThat(e.message()).contains("exactly one provider").contains("found openai, anthropic");
    }

    @Test
    void hostWithoutPort() {
        ResourceParser.Parsed p = parse(backend("b", """
                type: AI
                ai:
                  llm:
                    host: ollama.local
                    openai: {authToken: {kind: Passthrough}}
                """));
        assertThat(p.backends()).isEmpty();
        Problem e = onlyError();
        assertThat(e.location()).isEqualTo(new Location("t.yaml", 10));
        assertThat(e.resource()).isEqualTo("Backend ai/b");
        assertThat(e.message()).contains("host and port must be set together").contains("found only host");
    }

    @Test
    void hostOverrideAndHostTogether() {
        parse(backend("b", """
                type: AI
                ai:
                  llm:
                    hostOverride: a.example.com
                    host: b.example.com
                    port: 443
                    openai: {authToken: {kind: Passthrough}}
                """));
        assertThat(onlyError().message()).contains("either hostOverride or host");
    }

    @Test
    void geminiWithoutModelAndApiVersion() {
        ResourceParser.Parsed p = parse(backend("g", """
                type: AI
                ai:
                  llm:
                    provider:
                      gemini:
                        authToken: {kind: SecretRef, secretRef: {name: google-secret}}
                """));
        assertThat(p.backends()).isEmpty();
        assertThat(problems()).allSatisfy(e -> {
            assertThat(e.isError()).isTrue();
            assertThat(e.resource()).isEqualTo("Backend ai/g");
            assertThat(e.location().line()).isEqualTo(12);
        });
        assertThat(problems()).extracting(Problem::message)
                .containsExactlyInAnyOrder("llm.gemini.model is required", "llm.gemini.apiVersion is required");
    }

    @Test
    void azureWithoutEndpoint() {
        parse(backend("az", """
                type: AI
                ai:
                  llm:
                    azureopenai:
                      authToken: {kind: Passthrough}
                      deploymentName: gpt-4o
                      apiVersion: 2024-10-21
                """));
        Problem e = onlyError();
        assertThat(e.message()).isEqualTo("llm.azureopenai.endpoint is required");
        assertThat(e.location().line()).isEqualTo(11); // the provider mapping's first line
    }

    @Test
    void missingAuthTokenAndBadAuthKind() {
        parse(backend("a", """
                type: AI
                ai:
                  llm:
                    openai: {model: gpt-4o}
                """) + "---\n" + backend("b", """
                type: AI
                ai:
                  llm:
                    openai: {authToken: {kind: Header}}
                """));
        assertThat(problems()).hasSize(2).allMatch(Problem::isError);
        assertThat(problems().get(0).message()).contains("authToken is required");
        assertThat(problems().get(1).message()).contains("authToken.kind: Header");
        assertThat(problems().get(1).resource()).isEqualTo("Backend ai/b");
    }

    @Test
    void invalidRegexInPathMatch() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - matches:
                    - path:
                        type: RegularExpression
                        value: /v1/(chat
                """);
        assertThat(p.routes()).isEmpty();
        Problem e = onlyError();
        assertThat(e.location()).isEqualTo(new Location("t.yaml", 11));
        assertThat(e.resource()).isEqualTo("HTTPRoute default/r");
        assertThat(e.message()).contains("invalid regular expression /v1/(chat");
    }

    @Test
    void invalidRegexInHeaderAndQueryMatch() {
        parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: x
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - matches:
                    - headers:
                      - name: x-model
                        type: RegularExpression
                        value: "gpt-[4"
                      queryParams:
                      - name: q
                        type: RegularExpression
                        value: "*a"
                """);
        assertThat(problems()).hasSize(2).allMatch(Problem::isError);
        assertThat(problems()).extracting(p -> p.location().line()).containsExactly(13, 17);
        assertThat(problems()).allSatisfy(p -> assertThat(p.message()).startsWith("invalid regular expression"));
        assertThat(problems().getFirst().resource()).isEqualTo("HTTPRoute x/r");
    }

    @Test
    void badPortsNameTheirLine() {
        parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                spec:
                  parentRefs:
                  - name: gw
                    port: 70000
                """);
        Problem e = onlyError();
        assertThat(e.message()).contains("port 70000 is not a port");
        assertThat(e.location()).isEqualTo(new Location("t.yaml", 8));
    }

    @Test
    void badStaticPortAndListenerPort() {
        ResourceParser.Parsed p = parse(backend("s", """
                type: Static
                static:
                  hosts:
                  - host: a
                    port: http
                """) + "---\n" + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  listeners:
                  - name: http
                    protocol: HTTP
                    port: 0
                """);
        assertThat(p.backends()).isEmpty();
        assertThat(p.gateways()).isEmpty();
        assertThat(problems()).hasSize(2).allMatch(Problem::isError);
        assertThat(problems().get(0).message()).isEqualTo("port http is not a port (expected 1 to 65535)");
        assertThat(problems().get(0).location().line()).isEqualTo(11);
        assertThat(problems().get(1).message()).contains("port 0 is not a port");
        assertThat(problems().get(1).location().line()).isEqualTo(20);
    }

    @Test
    void durations() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: ok}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - timeouts: {request: 1m30s, backendRequest: 500ms}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: bad}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - timeouts:
                      request: 10 seconds
                """);
        assertThat(p.routes()).singleElement().satisfies(r -> assertThat(r.rules().getFirst().timeouts())
                .isEqualTo(new HttpRouteResource.Timeouts(Optional.of(Duration.ofSeconds(90)),
                        Optional.of(Duration.ofMillis(500)))));
        Problem e = onlyError();
        assertThat(e.resource()).isEqualTo("HTTPRoute default/bad");
        assertThat(e.location().line()).isEqualTo(16);
        assertThat(e.message()).contains("request 10 seconds is not a duration");
    }

    @Test
    void wrongApiVersionGroup() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Backend
                metadata: {name: b}
                spec:
                  type: Static
                  static: {hosts: [{host: a, port: 80}]}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                """);
        assertThat(p.backends()).isEmpty();
        assertThat(p.routes()).isEmpty();
        assertThat(problems()).hasSize(2).allMatch(Problem::isError);
        assertThat(problems().get(0).location()).isEqualTo(new Location("t.yaml", 1));
        assertThat(problems().get(0).message()).contains("apiVersion gateway.networking.k8s.io/v1")
                .contains("expected gateway.kgateway.dev/");
        assertThat(problems().get(1).location().line()).isEqualTo(8);
        assertThat(problems().get(1).resource()).isEqualTo("HTTPRoute default/r");
    }

    @Test
    void unusedKindWarns() {
        parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n");
        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.message()).contains("not used");
        });
    }

    // ---- secrets ----

    @Test
    void secretDataIsBase64Decoded() {
        String b64 = Base64.getEncoder().encodeToString("Bearer sk-secret\n".getBytes());
        ResourceParser.Parsed p = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                data:
                  Authorization: %s
                """.formatted(b64));
        assertThat(problems()).isEmpty();
        assertThat(p.secrets().getFirst().data()).containsEntry("Authorization", new SecretValue.Present("Bearer sk-secret"));
    }

    @Test
    void badBase64InSecretData() {
        ResourceParser.Parsed p = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s, namespace: kgateway-system}
                data:
                  ok: c2stMQ==
                  Authorization: sk-not base64!
                """);
        assertThat(p.secrets()).isEmpty();
        Problem e = onlyError();
        assertThat(e.resource()).isEqualTo("Secret kgateway-system/s");
        assertThat(e.location()).isEqualTo(new Location("t.yaml", 6));
        assertThat(e.message()).contains("data.Authorization is not valid base64");
    }

    @Test
    void envSubstitutionInStringData() {
        env.put("GOOGLE_KEY", "AIza-123");
        ResourceParser.Parsed p = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                stringData:
                  Authorization: Bearer ${GOOGLE_KEY}
                  other: ${UNSET_VAR}-x
                  literal: $GOOGLE_KEY
                """);
        // $GOOGLE_KEY (copied from a shell heredoc literally) is used as written, with a warning naming ${GOOGLE_KEY}.
        assertThat(problems()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(w.location().line()).isEqualTo(7);
            assertThat(w.message()).contains("stringData.literal", "`$GOOGLE_KEY`", "unexpanded shell variable",
                    "${GOOGLE_KEY}");
        });
        Map<String, SecretValue> d = p.secrets().getFirst().data();
        assertThat(d.get("Authorization")).isEqualTo(new SecretValue.Present("Bearer AIza-123"));
        assertThat(d.get("literal")).isEqualTo(new SecretValue.Present("$GOOGLE_KEY"));
        assertThat(d.get("other")).isInstanceOfSatisfying(SecretValue.Unresolved.class, u ->
                assertThat(u.reason()).contains("UNSET_VAR").contains("not set").contains("stringData.other"));
        assertThat(d.get("Authorization").toString()).doesNotContain("AIza");
    }

    @Test
    void envSubstitutionInSecretDataBase64() {
        env.put("AZURE_KEY_B64", Base64.getEncoder().encodeToString("az-key-1".getBytes()));
        ResourceParser.Parsed p = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                data:
                  api-key: ${AZURE_KEY_B64}
                  unset: ${NOT_SET_B64}
                """);
        assertThat(problems()).isEmpty();
        assertThat(p.secrets().getFirst().data()).containsEntry("api-key", new SecretValue.Present("az-key-1"));
        assertThat(p.secrets().getFirst().data().get("unset")).isInstanceOfSatisfying(SecretValue.Unresolved.class,
                u -> assertThat(u.reason()).isEqualTo("data.unset: environment variable NOT_SET_B64 is not set"));
    }

    @Test
    void stringDataWinsOverData() {
        ResourceParser.Parsed p = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                data:
                  k: ZnJvbS1kYXRh
                stringData:
                  k: from-stringData
                """);
        assertThat(p.secrets().getFirst().data()).containsEntry("k", new SecretValue.Present("from-stringData"));
    }

    @Test
    void inlineTokenEnvSubstitution() {
        env.put("OPENAI_API_KEY", "sk-env");
        Llm llm = onlyLlm(parse(backend("b", """
                type: AI
                ai:
                  llm:
                    openai: {authToken: {kind: Inline, inline: "${OPENAI_API_KEY}"}}
                """)));
        assertThat(llm.provider()).isEqualTo(new BackendResource.OpenAi(
                new AuthToken.Inline(new SecretValue.Present("sk-env")), Optional.empty()));
    }
}

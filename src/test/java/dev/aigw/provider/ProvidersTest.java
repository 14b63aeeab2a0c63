package dev.aigw.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;
import dev.aigw.route.Destination;
import dev.aigw.route.SnapshotCompiler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class ProvidersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Compiles a Backend whose {@code spec.ai.llm} is {@code llm}, routed on the implicit Gateway. */
    static Provider provider(String llm) {
        String yaml = """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                """ + llm.indent(6) + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: kgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
                """;
        YamlResources.Result y = YamlResources.parse("t.yaml", yaml);
        assertThat(y.problems()).isEmpty();
        return compile(y.resources());
    }

    static Provider compile(List<RawResource> resources) {
        SnapshotCompiler.Result r = SnapshotCompiler.compile(resources, 1, new SnapshotCompiler.Options(8080, k -> null));
        assertThat(r.problems()).filteredOn(p -> p.severity() != Problem.Severity.WARNING).isEmpty();
        Destination d = r.snapshot().ports().get(8080).entries().getFirst().rule().destinations().getFirst().destination();
        assertThat(d).isInstanceOf(Destination.Ai.class);
        return ((Destination.Ai) d).primary();
    }

    static String seed(String f) {
        try (var in = Objects.requireNonNull(ProvidersTest.class.getResourceAsStream("/seed/" + f), f)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode body(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ClientCall call(String path, String body, String... headersAndValues) {
        return call(path, Map.of(), body, headersAndValues);
    }

    static ClientCall call(String path, Map<String, List<String>> query, String body, String... headersAndValues) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headersAndValues.length; i += 2) {
            h.put(headersAndValues[i].toLowerCase(Locale.ROOT), headersAndValues[i + 1]);
        }
        return new ClientCall("POST", path, query, n -> h.get(n.toLowerCase(Locale.ROOT)), body(body));
    }

    private static final String CHAT = "{\"model\":\"client-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    // ---- openai ----

    @Test
    void openaiDefaults() throws Exception {
        UpstreamRequest u = provider("""
                openai:
                  authToken: {kind: Inline, inline: sk-1}
                """).prepare(call("/openai", CHAT));
        assertThat(u.host()).isEqualTo("api.openai.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.tls()).isTrue();
        assertThat(u.pathAndQuery()).isEqualTo("/v1/chat/completions");
        assertThat(u.headers()).containsExactly(entry("Authorization", "Bearer sk-1"));
        assertThat(u.body().get("model").asText()).isEqualTo("client-model");
        assertThat(u.streaming()).isFalse();
    }

    @Test
    void openaiBackendModelWinsAndStreamFlag() throws Exception {
        UpstreamRequest u = provider("""
                openai:
                  authToken: {kind: Inline, inline: sk-1}
                  model: gpt-4o-mini
                """).prepare(call("/openai", "{\"model\":\"gpt-3.5\",\"stream\":true,\"messages\":[]}"));
        assertThat(u.body().get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(u.streaming()).isTrue();
    }

    @Test
    void openaiWithoutAnyModelIs400() {
        Provider p = provider("openai: {authToken: {kind: Inline, inline: k}}");
        assertThatThrownBy(() -> p.prepare(call("/", "{\"messages\":[]}")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void seedAzureOverridesViaOpenai() throws Exception {
        List<RawResource> rs = new ArrayList<>();
        for (String f : List.of("azure-secret.yaml", "azure-backend.yaml", "azure-route.yaml")) {
            rs.addAll(YamlResources.parse(f, seed(f)).resources());
        }
        Provider p = compile(rs);
        UpstreamRequest u = p.prepare(call("/azure-openai",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello from Azure OpenAI!\"}],\"max_tokens\":100}",
                "api-key", "client-supplied"));
        assertThat(u.host()).isEqualTo("apic.ocp.provider.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.tls()).isTrue();
        assertThat(u.pathAndQuery()).isEqualTo("/my-openai-service/gpt35/chat/completions");
        assertThat(u.headers()).containsExactly(entry("api-key", "test-azure-key"));
        assertThat(u.body().get("model").asText()).isEqualTo("gpt-4o");
        assertThat(u.body().get("max_tokens").asInt()).isEqualTo(100);
    }

    @Test
    void shape21OverridesPlainHttpOnOtherPorts() throws Exception {
        UpstreamRequest u = provider("""
                host: ollama.local
                port: 11434
                path: {full: /v1/chat/completions}
                authHeader: {headerName: X-Key, prefix: "Token "}
                openai: {authToken: {kind: Inline, inline: k}, model: llama3.2}
                """).prepare(call("/ollama", CHAT));
        assertThat(u.host()).isEqualTo("ollama.local");
        assertThat(u.port()).isEqualTo(11434);
        assertThat(u.tls()).isFalse();
        assertThat(u.pathAndQuery()).isEqualTo("/v1/chat/completions");
        assertThat(u.headers()).containsExactly(entry("X-Key", "Token k"));
        assertThat(u.body().get("model").asText()).isEqualTo("llama3.2");
    }

    @Test
    void shape20ObjectOverrides() throws Exception {
        UpstreamRequest u = provider("""
                hostOverride: {host: vllm.internal, port: 8000}
                pathOverride: {fullPath: /openai/v1/chat/completions}
                authHeaderOverride: {headerName: Authorization}
                provider:
                  openai: {authToken: {kind: Inline, inline: k}}
                """).prepare(call("/vllm", CHAT));
        assertThat(u.host()).isEqualTo("vllm.internal");
        assertThat(u.port()).isEqualTo(8000);
        assertThat(u.tls()).isFalse();
        assertThat(u.pathAndQuery()).isEqualTo("/openai/v1/chat/completions");
        // prefix not overridden: the provider's default stays
        assertThat(u.headers()).containsExactly(entry("Authorization", "Bearer k"));
    }

    @Test
    void passthroughForwardsTheClientsTokenWithoutBearer() throws Exception {
        Provider openai = provider("openai: {authToken: {kind: Passthrough}}");
        assertThat(openai.prepare(call("/", CHAT, "Authorization", "Bearer client-tok")).headers())
                .containsExactly(entry("Authorization", "Bearer client-tok"));
        Provider anthropic = provider("anthropic: {authToken: {kind: Passthrough}}");
        assertThat(anthropic.prepare(call("/", CHAT, "Authorization", "Bearer client-tok")).headers())
                .containsEntry("x-api-key", "client-tok");
        assertThatThrownBy(() -> openai.prepare(call("/", CHAT)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    // ---- azure ----

    @Test
    void azureOpenAi() throws Exception {
        Provider p = provider("""
                azureopenai:
                  authToken: {kind: Inline, inline: az}
                  endpoint: https://my-res.openai.azure.com/
                  deploymentName: gpt-4o-prod
                  apiVersion: 2024-10-21
                """);
        UpstreamRequest u = p.prepare(call("/azure", CHAT));
        assertThat(u.host()).isEqualTo("my-res.openai.azure.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.tls()).isTrue();
        assertThat(u.pathAndQuery()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
        assertThat(u.headers()).containsExactly(entry("api-key", "az"));
        assertThat(p.model()).contains("gpt-4o-prod");
    }

    // ---- anthropic ----

    @Test
    void anthropicDefaultsAndVersionPrecedence() throws Exception {
        Provider plain = provider("anthropic: {authToken: {kind: Inline, inline: ak}}");
        UpstreamRequest u = plain.prepare(call("/anthropic", CHAT));
        assertThat(u.host()).isEqualTo("api.anthropic.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.pathAndQuery()).isEqualTo("/v1/messages");
        assertThat(u.headers()).containsExactly(entry("x-api-key", "ak"), entry("anthropic-version", "2023-06-01"));
        assertThat(u.body().get("model").asText()).isEqualTo("client-model");
        // the client's version is used when the Backend has none
        assertThat(plain.prepare(call("/", CHAT, "anthropic-version", "2024-10-22")).headers())
                .containsEntry("anthropic-version", "2024-10-22");

        Provider pinned = provider("""
                anthropic:
                  authToken: {kind: Inline, inline: ak}
                  model: claude-3-5-haiku-latest
                  apiVersion: "2023-01-01"
                """);
        UpstreamRequest v = pinned.prepare(call("/", CHAT, "anthropic-version", "2024-10-22"));
        assertThat(v.headers()).containsEntry("anthropic-version", "2023-01-01");
        assertThat(v.body().get("model").asText()).isEqualTo("claude-3-5-haiku-latest");
    }

    // ---- gemini ----

    @Test
    void seedGemini() throws Exception {
        List<RawResource> rs = new ArrayList<>();
        for (String f : List.of("gemini-secret.yaml", "gemini-backend.yaml", "gemini-route.yaml")) {
            rs.addAll(YamlResources.parse(f, seed(f)).resources());
        }
        Provider p = compile(rs);
        UpstreamRequest u = p.prepare(call("/gemini",
                "{\"contents\":[{\"parts\":[{\"text\":\"Explain how AI works in a few words\"}]}]}"));
        assertThat(u.host()).isEqualTo("generativelanguage.googleapis.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.tls()).isTrue();
        assertThat(u.pathAndQuery()).isEqualTo("/v1beta/models/gemini-1.5-flash-latest:generateContent");
        assertThat(u.headers()).containsExactly(entry("x-goog-api-key", "test-google-key"));
        assertThat(u.streaming()).isFalse();
        assertThat(u.body().has("contents")).isTrue();
    }

    @Test
    void geminiStreamingByClientPathOrAltSse() throws Exception {
        Provider p = provider("""
                gemini: {authToken: {kind: Inline, inline: g}, model: gemini-2.0-flash, apiVersion: v1beta}
                """);
        String body = "{\"contents\":[]}";
        UpstreamRequest byPath = p.prepare(call("/gemini/v1beta/models/whatever:streamGenerateContent", body));
        assertThat(byPath.pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        assertThat(byPath.streaming()).isTrue();
        UpstreamRequest byQuery = p.prepare(call("/gemini", Map.of("alt", List.of("sse")), body));
        assertThat(byQuery.pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        assertThat(byQuery.streaming()).isTrue();
        UpstreamRequest plain = p.prepare(call("/gemini/v1beta/models/x:generateContent", Map.of("alt", List.of("json")), body));
        assertThat(plain.pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(plain.streaming()).isFalse();
    }

    @Test
    void geminiPathOverrideSwitchesToTheStreamingMethod() throws Exception {
        Provider p = provider("""
                gemini: {authToken: {kind: Inline, inline: g}, model: m, apiVersion: v1beta}
                path: {full: /proxy/v1beta/models/m:generateContent}
                """);
        assertThat(p.prepare(call("/g", "{}")).pathAndQuery()).isEqualTo("/proxy/v1beta/models/m:generateContent");
        assertThat(p.prepare(call("/g:streamGenerateContent", "{}")).pathAndQuery())
                .isEqualTo("/proxy/v1beta/models/m:streamGenerateContent?alt=sse");
    }

    @Test
    void bareStringHostOverrideMayCarryAPort() throws Exception {
        Provider p = provider("""
                hostOverride: localhost:11434
                provider:
                  openai: {authToken: {kind: Inline, inline: ollama}}
                """);
        assertThat(p.target().host()).isEqualTo("localhost");
        assertThat(p.target().port()).isEqualTo(11434);
        assertThat(p.target().tls()).isFalse();
    }

    // ---- vertex ----

    @Test
    void vertexGoogle() throws Exception {
        Provider p = provider("""
                vertexai:
                  authToken: {kind: Inline, inline: ya29}
                  model: gemini-2.0-flash
                  apiVersion: v1
                  projectId: my-proj
                  location: us-central1
                """);
        UpstreamRequest u = p.prepare(call("/vertex", "{\"contents\":[]}"));
        assertThat(u.host()).isEqualTo("us-central1-aiplatform.googleapis.com");
        assertThat(u.port()).isEqualTo(443);
        assertThat(u.tls()).isTrue();
        assertThat(u.pathAndQuery()).isEqualTo(
                "/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent");
        assertThat(u.headers()).containsExactly(entry("Authorization", "Bearer ya29"));
        UpstreamRequest s = p.prepare(call("/vertex", Map.of("alt", List.of("sse")), "{\"contents\":[]}"));
        assertThat(s.pathAndQuery()).endsWith("/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        assertThat(s.streaming()).isTrue();
    }

    @Test
    void vertexGlobalLocationAndModelPath() throws Exception {
        UpstreamRequest u = provider("""
                vertexai:
                  authToken: {kind: Inline, inline: t}
                  model: gemini-2.5-pro
                  apiVersion: v1beta1
                  projectId: p
                  location: global
                  modelPath: countTokens
                """).prepare(call("/", "{\"contents\":[]}"));
        assertThat(u.host()).isEqualTo("aiplatform.googleapis.com");
        assertThat(u.pathAndQuery()).isEqualTo("/v1beta1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro:countTokens");
    }

    @Test
    void vertexAnthropicPublisher() throws Exception {
        Provider p = provider("""
                vertexai:
                  authToken: {kind: Inline, inline: t}
                  model: claude-sonnet-4@20250514
                  apiVersion: v1
                  projectId: p
                  location: us-east5
                  publisher: ANTHROPIC
                """);
        UpstreamRequest u = p.prepare(call("/", "{\"model\":\"x\",\"max_tokens\":5,\"messages\":[]}"));
        assertThat(u.host()).isEqualTo("us-east5-aiplatform.googleapis.com");
        assertThat(u.pathAndQuery()).isEqualTo("/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict");
        assertThat(u.body().has("model")).isFalse();
        assertThat(u.body().get("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
        assertThat(u.headers()).containsExactly(entry("Authorization", "Bearer t"));
        UpstreamRequest s = p.prepare(call("/", "{\"stream\":true,\"messages\":[]}"));
        assertThat(s.pathAndQuery()).endsWith(":streamRawPredict");
        assertThat(s.streaming()).isTrue();
    }

    // ---- bedrock ----

    @Test
    void bedrockSignsWithTheSecretsKeysAndPutsTheModelInThePath() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Secret
                metadata: {name: aws, namespace: kgateway-system}
                stringData: {accessKey: AKID, secretKey: s3cr3t, sessionToken: tok}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: kgateway-system}
                spec:
                  type: AI
                  ai:
                    llm:
                      bedrock:
                        model: anthropic.claude-3-haiku-20240307-v1:0
                        region: eu-west-1
                        auth: {type: Secret, secretRef: {name: aws}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: kgateway-system}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - backendRefs: [{name: b, group: gateway.kgateway.dev, kind: Backend}]
                """;
        Provider p = compile(YamlResources.parse("t.yaml", yaml).resources());
        assertThat(p.target().host()).isEqualTo("bedrock-runtime.eu-west-1.amazonaws.com");
        UpstreamRequest up = p.prepare(call("/", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}"));
        assertThat(up.pathAndQuery()).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        assertThat(up.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKID/")
                .contains("/eu-west-1/bedrock/aws4_request");
        assertThat(up.headers().get("X-Amz-Security-Token")).isEqualTo("tok");
        assertThat(up.headers()).containsKey("X-Amz-Date");
        UpstreamRequest stream = p.prepare(call("/model/x/converse-stream", "{\"messages\":[]}"));
        assertThat(stream.pathAndQuery()).endsWith("/converse-stream");
        assertThat(stream.headers().get("accept")).isEqualTo("application/vnd.amazon.eventstream");
    }

    @Test
    void stripBearer() {
        assertThat(Providers.stripBearer("Bearer abc")).isEqualTo("abc");
        assertThat(Providers.stripBearer("  bearer   abc ")).isEqualTo("abc");
        assertThat(Providers.stripBearer("abc")).isEqualTo("abc");
        assertThat(Providers.stripBearer("Bearerabc")).isEqualTo("Bearerabc");
    }
}

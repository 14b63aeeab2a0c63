package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.GatewayHarness;
import dev.aigw.testing.SeedDocument;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's document, end to end: its YAML loaded verbatim (only host resolution points at the
 * fakes), its own curl requests sent, and what reached the "provider" checked.
 */
class SeedExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SHELL = Map.of(
            "GOOGLE_KEY", "google-key-123",
            "AZURE_KEY", "azure-key-456",
            "API_KEY", "client-key-must-not-leak",
            "INGRESS_GW_ADDRESS", "localhost");

    @Test
    void theCommittedCopyIsTheSharedSeed() throws Exception {
        assertThat(SeedDocument.load().text()).isEqualTo(SeedDocument.copyText());
    }

    @Test
    void seedHasTheBlocksAndRequestsThisTestReliesOn() throws Exception {
        SeedDocument doc = SeedDocument.load();
        assertThat(doc.yamlBlocks(SHELL)).hasSize(6);
        assertThat(doc.localhostCurls(SHELL)).extracting(SeedDocument.Curl::path)
                .containsExactly("/gemini", "/azure-openai");
    }

    @Test
    void everyExampleWorksAsWritten() throws Exception {
        SeedDocument doc = SeedDocument.load();
        List<String> blocks = doc.yamlBlocks(SHELL);
        String geminiAnswer = exampleOutput(doc.text(), "\"candidates\"");
        String azureAnswer = exampleOutput(doc.text(), "\"chatcmpl-abc123\"");
        try (FakeUpstream google = FakeUpstream.tls().respondWith(200, "application/json", geminiAnswer);
             FakeUpstream azure = FakeUpstream.tls().respondWith(200, "application/json", azureAnswer)) {
            GatewayHarness.Builder b = GatewayHarness.builder()
                    .upstream("generativelanguage.googleapis.com", google)
                    .upstream("apic.ocp.provider.com", azure);
            for (int i = 0; i < blocks.size(); i++) b.file("seed-" + i + ".yaml", blocks.get(i));
            try (GatewayHarness gw = b.start()) {
                assertThat(gw.app().snapshot().problems()).filteredOn(p -> p.severity() != dev.aigw.config.Problem.Severity.WARNING)
                        .isEmpty();
                List<SeedDocument.Curl> curls = doc.localhostCurls(SHELL);

                HttpResponse<String> gem = send(gw, curls.get(0));
                assertThat(gem.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(gem.body())).isEqualTo(JSON.readTree(geminiAnswer));
                FakeUpstream.Recorded g = google.take();
                assertThat(g.method()).isEqualTo("POST");
                assertThat(g.uri()).isEqualTo("/v1beta/models/gemini-1.5-flash-latest:generateContent");
                assertThat(g.headers().get("x-goog-api-key")).isEqualTo("google-key-123");
                assertThat(g.headers().get("authorization")).isNull();
                assertThat(g.host()).startsWith("generativelanguage.googleapis.com");
                assertThat(g.json()).isEqualTo(JSON.readTree(curls.get(0).body()));

                HttpResponse<String> az = send(gw, curls.get(1));
                assertThat(az.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(az.body())).isEqualTo(JSON.readTree(azureAnswer));
                FakeUpstream.Recorded a = azure.take();
                assertThat(a.uri()).isEqualTo("/my-openai-service/gpt35/chat/completions");
                assertThat(a.headers().getAll("api-key")).containsExactly("azure-key-456");
                assertThat(a.host()).startsWith("apic.ocp.provider.com");
                // The seed repeats `model`; the later value wins and overrides the body's.
                assertThat(a.json().path("model").asText()).isEqualTo("gpt-4o");
                assertThat(a.json().path("messages").get(0).path("content").asText()).isEqualTo("Hello from Azure OpenAI!");
                assertThat(a.json().path("max_tokens").asInt()).isEqualTo(100);
                assertThat(a.body().toString()).doesNotContain("client-key-must-not-leak");
                assertThat(a.headers().toString()).doesNotContain("client-key-must-not-leak");
            }
        }
    }

    private static HttpResponse<String> send(GatewayHarness gw, SeedDocument.Curl c) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gw.url() + c.path())).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(c.body()));
        c.headers().forEach(r::header);
        return gw.http().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The "Example output:" JSON block of the document that contains {@code marker}. */
    private static String exampleOutput(String text, String marker) {
        int m = text.indexOf(marker);
        int start = text.lastIndexOf("Example output:", m);
        int open = text.indexOf('{', start);
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '{') depth++;
            if (text.charAt(i) == '}' && --depth == 0) return text.substring(open, i + 1);
        }
        throw new AssertionError("no example output containing " + marker);
    }
}

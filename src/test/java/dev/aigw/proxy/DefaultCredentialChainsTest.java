package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.TestCerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Providers without a Secret: the keys come from the process's environment, through the AWS SDK's
 * default credential chain (Bedrock) and Google's Application Default Credentials (Vertex AI). Both
 * read environment variables and files the test JVM cannot change for itself, so each case runs
 * the gateway as a child JVM with an environment of its own (HOME an empty directory, so nothing
 * of the machine's own ~/.aws or gcloud config is read) and real fakes for the provider and for
 * Google's token endpoint.
 */
class DefaultCredentialChainsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEDROCK_HOST = "bedrock-runtime.eu-west-1.amazonaws.com";
    private static final String VERTEX_HOST = "us-central1-aiplatform.googleapis.com";
    private static final String CHAT = "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ACCESS = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static final String BEDROCK = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: bedrock, namespace: ai}
            spec:
              type: AI
              ai:
                llm:
                  bedrock: {model: "anthropic.claude-3-5-sonnet-20240620-v1:0", region: eu-west-1}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ai}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules: [{backendRefs: [{name: bedrock, group: gateway.kgateway.dev, kind: Backend}]}]
            """;

    private static final String VERTEX = """
            apiVersion: gateway.kgateway.dev/v1alpha1
            kind: Backend
            metadata: {name: vertex}
            spec:
              type: AI
              ai:
                llm:
                  vertexai: {model: gemini-2.0-flash, apiVersion: v1, projectId: my-project, location: us-central1}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r}
            spec:
              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
              rules: [{backendRefs: [{name: vertex, group: gateway.kgateway.dev, kind: Backend}]}]
            """;

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private static FakeUpstream fakeBedrock() {
        String converse = BedrockEndToEndTest.golden("openai-chat_to_bedrock-converse/basic/upstream-response.json");
        return FakeUpstream.tls().respond((r, req) -> {
            if (!BedrockEndToEndTest.signatureValid(r)) {
                req.response().setStatusCode(403).putHeader("content-type", "application/json")
                        .putHeader("x-amzn-errortype", "InvalidSignatureException")
                        .end("{\"message\":\"The request signature we calculated does not match the signature you provided.\"}");
            } else {
                req.response().putHeader("content-type", "application/json").end(converse);
            }
        });
    }

    @Test
    void bedrockSignsWithTheKeysOfTheEnvironment() throws Exception {
        try (FakeUpstream bedrock = fakeBedrock()) {
            Gateway gw = start(BEDROCK, Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET,
                    "AWS_SESSION_TOKEN", "session-from-env"), BEDROCK_HOST, bedrock);
            HttpResponse<String> r = gw.post(CHAT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            FakeUpstream.Recorded up = bedrock.take();
            assertThat(up.headers().get("authorization")).contains("Credential=" + ACCESS + "/");
            assertThat(up.headers().get("x-amz-security-token")).isEqualTo("session-from-env");
            assertThat(BedrockEndToEndTest.signatureValid(up)).isTrue();
        }
    }

    @Test
    void bedrockSignsWithTheNamedProfileOfTheSharedCredentialsFile() throws Exception {
        Path credentials = dir.resolve("aws-credentials");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = AKIDNOTTHISONE
                aws_secret_access_key = not-this-one

                [gateway]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(ACCESS, SECRET));
        Files.writeString(dir.resolve("aws-config"), "");
        try (FakeUpstream bedrock = fakeBedrock()) {
            Gateway gw = start(BEDROCK, Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
                    "AWS_CONFIG_FILE", dir.resolve("aws-config").toString(), "AWS_PROFILE", "gateway"), BEDROCK_HOST, bedrock);
            HttpResponse<String> r = gw.post(CHAT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            FakeUpstream.Recorded up = bedrock.take();
            assertThat(up.headers().get("authorization")).contains("Credential=" + ACCESS + "/");
            assertThat(up.headers().get("x-amz-security-token")).isNull();
            assertThat(BedrockEndToEndTest.signatureValid(up)).isTrue();
        }
    }

    @Test
    void bedrockWithNoCredentialsAnywhereSaysWhereToPutThem() throws Exception {
        try (FakeUpstream bedrock = fakeBedrock()) {
            Gateway gw = start(BEDROCK, Map.of(), BEDROCK_HOST, bedrock);
            HttpResponse<String> r = gw.post(CHAT);
            // The route answers with why (in the client's OpenAI error shape) and the log said it at load.
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                    .contains("Backend ai/bedrock", "default AWS credential chain found no credentials", "AWS_ACCESS_KEY_ID");
            assertThat(gw.log()).contains("unresolved: Backend ai/bedrock: no secret named");
            assertThat(bedrock.received()).isZero();
        }
    }

    @Test
    void vertexMintsItsTokenFromApplicationDefaultCredentials() throws Exception {
        KeyPair pair = VertexOAuthTest.keyPair();
        try (FakeUpstream tokens = VertexOAuthTest.tokenEndpoint(pair, "ya29.from-adc");
             FakeUpstream vertex = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("gemini/generate.json"))) {
            ObjectNode key = VertexOAuthTest.serviceAccountKey(pair, tokens);
            Path adc = dir.resolve("adc.json");
            Files.writeString(adc, key.toString());
            Gateway gw = start(VERTEX, Map.of("GOOGLE_APPLICATION_CREDENTIALS", adc.toString()), VERTEX_HOST, vertex);
            HttpResponse<String> r = gw.post(CHAT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(vertex.take().headers().get("authorization")).isEqualTo("Bearer ya29.from-adc");
            assertThat(tokens.received()).isEqualTo(1);
            assertThat(gw.log()).doesNotContain("PRIVATE KEY").doesNotContain("ya29.from-adc");
        }
    }

    record Gateway(HttpClient http, int port, Path logFile) {
        HttpResponse<String> post(String body) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }
    }

    /** The gateway as a child JVM with only {@code env} (and an empty HOME) for an environment; returns once it serves. */
    private Gateway start(String yaml, Map<String, String> env, String host, FakeUpstream fake) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, yaml);
        Path home = Files.createDirectories(dir.resolve("home"));
        Path log = dir.resolve("gateway.log");
        int port = freePort();
        int admin = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Daws.disableEc2Metadata=true", "-cp", cp,
                "dev.aigw.cli.Main", "run", "--port", String.valueOf(port), "--admin-port", String.valueOf(admin),
                "--bind-address", "127.0.0.1", "--watch-interval", "0", "--ca-file", TestCerts.caPem().toString(),
                "--connect-to", host + ":443=127.0.0.1:" + fake.port(), "-f", config.toString());
        pb.environment().clear();
        pb.environment().put("HOME", home.toString());
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("NO_GCE_CHECK", "true");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        children.add(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new AssertionError("the gateway exited (" + p.exitValue() + "):\n" + Files.readString(log));
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return new Gateway(http, port, log);
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not get ready in 60 s:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

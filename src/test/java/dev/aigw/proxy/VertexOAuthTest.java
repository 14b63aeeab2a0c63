package dev.aigw.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vertex AI with a service-account JSON key in the Secret: the gateway mints an OAuth2 token
 * (a JWT signed with the key, exchanged at the key's token_uri) and sends it as the bearer.
 * The fake token endpoint checks the JWT's signature with the key's public half.
 */
class VertexOAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aServiceAccountKeyMintsTheBearerToken() throws Exception {
        KeyPair pair = keyPair();
        try (FakeUpstream tokens = tokenEndpoint(pair, "ya29.minted-by-test");
             FakeUpstream vertex = FakeUpstream.tls().respondWith(200, "application/json", Fixtures.read("gemini/generate.json"))) {
            ObjectNode key = serviceAccountKey(pair, tokens);
            try (GatewayHarness gw = GatewayHarness.builder().upstream("us-central1-aiplatform.googleapis.com", vertex)
                    .env("VERTEX_KEY", key.toString()).file("v.yaml", """
                            apiVersion: v1
                            kind: Secret
                            metadata: {name: vertex-sa}
                            stringData:
                              Authorization: ${VERTEX_KEY}
                            ---
                            apiVersion: gateway.kgateway.dev/v1alpha1
                            kind: Backend
                            metadata: {name: vertex}
                            spec:
                              type: AI
                              ai:
                                llm:
                                  vertexai:
                                    model: gemini-2.0-flash
                                    apiVersion: v1
                                    projectId: my-project
                                    location: us-central1
                                    authToken: {kind: SecretRef, secretRef: {name: vertex-sa}}
                            ---
                            apiVersion: gateway.networking.k8s.io/v1
                            kind: HTTPRoute
                            metadata: {name: r}
                            spec:
                              parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                              rules: [{backendRefs: [{name: vertex, group: gateway.kgateway.dev, kind: Backend}]}]
                            """).start()) {
                HttpResponse<String> r = gw.post("/v1/chat/completions",
                        "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).path("choices").get(0).path("message").path("content").asText())
                        .isEqualTo("AI learns patterns from data.");
                FakeUpstream.Recorded up = vertex.take();
                assertThat(up.headers().get("authorization")).isEqualTo("Bearer ya29.minted-by-test");
                assertThat(up.uri()).startsWith("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.0-flash");
                assertThat(tokens.received()).isEqualTo(1);
                assertThat(gw.get(gw.adminUrl() + "/config_dump").body()).doesNotContain("PRIVATE KEY");
            }
        }
    }

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** Google's token endpoint: grants {@code token} to a JWT bearer assertion signed with {@code pair}'s key. */
    static FakeUpstream tokenEndpoint(KeyPair pair, String token) {
        return FakeUpstream.plain().respond((r, req) -> {
            var form = new QueryStringDecoder("?" + r.body().toString(StandardCharsets.UTF_8)).parameters();
            String jwt = form.get("assertion").getFirst();
            boolean ok = form.get("grant_type").getFirst().equals("urn:ietf:params:oauth:grant-type:jwt-bearer")
                    && verify(jwt, pair);
            if (!ok) {
                req.response().setStatusCode(400).end("{\"error\":\"invalid_grant\"}");
                return;
            }
            req.response().putHeader("content-type", "application/json")
                    .end("{\"access_token\":\"" + token + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        });
    }

    /** A service-account JSON key whose token_uri is {@code tokens}. */
    static ObjectNode serviceAccountKey(KeyPair pair, FakeUpstream tokens) {
        ObjectNode key = JSON.createObjectNode();
        key.put("type", "service_account").put("project_id", "my-project").put("private_key_id", "k1")
                .put("private_key", pem(pair)).put("client_email", "gw@my-project.iam.gserviceaccount.com")
                .put("client_id", "1").put("token_uri", "http://127.0.0.1:" + tokens.port() + "/token");
        return key;
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    static boolean verify(String jwt, KeyPair pair) {
        try {
            String[] parts = jwt.split("\\.");
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(pair.getPublic());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return s.verify(Base64.getUrlDecoder().decode(parts[2]))
                    && claims.path("scope").asText().contains("cloud-platform");
        } catch (Exception e) {
            return false;
        }
    }
}

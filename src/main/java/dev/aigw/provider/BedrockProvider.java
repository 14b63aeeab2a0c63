package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Amazon Bedrock's Converse API: the model in the path, the request signed with SigV4 (service
 * {@code bedrock}, the Backend's region) by the AWS SDK's signer, keys from the Backend's Secret
 * or the default AWS credential chain. Streams come back as AWS binary event streams.
 */
public record BedrockProvider(String name, BackendResource.Bedrock spec, Target target) implements Provider {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    static {
        // The first signature loads a few hundred classes (~0.3 s): pay that when the config is
        // compiled, which creates this class off the event loop, not on the first request.
        SIGNER.sign(r -> r.identity(AwsCredentialsIdentity.create("warm", "up"))
                .request(SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://localhost/")).build())
                .payload(ContentStreamProvider.fromByteArray(new byte[0]))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
    }

    public String kind() {
        return "bedrock";
    }

    public Optional<String> model() {
        return Optional.of(spec.model());
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        if (call.embeddings()) {
            // Titan and Cohere embedding models answer InvokeModel with their own bodies.
            String path = Providers.embeddingsPath(target, "/model/" + UrlParts.segment(spec.model()) + "/invoke", call);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = sign(path, bytes, identity());
            headers.put("accept", "application/json");
            return new UpstreamRequest(target.host(), target.port(), target.tls(), path, headers, body, false, bytes);
        }
        boolean stream = call.forceStream() || call.path().endsWith("/converse-stream");
        body.remove("model");
        spec.guardrail().ifPresent(g -> {
            if (!body.has("guardrailConfig")) {
                body.putObject("guardrailConfig").put("guardrailIdentifier", g.identifier())
                        .put("guardrailVersion", g.version());
            }
        });
        String path = Providers.path(target, "/model/" + UrlParts.segment(spec.model()) + (stream ? "/converse-stream" : "/converse"));
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = sign(path, bytes, identity());
        headers.put("accept", stream ? EVENT_STREAM : "application/json");
        return new UpstreamRequest(target.host(), target.port(), target.tls(), path, headers, body, stream, bytes);
    }

    private AwsCredentialsIdentity identity() throws ProviderException {
        return switch (target.credential()) {
            case Credential.AwsKeys k -> k.sessionToken().<AwsCredentialsIdentity>map(
                            t -> AwsSessionCredentialsIdentity.create(k.accessKey(), k.secretKey(), t))
                    .orElseGet(() -> AwsCredentialsIdentity.create(k.accessKey(), k.secretKey()));
            default -> {
                try {
                    AwsCredentials c = DefaultChain.get().resolveCredentials();
                    yield c instanceof AwsSessionCredentials s
                            ? AwsSessionCredentialsIdentity.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
                            : AwsCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey());
                } catch (RuntimeException e) {
                    throw new ProviderException(500, "gateway_error", "no AWS credentials for Bedrock: the Backend "
                            + "names no secret and the default AWS credential chain found none (" + e.getMessage() + ")");
                }
            }
        };
    }

    /** The SigV4 headers for a POST of {@code body} to {@code path} on this provider's host. */
    Map<String, String> sign(String path, byte[] body, AwsCredentialsIdentity identity) {
        String authority = target.port() == 443 ? target.host() : target.host() + ":" + target.port();
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create((target.tls() ? "https://" : "http://") + authority + path))
                .putHeader("content-type", "application/json")
                .build();
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, spec.region()));
        Map<String, String> out = new LinkedHashMap<>();
        signed.request().headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host")) out.put(k, String.join(",", v));
        });
        return out;
    }

    /**
     * One default credential chain for the process, refreshing in the background so requests on
     * event loops read cached keys; {@link #warm} resolves it once off the event loop.
     */
    public static final class DefaultChain {
        private static volatile DefaultCredentialsProvider chain;

        private DefaultChain() {
        }

        static DefaultCredentialsProvider get() {
            DefaultCredentialsProvider c = chain;
            if (c == null) {
                synchronized (DefaultChain.class) {
                    if (chain == null) chain = DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build();
                    c = chain;
                }
            }
            return c;
        }

        /** Resolves once (blocking: call at config compile time); empty when found, else why not. */
        public static Optional<String> warm() {
            try {
                get().resolveCredentials();
                return Optional.empty();
            } catch (RuntimeException e) {
                // The SDK lists every provider it tried at length; the gist is enough here.
                return Optional.of("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or web identity, "
                        + "or name a Secret in the Backend's auth");
            }
        }
    }

}

package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Amazon Bedrock's Converse API: the model in the path, the request signed with SigV4 (service
 * {@code bedrock}, the Backend's region) by the AWS SDK's signer, keys from the Backend's Secret
 * or the default AWS credential chain. Streams come back as AWS binary event streams.
 */
public record BedrockProvider(String name, BackendResource.Bedrock spec, Target target) implements Provider {
    public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    static {
        SigV4.warm();
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
        return SigV4.identity(target.credential(), "Bedrock");
    }

    /** The SigV4 headers for a POST of {@code body} to {@code path} on this provider's host. */
    Map<String, String> sign(String path, byte[] body, AwsCredentialsIdentity identity) {
        return SigV4.sign(target.host(), target.port(), target.tls(), path, body, identity, "bedrock", spec.region());
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

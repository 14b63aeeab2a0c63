package dev.aigw.provider;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS Signature Version 4 for JSON POSTs, by the AWS SDK's signer: the Bedrock provider's Converse
 * calls and the Bedrock Guardrails guard's ApplyGuardrail calls (service {@code bedrock} both).
 * Keys come from a {@link Credential.AwsKeys} or the process's default chain
 * ({@link BedrockProvider.DefaultChain}, cached and refreshed in the background).
 */
public final class SigV4 {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    static {
        // The first signature loads a few hundred classes (~0.3 s): pay that when the config is
        // compiled, which creates this class off the event loop, not on the first request.
        SIGNER.sign(r -> r.identity(AwsCredentialsIdentity.create("warm", "up"))
                .request(SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://localhost/")).build())
                .payload(ContentStreamProvider.fromByteArray(new byte[0]))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
    }

    private SigV4() {
    }

    /** Loads the signer now (call when a config that signs is compiled, off the event loop). */
    public static void warm() {
        // the static initialiser did the work
    }

    /**
     * The keys to sign with: the credential's own, or the default chain's cached ones.
     * {@code what} names the caller in the error ("Bedrock", "the bedrockGuardrails guard").
     */
    public static AwsCredentialsIdentity identity(Credential credential, String what) throws ProviderException {
        if (credential instanceof Credential.AwsKeys k) {
            return k.sessionToken().<AwsCredentialsIdentity>map(t -> AwsSessionCredentialsIdentity.create(k.accessKey(), k.secretKey(), t))
                    .orElseGet(() -> AwsCredentialsIdentity.create(k.accessKey(), k.secretKey()));
        }
        try {
            AwsCredentials c = BedrockProvider.DefaultChain.get().resolveCredentials();
            return c instanceof AwsSessionCredentials s
                    ? AwsSessionCredentialsIdentity.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
                    : AwsCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey());
        } catch (RuntimeException e) {
            throw new ProviderException(500, "gateway_error", "no AWS credentials for " + what + ": no secret is named "
                    + "and the default AWS credential chain found none (" + e.getMessage() + ")");
        }
    }

    /**
     * The signed headers (all but {@code host}, which the HTTP client sets) of a JSON POST of
     * {@code body} to {@code path} on host:port. {@code path} is sent as given (already
     * percent-encoded per segment).
     */
    public static Map<String, String> sign(String host, int port, boolean tls, String path, byte[] body,
                                           AwsCredentialsIdentity identity, String service, String region) {
        String authority = port == 443 ? host : host + ":" + port;
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create((tls ? "https://" : "http://") + authority + path))
                .putHeader("content-type", "application/json")
                .build();
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> out = new LinkedHashMap<>();
        signed.request().headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host")) out.put(k, String.join(",", v));
        });
        return out;
    }
}

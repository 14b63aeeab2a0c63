package dev.aigw.provider;

import dev.aigw.config.BackendResource;

import java.util.Optional;

/**
 * Amazon Bedrock. Parsed and validated now; serving it needs SigV4 signing and the Converse
 * translation, which land with the translation work, so a request is refused with 501 saying so.
 */
public record BedrockProvider(String name, BackendResource.Bedrock spec, Target target) implements Provider {
    public String kind() {
        return "bedrock";
    }

    public Optional<String> model() {
        return Optional.of(spec.model());
    }

    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        throw new ProviderException(501, "not_implemented", "the bedrock provider (model " + spec.model()
                + ", region " + spec.region() + ") is configured but not served yet: it needs SigV4 signing, "
                + "which this version of the gateway does not have");
    }
}

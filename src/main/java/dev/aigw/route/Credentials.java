package dev.aigw.route;

import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.SecretResource;
import dev.aigw.config.SecretValue;
import dev.aigw.provider.Credential;
import dev.aigw.provider.Providers;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a Backend provider's credential, once per snapshot: an inline key, a Secret's key (a
 * Vertex AI service-account JSON key mints OAuth2 tokens), AWS keys from a Secret or the default
 * chain, Google Application Default Credentials, or the client's own. What does not resolve is a
 * reason the provider is left out of its group.
 */
final class Credentials {
    private Credentials() {
    }

    /**
     * The credential of one provider, or null with the reasons added. {@code located}: those of the
     * reasons reported here, in {@code problems}, at the field they are about (the caller reports the
     * others at the Backend).
     */
    static Credential of(BackendResource b, BackendResource.Llm llm, Map<ResourceKey, SecretResource> secrets,
                         List<String> reasons, List<String> located, List<Problem> problems) {
        BackendResource.ProviderSpec spec = llm.provider();
        AuthToken auth = switch (spec) {
            case BackendResource.OpenAi o -> o.auth();
            case BackendResource.AzureOpenAi a -> a.auth();
            case BackendResource.Anthropic a -> a.auth();
            case BackendResource.Gemini g -> g.auth();
            case BackendResource.VertexAi v -> v.auth();
            case BackendResource.Bedrock br -> null;
            case BackendResource.Mock m -> null;
        };
        if (spec instanceof BackendResource.Bedrock br) return awsCredential(b, br, secrets, reasons);
        if (spec instanceof BackendResource.Mock) return new Credential.None();
        return switch (auth) {
            case AuthToken.Passthrough p -> new Credential.Passthrough(Optional.empty(), p.required());
            case AuthToken.Ambient a -> {
                try {
                    yield new Credential.GoogleOAuth(dev.aigw.provider.GoogleTokens.applicationDefault());
                } catch (java.io.IOException | RuntimeException e) {
                    reasons.add("no authToken, and Google Application Default Credentials gave no token ("
                            + e.getMessage() + "); set GOOGLE_APPLICATION_CREDENTIALS or an authToken");
                    yield null;
                }
            }
            case AuthToken.Inline in -> switch (in.value()) {
                case SecretValue.Present v -> new Credential.Token(Providers.stripBearer(v.value()));
                case SecretValue.Unresolved u -> {
                    reasons.add(u.reason());
                    yield null;
                }
            };
            case AuthToken.SecretRef ref -> {
                SecretResource s = secrets.get(new ResourceKey("Secret", b.key().namespace(), ref.name()));
                if (s == null) {
                    String why = "secret " + ref.name() + " not found in " + b.key().namespace();
                    reasons.add(why);
                    ref.written().ifPresent(f -> {
                        // An AgentgatewayBackend's secretRef: at the field that names the Secret, once per field.
                        Problem p = Problem.unresolved(f.location(), b.key().toString(), f.path() + ": " + why);
                        if (!problems.contains(p)) problems.add(p);
                        located.add(why);
                    });
                    yield null;
                }
                String header = llm.authHeader().map(BackendResource.AuthHeader::headerName)
                        .orElse(Providers.defaultAuthHeader(spec));
                Credential token = ref.key().isPresent() ? secretKey(s, ref.key().get(), reasons)
                        : Providers.secretToken(s, header, reasons);
                // Vertex: a secret holding a service-account JSON key mints OAuth2 tokens instead.
                if (spec instanceof BackendResource.VertexAi && token instanceof Credential.Token t
                        && t.value().startsWith("{")) {
                    try {
                        yield new Credential.GoogleOAuth(dev.aigw.provider.GoogleTokens.fromJson(t.value()));
                    } catch (java.io.IOException | RuntimeException e) {
                        reasons.add("secret " + ref.name() + " holds a JSON key that gave no Google access token: "
                                + e.getMessage());
                        yield null;
                    }
                }
                yield token;
            }
        };
    }

    /** The exact key of a Secret ({@code secretRef.key} of an AgentgatewayBackend); no fallback to other keys. */
    private static Credential secretKey(SecretResource s, String key, List<String> reasons) {
        return switch (s.data().get(key)) {
            case SecretValue.Present p when !p.value().isBlank() -> new Credential.Token(p.value().strip());
            case SecretValue.Unresolved u -> {
                reasons.add("secret " + s.key().name() + " " + u.reason());
                yield null;
            }
            case null, default -> {
                reasons.add("secret " + s.key().namespace() + "/" + s.key().name() + " missing " + key + " value");
                yield null;
            }
        };
    }

    /** Bedrock: keys from the named Secret, else the default AWS chain (resolved once here, off the event loop). */
    private static Credential awsCredential(BackendResource b, BackendResource.Bedrock br,
                                            Map<ResourceKey, SecretResource> secrets, List<String> reasons) {
        if (br.secretRef().isEmpty()) {
            Optional<String> missing = dev.aigw.provider.BedrockProvider.DefaultChain.warm();
            missing.ifPresent(m -> reasons.add("no secret named and the default AWS credential chain found no credentials: " + m));
            return missing.isPresent() ? null : new Credential.AwsDefaultChain();
        }
        String name = br.secretRef().get();
        SecretResource s = secrets.get(new ResourceKey("Secret", b.key().namespace(), name));
        if (s == null) {
            reasons.add("secret " + name + " not found in " + b.key().namespace());
            return null;
        }
        return Providers.awsKeys(s, reasons);
    }
}

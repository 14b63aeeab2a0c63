package dev.aigw.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.Llm;
import dev.aigw.config.SecretResource;
import dev.aigw.config.SecretValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds {@link Provider}s from config, and the pieces they share. */
public final class Providers {
    private Providers() {
    }

    /** The auth header a provider uses when the Backend does not override it. */
    public static String defaultAuthHeader(BackendResource.ProviderSpec spec) {
        return switch (spec) {
            case BackendResource.OpenAi o -> "Authorization";
            case BackendResource.VertexAi v -> "Authorization";
            case BackendResource.AzureOpenAi a -> "api-key";
            case BackendResource.Anthropic a -> "x-api-key";
            case BackendResource.Gemini g -> "x-goog-api-key";
            case BackendResource.Bedrock b -> "Authorization";
            case BackendResource.Mock m -> "Authorization";
        };
    }

    private static String defaultPrefix(BackendResource.ProviderSpec spec) {
        return spec instanceof BackendResource.OpenAi || spec instanceof BackendResource.VertexAi ? "Bearer " : "";
    }

    private static BackendResource.HostPort defaultHost(BackendResource.ProviderSpec spec) {
        return switch (spec) {
            case BackendResource.OpenAi o -> new BackendResource.HostPort("api.openai.com", 443);
            case BackendResource.AzureOpenAi a -> new BackendResource.HostPort(a.endpoint(), 443);
            case BackendResource.Anthropic a -> new BackendResource.HostPort("api.anthropic.com", 443);
            case BackendResource.Gemini g -> new BackendResource.HostPort("generativelanguage.googleapis.com", 443);
            case BackendResource.VertexAi v -> new BackendResource.HostPort(
                    v.location().equals("global") ? "aiplatform.googleapis.com"
                            : v.location() + "-aiplatform.googleapis.com", 443);
            case BackendResource.Bedrock b -> new BackendResource.HostPort(
                    "bedrock-runtime." + b.region() + ".amazonaws.com", 443);
            case BackendResource.Mock m -> new BackendResource.HostPort("builtin", 0);
        };
    }

    /**
     * The provider for {@code llm}. Throws {@link IllegalArgumentException} (naming the field)
     * when a value that goes into the upstream URL cannot be used there: see {@link UrlParts}.
     */
    public static Provider create(Llm llm, Credential credential) {
        BackendResource.ProviderSpec spec = llm.provider();
        checkUrlParts(llm);
        BackendResource.HostPort hp = llm.host().orElse(defaultHost(spec));
        String header = llm.authHeader().map(BackendResource.AuthHeader::headerName).orElse(defaultAuthHeader(spec));
        String prefix = llm.authHeader().flatMap(BackendResource.AuthHeader::prefix).orElse(defaultPrefix(spec));
        Target t = new Target(hp.host(), hp.port(), llm.path(), header, prefix, credential, llm.upstream());
        return switch (spec) {
            case BackendResource.OpenAi o -> new OpenAiProvider(llm.name(), o, t);
            case BackendResource.AzureOpenAi a -> new AzureOpenAiProvider(llm.name(), a, t);
            case BackendResource.Anthropic a -> new AnthropicProvider(llm.name(), a, t);
            case BackendResource.Gemini g -> new GeminiProvider(llm.name(), g, t);
            case BackendResource.VertexAi v -> new VertexAiProvider(llm.name(), v, t);
            case BackendResource.Bedrock b -> new BedrockProvider(llm.name(), b, t);
            case BackendResource.Mock m -> new MockProvider(llm.name(), m);
        };
    }

    private static void checkUrlParts(Llm llm) {
        llm.host().ifPresent(h -> UrlParts.checkHost("host", h.host()));
        llm.path().ifPresent(p -> UrlParts.checkPath("path", p));
        switch (llm.provider()) {
            case BackendResource.Gemini g -> {
                UrlParts.checkSegment("gemini.model", g.model());
                UrlParts.checkSegment("gemini.apiVersion", g.apiVersion());
            }
            case BackendResource.VertexAi v -> {
                UrlParts.checkSegment("vertexai.model", v.model());
                UrlParts.checkSegment("vertexai.apiVersion", v.apiVersion());
                UrlParts.checkSegment("vertexai.projectId", v.projectId());
                UrlParts.checkLabel("vertexai.location", v.location());
                UrlParts.checkSegment("vertexai.modelPath", v.modelPath());
            }
            case BackendResource.AzureOpenAi a -> {
                UrlParts.checkHost("azureopenai.endpoint", a.endpoint());
                UrlParts.checkSegment("azureopenai.deploymentName", a.deploymentName());
                UrlParts.checkSegment("azureopenai.apiVersion", a.apiVersion());
            }
            case BackendResource.Bedrock b -> {
                UrlParts.checkSegment("bedrock.model", b.model());
                UrlParts.checkLabel("bedrock.region", b.region());
            }
            case BackendResource.OpenAi o -> o.model().ifPresent(m -> UrlParts.checkText("openai.model", m));
            case BackendResource.Anthropic a -> a.model().ifPresent(m -> UrlParts.checkText("anthropic.model", m));
            case BackendResource.Mock m -> {
            }
        }
    }

    /** The provider kind a spec builds ({@link Provider#kind()}). */
    public static String kind(BackendResource.ProviderSpec spec) {
        return switch (spec) {
            case BackendResource.OpenAi o -> "openai";
            case BackendResource.AzureOpenAi a -> "azureopenai";
            case BackendResource.Anthropic a -> "anthropic";
            case BackendResource.Gemini g -> "gemini";
            case BackendResource.VertexAi v -> "vertexai";
            case BackendResource.Bedrock b -> "bedrock";
            case BackendResource.Mock m -> "mock";
        };
    }

    /** The wire format a provider speaks natively. */
    public static java.util.Optional<dev.aigw.translate.Schema> schema(Provider p) {
        return switch (p) {
            case OpenAiProvider o -> Optional.of(dev.aigw.translate.Schema.OPENAI_CHAT);
            case AzureOpenAiProvider a -> Optional.of(dev.aigw.translate.Schema.OPENAI_CHAT);
            case MockProvider m -> Optional.of(dev.aigw.translate.Schema.OPENAI_CHAT);
            case AnthropicProvider a -> Optional.of(dev.aigw.translate.Schema.ANTHROPIC_MESSAGES);
            case GeminiProvider g -> Optional.of(dev.aigw.translate.Schema.GEMINI_GENERATE);
            case VertexAiProvider v -> Optional.of(v.spec().publisher().equals("ANTHROPIC")
                    ? dev.aigw.translate.Schema.ANTHROPIC_MESSAGES : dev.aigw.translate.Schema.GEMINI_GENERATE);
            case BedrockProvider b -> Optional.of(dev.aigw.translate.Schema.BEDROCK_CONVERSE);
        };
    }

    /**
     * AWS keys from a Secret: {@code accessKey} and {@code secretKey}, optionally {@code sessionToken}
     * (a Bedrock provider's and the Bedrock Guardrails guard's). Null, with the reasons added, when
     * the Secret lacks one.
     */
    public static Credential awsKeys(SecretResource s, List<String> reasons) {
        String name = s.key().name();
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String k : List.of("accessKey", "secretKey", "sessionToken")) {
            switch (s.data().get(k)) {
                case dev.aigw.config.SecretValue.Present p when !p.value().isBlank() -> values.put(k, p.value());
                case dev.aigw.config.SecretValue.Unresolved u -> reasons.add("secret " + name + " " + u.reason());
                case null, default -> {
                    if (!k.equals("sessionToken")) {
                        reasons.add("secret " + name + " has no key " + k
                                + " (an AWS secret needs accessKey and secretKey, optionally sessionToken)");
                    }
                }
            }
        }
        if (!values.containsKey("accessKey") || !values.containsKey("secretKey")) return null;
        return new Credential.AwsKeys(values.get("accessKey"), values.get("secretKey"),
                java.util.Optional.ofNullable(values.get("sessionToken")));
    }

    /**
     * kgateway reads only the key {@code Authorization}; be friendlier: then a key named like the
     * auth header (the seed stores its Azure key under {@code api-key}), then the only key. Null,
     * with the reason added to {@code reasons}, when none is usable.
     */
    public static Credential secretToken(SecretResource s, String header, List<String> reasons) {
        Map<String, SecretValue> data = s.data();
        SecretValue v = null;
        for (String k : data.keySet()) if (k.equalsIgnoreCase("Authorization")) v = data.get(k);
        if (v == null) for (String k : data.keySet()) if (k.equalsIgnoreCase(header)) v = data.get(k);
        if (v == null && data.size() == 1) v = data.values().iterator().next();
        if (v == null) {
            String tried = header.equalsIgnoreCase("Authorization") ? "Authorization" : "Authorization, " + header;
            reasons.add("secret " + s.key().name() + " has no key Authorization (tried " + tried
                    + (data.isEmpty() ? ", and it has no keys at all)" : ", then the only key, but it has "
                    + data.size() + ": " + String.join(", ", data.keySet()) + ")"));
            return null;
        }
        return switch (v) {
            case SecretValue.Present p when !p.value().isBlank() -> new Credential.Token(stripBearer(p.value()));
            case SecretValue.Present p -> {
                reasons.add("secret " + s.key().name() + " has an empty token");
                yield null;
            }
            case SecretValue.Unresolved u -> {
                reasons.add("secret " + s.key().name() + " " + u.reason());
                yield null;
            }
        };
    }

    public static String stripBearer(String token) {
        String t = token.strip();
        return t.regionMatches(true, 0, "Bearer ", 0, 7) ? t.substring(7).strip() : t;
    }

    /** The headers every provider sets: the credential under the (possibly overridden) header. */
    static Map<String, String> authHeaders(Target t, ClientCall call) throws ProviderException {
        Map<String, String> h = new LinkedHashMap<>();
        String token = switch (t.credential()) {
            case Credential.Token tok -> tok.value();
            case Credential.Passthrough p when p.keyFor().isPresent()
                    && (p.required() || call.clientToken(t.authHeader()) != null) -> throw new ProviderException(502,
                    "authentication_error", "the client's key (authToken kind Passthrough) was sent for the "
                    + p.keyFor().get() + " provider of this Backend and is not forwarded to a provider of another "
                    + "kind; give this fallback its own key (Inline or SecretRef) to fail over to it");
            case Credential.Passthrough p -> {
                String c = call.clientToken(t.authHeader());
                if (c == null && !p.required()) yield null;
                if (c == null) {
                    throw new ProviderException(401, "authentication_error", "this route forwards the client's "
                            + "credential (authToken kind Passthrough) but the request carries none (looked in "
                            + "Authorization, " + t.authHeader() + ", x-api-key, api-key, x-goog-api-key and ?key=)");
                }
                yield c;
            }
            case Credential.None n -> null;
            case Credential.AwsKeys k -> null;
            case Credential.AwsDefaultChain c -> null;
            case Credential.GoogleOAuth g -> g.tokens().current();
        };
        if (token != null) {
            h.put(t.authHeader(), t.credential() instanceof Credential.Token ? configuredValue(t.authPrefix(), token)
                    : t.authPrefix() + token);
        }
        return h;
    }

    /** The last configured credential's header value, by the identity of its config strings. */
    private record AuthValue(String prefix, String token, String value) {
    }

    private static AuthValue lastAuth;

    /**
     * {@code prefix + token} for a credential from config: the same strings request after request,
     * so the value is built once for the last one instead of per request (a race between event
     * loops only builds it twice).
     */
    private static String configuredValue(String prefix, String token) {
        AuthValue a = lastAuth;
        if (a != null && a.prefix() == prefix && a.token() == token) return a.value();
        String v = prefix + token;
        lastAuth = new AuthValue(prefix, token, v);
        return v;
    }

    /** The path: the Backend's override when set, else the provider's own. */
    static String path(Target t, String providerPath) {
        return t.pathOverride().orElse(providerPath);
    }

    /**
     * The embeddings path: the Backend's path override when it is itself an embeddings path;
     * the provider's own when the override is a chat path (it says nothing about embeddings);
     * else as {@link #path(Target, String, ClientCall)}.
     */
    static String embeddingsPath(Target t, String providerPath, ClientCall call) {
        Optional<String> o = t.pathOverride();
        if (o.isPresent()) {
            return o.filter(p -> p.contains("embed") || p.endsWith(":predict") || p.endsWith("/invoke")).orElse(providerPath);
        }
        return path(t, providerPath, call);
    }

    /** Whether Responses API requests reach this provider as they are (else they are translated to its chat API). */
    public static boolean servesResponses(Provider p) {
        return switch (p) {
            case OpenAiProvider o -> o.servesResponses();
            case AzureOpenAiProvider a -> true;
            default -> false;
        };
    }

    /**
     * Like {@link #path}, with agentgateway's rules: a {@code pathPrefix} replaces the provider
     * path's leading {@code /v1}; a host set without a path keeps the client's path.
     */
    static String path(Target t, String providerPath, ClientCall call) {
        if (t.pathOverride().isPresent()) return t.pathOverride().get();
        if (t.upstream().pathPrefix().isPresent() && providerPath.startsWith("/v1")) {
            return t.upstream().pathPrefix().get() + providerPath.substring(3);
        }
        if (t.upstream().keepClientPath() && call.path() != null && call.path().startsWith("/")) return call.path();
        return providerPath;
    }

    /**
     * Like {@link #path}, for Gemini-style APIs that stream on another method: an override that
     * ends in {@code :generateContent} is switched to {@code :streamGenerateContent?alt=sse}.
     */
    static String streamingPath(Target t, String providerPath, boolean stream) {
        if (t.pathOverride().isEmpty()) return providerPath;
        String o = t.pathOverride().get();
        if (stream && o.endsWith(":generateContent")) {
            return o.substring(0, o.length() - ":generateContent".length()) + ":streamGenerateContent?alt=sse";
        }
        return o;
    }

    static boolean streamFlag(ObjectNode body) {
        return body != null && body.path("stream").asBoolean(false);
    }

    static ObjectNode requireBody(ClientCall call, String provider) throws ProviderException {
        if (call.body() == null) {
            throw new ProviderException(400, "invalid_request_error",
                    "the " + provider + " provider needs a JSON request body");
        }
        return call.body();
    }

    static Optional<String> bodyModel(ObjectNode body) {
        return body == null || !body.path("model").isTextual() ? Optional.empty()
                : Optional.of(body.get("model").asText());
    }
}

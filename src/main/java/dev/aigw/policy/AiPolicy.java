package dev.aigw.policy;

import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.CustomResponse;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;
import dev.aigw.config.TrafficPolicyResource.RouteType;
import dev.aigw.config.TrafficPolicyResource.Webhook;
import dev.aigw.provider.Credential;
import dev.aigw.translate.PromptCaching;
import dev.aigw.translate.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AI policy of one route rule: every TrafficPolicy that applies to it, merged (see
 * {@link PolicyCompiler}) and compiled. Immutable and shared by all requests of a snapshot.
 *
 * <p>A class, not a record, for what is derived once per compiled policy rather than per request:
 * the defaults split into overrides and fills, and whether prompt texts alone decide the request
 * ({@link #decidesOnTexts}). Equality is over the written fields, as a record's would be.
 */
public final class AiPolicy {
    private final List<ResourceKey> sources;
    private final RouteType routeType;
    private final Optional<TrafficPolicyResource.Enrichment> enrichment;
    private final Defaults defaults;
    private final Optional<RequestGuard> request;
    private final Optional<ResponsePolicy> response;
    private final java.util.Map<String, String> modelAliases;
    private final Optional<PromptCaching.Config> promptCaching;
    private final Transformations transformations;
    private final Transformations finalTransformations;
    private final boolean decidesOnTexts;

    /** @param sources the policies merged into this one, least to most important */
    public AiPolicy(List<ResourceKey> sources, RouteType routeType,
                    Optional<TrafficPolicyResource.Enrichment> enrichment, List<FieldDefault> defaults,
                    Optional<RequestGuard> request, Optional<ResponsePolicy> response,
                    java.util.Map<String, String> modelAliases, Optional<PromptCaching.Config> promptCaching,
                    Transformations transformations, Transformations finalTransformations) {
        this.sources = sources;
        this.routeType = routeType;
        this.enrichment = enrichment;
        this.defaults = Defaults.of(defaults);
        this.request = request;
        this.response = response;
        this.modelAliases = modelAliases;
        this.promptCaching = promptCaching;
        this.transformations = transformations;
        this.finalTransformations = finalTransformations;
        // promptCaching and finalTransformations act on the provider's body, after the request stage;
        // the response side is not this stage's either.
        this.decidesOnTexts = request.isPresent() && request.get().regex().isPresent()
                && request.get().regex().get().action() == Action.REJECT
                && request.get().webhook().isEmpty() && request.get().moderation().isEmpty()
                && request.get().guardrails().isEmpty()
                && !request.get().regex().get().roles().contains("tool_call")
                && !request.get().regex().get().roles().contains("tool")
                && enrichment.isEmpty() && defaults.isEmpty() && modelAliases.isEmpty() && transformations.isEmpty();
    }

    public AiPolicy(List<ResourceKey> sources, RouteType routeType, Optional<TrafficPolicyResource.Enrichment> enrichment,
                    List<FieldDefault> defaults, Optional<RequestGuard> request, Optional<ResponsePolicy> response,
                    java.util.Map<String, String> modelAliases) {
        this(sources, routeType, enrichment, defaults, request, response, modelAliases, Optional.empty(),
                Transformations.NONE, Transformations.NONE);
    }

    public AiPolicy(List<ResourceKey> sources, RouteType routeType, Optional<TrafficPolicyResource.Enrichment> enrichment,
                    List<FieldDefault> defaults, Optional<RequestGuard> request, Optional<ResponsePolicy> response) {
        this(sources, routeType, enrichment, defaults, request, response, java.util.Map.of());
    }

    public List<ResourceKey> sources() {
        return sources;
    }

    public RouteType routeType() {
        return routeType;
    }

    public Optional<TrafficPolicyResource.Enrichment> enrichment() {
        return enrichment;
    }

    /** {@code defaults[]} as written, merged by field. */
    public List<FieldDefault> defaults() {
        return defaults.all();
    }

    /** The same, split once into overrides and fills (the order they are applied in). */
    public Defaults fieldDefaults() {
        return defaults;
    }

    public Optional<RequestGuard> request() {
        return request;
    }

    public Optional<ResponsePolicy> response() {
        return response;
    }

    public java.util.Map<String, String> modelAliases() {
        return modelAliases;
    }

    public Optional<PromptCaching.Config> promptCaching() {
        return promptCaching;
    }

    public Transformations transformations() {
        return transformations;
    }

    public Transformations finalTransformations() {
        return finalTransformations;
    }

    /**
     * Whether the request side only rejects on a regex (no webhook, moderation, masking, defaults,
     * model aliases, transformations or enrichment): then the prompt texts decide it and the body
     * needs no tree ({@link PolicyEngine#textRejection}). A request-side field added later must be
     * added here too.
     */
    public boolean decidesOnTexts() {
        return decidesOnTexts;
    }

    /**
     * {@code promptGuard.request}, compiled. {@code customResponse} is the default when none was set;
     * the cloud {@code guardrails} answer with their own.
     */
    public record RequestGuard(CustomResponse customResponse, Optional<RegexGuard> regex, Optional<GuardWebhook> webhook,
                               Optional<Moderation> moderation, List<CloudGuard> guardrails) {
        public RequestGuard {
            guardrails = List.copyOf(guardrails);
        }

        public RequestGuard(CustomResponse customResponse, Optional<RegexGuard> regex, Optional<GuardWebhook> webhook,
                            Optional<Moderation> moderation) {
            this(customResponse, regex, webhook, moderation, List.of());
        }
    }

    /** {@code promptGuard.response}, compiled; its regex always masks. */
    public record ResponsePolicy(Optional<RegexGuard> regex, Optional<GuardWebhook> webhook, List<CloudGuard> guardrails) {
        public ResponsePolicy {
            guardrails = List.copyOf(guardrails);
        }

        public ResponsePolicy(Optional<RegexGuard> regex, Optional<GuardWebhook> webhook) {
            this(regex, webhook, List.of());
        }
    }

    /** A guardrail webhook with its {@code headers} expressions compiled. */
    public record GuardWebhook(Webhook config, WebhookHeaders headers) {
        /** @throws IllegalArgumentException naming the header when an expression does not compile */
        public static GuardWebhook of(Webhook config) {
            return new GuardWebhook(config, WebhookHeaders.compile(config.headers()));
        }
    }

    /**
     * The moderation endpoint: {@code POST path} on host:port (TLS on 443). {@code unavailable}
     * says why it cannot be called (a missing secret): such requests are rejected with 500.
     */
    public record Moderation(String host, int port, boolean tls, String path, String model, Credential credential,
                             Optional<String> unavailable) {
        @Override
        public String toString() {
            return "Moderation[" + host + ":" + port + path + ", model " + model + "]";
        }
    }

    /**
     * {@code routeType: CHAT_STREAMING}: the proxy must ask Gemini and Vertex AI backends for a
     * stream (their streaming path), whatever the client's body says.
     */
    public boolean forceStreaming() {
        return routeType == RouteType.CHAT_STREAMING;
    }

    /** True when responses need a guard (so the proxy can skip creating one). */
    public boolean guardsResponses() {
        return response.isPresent() && (response.get().regex().isPresent() || response.get().webhook().isPresent()
                || !response.get().guardrails().isEmpty());
    }

    /**
     * Whether a service judges whole responses (a response webhook, or a cloud guard such as Bedrock
     * Guardrails or Model Armor): then streams are held until it has answered on the whole text.
     */
    public boolean hasResponseWebhook() {
        return response.isPresent() && (response.get().webhook().isPresent() || !response.get().guardrails().isEmpty());
    }

    /**
     * Whether an answer that calls tools is still judged: the cloud guards read its text (only the
     * response webhook, as kgateway's, skips such answers).
     */
    public boolean judgesToolCallAnswers() {
        return response.isPresent() && !response.get().guardrails().isEmpty();
    }

    /** A new response guard for one exchange in the client's schema; empty when there is nothing to guard. */
    public Optional<ResponseGuard> responseGuard(Schema clientSchema) {
        if (response.isEmpty() || response.get().regex().isEmpty()) return Optional.empty();
        return Optional.of(new ResponseGuard(clientSchema, response.get().regex().get()));
    }

    /** One line for {@code /routes}: the sources and what they do. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (routeType == RouteType.CHAT_STREAMING) parts.add("routeType CHAT_STREAMING");
        enrichment.ifPresent(e -> parts.add("enrichment +" + e.prepend().size() + "/+" + e.append().size()));
        if (!modelAliases.isEmpty()) parts.add("modelAliases " + modelAliases.keySet());
        promptCaching.ifPresent(c -> parts.add("promptCaching" + (c.cacheSystem() ? " system" : "")
                + (c.cacheMessages() ? " messages-" + c.cacheMessageOffset() : "") + (c.cacheTools() ? " tools" : "")
                + c.minTokens().stream().mapToObj(n -> " min " + n).findFirst().orElse("")));
        if (!transformations.isEmpty()) parts.add("transformations " + transformations.fields());
        if (!finalTransformations.isEmpty()) parts.add("finalTransformations " + finalTransformations.fields());
        if (!defaults.isEmpty()) parts.add("defaults " + defaults.all().stream().map(d -> d.field() + (d.override() ? "!" : ""))
                .toList());
        request.ifPresent(r -> {
            List<String> g = new ArrayList<>();
            r.webhook().map(GuardWebhook::config)
                    .ifPresent(w -> g.add("webhook " + w.host() + ":" + w.port() + (w.failOpen() ? " failOpen" : "")));
            r.regex().ifPresent(x -> g.add("regex " + x.action() + " " + x.labels()));
            r.moderation().ifPresent(m -> g.add("moderation " + m.model() + " @" + m.host() + ":" + m.port()));
            r.guardrails().forEach(x -> g.add(x.describe() + " reject " + x.answer().statusCode()));
            g.add("reject " + r.customResponse().statusCode());
            parts.add("request guard [" + String.join(", ", g) + "]");
        });
        response.ifPresent(r -> {
            List<String> g = new ArrayList<>();
            r.webhook().map(GuardWebhook::config).ifPresent(w -> g.add("webhook " + w.host() + ":" + w.port()));
            r.regex().ifPresent(x -> g.add("regex MASK " + x.labels()));
            r.guardrails().forEach(x -> g.add(x.describe() + " reject " + x.answer().statusCode()));
            parts.add("response guard [" + String.join(", ", g) + "]");
        });
        return "policy " + sources.stream().map(k -> k.kind() + " " + k.ref()).toList() + ": "
                + (parts.isEmpty() ? "nothing" : String.join("; ", parts));
    }

    private List<Object> fields() {
        return java.util.Arrays.asList(sources, routeType, enrichment, defaults.all(), request, response, modelAliases,
                promptCaching, transformations, finalTransformations);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof AiPolicy p && fields().equals(p.fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        return "AiPolicy[" + describe() + "]";
    }
}

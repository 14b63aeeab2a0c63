package dev.aigw.policy;

import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
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
 * @param sources the policies merged into this one, least to most important
 */
public record AiPolicy(List<ResourceKey> sources, RouteType routeType,
                       Optional<TrafficPolicyResource.Enrichment> enrichment, List<FieldDefault> defaults,
                       Optional<RequestGuard> request, Optional<ResponsePolicy> response,
                       java.util.Map<String, String> modelAliases, Optional<PromptCaching.Config> promptCaching,
                       Transformations transformations, Transformations finalTransformations) {

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

    /** {@code promptGuard.request}, compiled. {@code customResponse} is the default when none was set. */
    public record RequestGuard(CustomResponse customResponse, Optional<RegexGuard> regex, Optional<GuardWebhook> webhook,
                               Optional<Moderation> moderation) {
    }

    /** {@code promptGuard.response}, compiled; its regex always masks. */
    public record ResponsePolicy(Optional<RegexGuard> regex, Optional<GuardWebhook> webhook) {
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
        return response.isPresent() && (response.get().regex().isPresent() || response.get().webhook().isPresent());
    }

    /** Whether a response webhook judges responses: then streams are held until it has answered. */
    public boolean hasResponseWebhook() {
        return response.isPresent() && response.get().webhook().isPresent();
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
        if (!defaults.isEmpty()) parts.add("defaults " + defaults.stream().map(d -> d.field() + (d.override() ? "!" : ""))
                .toList());
        request.ifPresent(r -> {
            List<String> g = new ArrayList<>();
            r.webhook().map(GuardWebhook::config)
                    .ifPresent(w -> g.add("webhook " + w.host() + ":" + w.port() + (w.failOpen() ? " failOpen" : "")));
            r.regex().ifPresent(x -> g.add("regex " + x.action() + " " + x.labels()));
            r.moderation().ifPresent(m -> g.add("moderation " + m.model() + " @" + m.host() + ":" + m.port()));
            g.add("reject " + r.customResponse().statusCode());
            parts.add("request guard [" + String.join(", ", g) + "]");
        });
        response.ifPresent(r -> {
            List<String> g = new ArrayList<>();
            r.webhook().map(GuardWebhook::config).ifPresent(w -> g.add("webhook " + w.host() + ":" + w.port()));
            r.regex().ifPresent(x -> g.add("regex MASK " + x.labels()));
            parts.add("response guard [" + String.join(", ", g) + "]");
        });
        return "policy " + sources.stream().map(k -> k.kind() + " " + k.ref()).toList() + ": "
                + (parts.isEmpty() ? "nothing" : String.join("; ", parts));
    }
}

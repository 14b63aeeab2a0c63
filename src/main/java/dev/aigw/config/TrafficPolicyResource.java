package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kgateway {@code TrafficPolicy} (or its older name {@code RoutePolicy}), parsed and validated:
 * where it attaches ({@code targetRefs}) and its {@code spec.ai} policies. Every field of
 * {@link Ai} is optional so that policies on a Gateway, a route and a rule merge field by field.
 */
public record TrafficPolicyResource(ResourceKey key, Instant created, List<TargetRef> targetRefs, Ai ai,
                                    Location location) {

    /** {@code kind} is {@code HTTPRoute} or {@code Gateway}; {@code sectionName} names a rule (or a listener). */
    public record TargetRef(String group, String kind, String namespace, String name, Optional<String> sectionName,
                            Location location) {
    }

    public enum RouteType { CHAT, CHAT_STREAMING }

    /**
     * {@code modelAliases} (agentgateway's {@code backend.ai.modelAliases}; kgateway has none): the
     * client's model name → the model sent; keys may hold {@code *}. {@code promptCaching},
     * {@code transformations} and {@code finalTransformations} are agentgateway's too.
     */
    public record Ai(Optional<RouteType> routeType, Optional<Enrichment> promptEnrichment,
                     Optional<List<FieldDefault>> defaults, Optional<RequestGuard> request,
                     Optional<ResponseGuard> response, Optional<java.util.Map<String, String>> modelAliases,
                     Optional<PromptCaching> promptCaching, Optional<List<FieldExpression>> transformations,
                     Optional<List<FieldExpression>> finalTransformations) {
        public static final Ai EMPTY = new Ai(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        public Ai(Optional<RouteType> routeType, Optional<Enrichment> promptEnrichment,
                  Optional<List<FieldDefault>> defaults, Optional<RequestGuard> request,
                  Optional<ResponseGuard> response, Optional<java.util.Map<String, String>> modelAliases) {
            this(routeType, promptEnrichment, defaults, request, response, modelAliases, Optional.empty(),
                    Optional.empty(), Optional.empty());
        }

        public Ai(Optional<RouteType> routeType, Optional<Enrichment> promptEnrichment,
                  Optional<List<FieldDefault>> defaults, Optional<RequestGuard> request,
                  Optional<ResponseGuard> response) {
            this(routeType, promptEnrichment, defaults, request, response, Optional.empty());
        }
    }

    /** agentgateway's {@code promptCaching}, its defaults applied ({@code minTokens} empty: no minimum). */
    public record PromptCaching(boolean cacheSystem, boolean cacheMessages, boolean cacheTools,
                                java.util.OptionalInt minTokens, int cacheMessageOffset) {
    }

    /** A top-level body key and the CEL expression whose value it takes (agentgateway's {@code transformations[]}). */
    public record FieldExpression(String field, String expression) {
    }

    public record Message(String role, String content) {
    }

    public record Enrichment(List<Message> prepend, List<Message> append) {
    }

    /** {@code field} is a dotted path in the client's body; {@code value} keeps its JSON type. */
    public record FieldDefault(String field, JsonNode value, boolean override) {
    }

    /**
     * {@code promptGuard.request}; each part merges on its own. {@code guardrails}: agentgateway's
     * cloud guards, in the order written (they run after the moderation, each with its own answer).
     */
    public record RequestGuard(Optional<CustomResponse> customResponse, Optional<Regex> regex,
                               Optional<Webhook> webhook, Optional<Moderation> moderation, List<Guardrail> guardrails) {
        public RequestGuard {
            guardrails = List.copyOf(guardrails);
        }

        public RequestGuard(Optional<CustomResponse> customResponse, Optional<Regex> regex, Optional<Webhook> webhook,
                            Optional<Moderation> moderation) {
            this(customResponse, regex, webhook, moderation, List.of());
        }
    }

    /** {@code promptGuard.response}: regex always masks; {@code guardrails} run after the webhook. */
    public record ResponseGuard(Optional<Regex> regex, Optional<Webhook> webhook, List<Guardrail> guardrails) {
        public ResponseGuard {
            guardrails = List.copyOf(guardrails);
        }

        public ResponseGuard(Optional<Regex> regex, Optional<Webhook> webhook) {
            this(regex, webhook, List.of());
        }
    }

    /**
     * A cloud guardrail service of agentgateway's {@code promptGuard}: it judges texts and answers
     * pass, reject (with {@code response}) or, for Bedrock, masked texts. {@code secret}: the Secret
     * holding its credential and where that was written; empty means the ambient credential chain.
     */
    public sealed interface Guardrail {
        CustomResponse response();

        Optional<String> secret();

        Optional<BackendResource.FieldAt> secretAt();
    }

    /**
     * AWS Bedrock Guardrails' ApplyGuardrail. {@code roles}: the request texts it reads (as
     * {@link Regex#roles}); {@code secret}: accessKey, secretKey, sessionToken.
     */
    public record BedrockGuardrail(String identifier, String version, String region, java.util.Set<String> roles,
                                   CustomResponse response, Optional<String> secret,
                                   Optional<BackendResource.FieldAt> secretAt) implements Guardrail {
        public BedrockGuardrail {
            roles = java.util.Set.copyOf(roles);
        }
    }

    /** Google Cloud Model Armor's sanitize calls; {@code secret}: a credential JSON under {@code secretKey}. */
    public record ModelArmor(String templateId, String projectId, String location, CustomResponse response,
                             Optional<String> secret, String secretKey,
                             Optional<BackendResource.FieldAt> secretAt) implements Guardrail {
    }

    public record CustomResponse(String message, int statusCode) {
        public static final String DEFAULT_MESSAGE = "The request was rejected due to inappropriate content";
        public static final CustomResponse DEFAULT = new CustomResponse(DEFAULT_MESSAGE, 403);
    }

    public enum Builtin { SSN, CREDIT_CARD, PHONE_NUMBER, EMAIL }

    public enum Action { MASK, REJECT }

    /** A custom pattern, compiled at parse time (so an invalid one is a problem with its line). */
    public record RegexMatch(Pattern pattern, Optional<String> name) {
    }

    /**
     * {@code roles}: the request texts a request guard reads, by OpenAI role ({@code system},
     * {@code user}, {@code assistant}); empty reads every text (kgateway's). agentgateway's
     * {@code scope} sets it.
     */
    public record Regex(List<RegexMatch> matches, List<Builtin> builtins, Action action, java.util.Set<String> roles) {
        public Regex {
            roles = java.util.Set.copyOf(roles);
        }

        public Regex(List<RegexMatch> matches, List<Builtin> builtins, Action action) {
            this(matches, builtins, action, java.util.Set.of());
        }
    }

    /**
     * A guardrail webhook (plain HTTP). {@code forwardHeaders}: request headers sent along.
     * {@code timeout} (our addition, default 5s) bounds the call; {@code failOpen} (our addition,
     * default false) lets traffic through when the webhook cannot be reached or answers garbage.
     */
    public record Webhook(String host, int port, List<HeaderMatch> forwardHeaders, Duration timeout,
                          boolean failOpen, java.util.Map<String, String> headers) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        /** {@code headers}: agentgateway's {@code webhook.headers}, header name → CEL expression of its value. */
        public Webhook {
            headers = java.util.Map.copyOf(headers);
        }

        public Webhook(String host, int port, List<HeaderMatch> forwardHeaders, Duration timeout, boolean failOpen) {
            this(host, port, forwardHeaders, timeout, failOpen, java.util.Map.of());
        }
    }

    /** A header to forward: by name (any value), or by name and exact / regular-expression value. */
    public record HeaderMatch(String name, Optional<String> value, Optional<Pattern> regex) {
        public boolean matches(String actual) {
            if (actual == null) return false;
            if (regex.isPresent()) return regex.get().matcher(actual).matches();
            return value.map(actual::equals).orElse(true);
        }
    }

    /** {@code moderation.openAIModeration}: an openai llm block (its host override reaches any compatible service). */
    public record Moderation(BackendResource.AuthToken auth, String model, Optional<BackendResource.HostPort> host,
                             Optional<String> path) {
        public static final String DEFAULT_MODEL = "omni-moderation-latest";
    }
}

package dev.aigw.config;

import java.util.List;
import java.util.Optional;

/** A kgateway {@code Backend}: {@code type: AI} (LLM providers) or {@code type: Static} (plain hosts). */
public record BackendResource(ResourceKey key, Spec spec, Location location) {

    public sealed interface Spec permits Ai, Static {
    }

    /**
     * Priority groups of LLM providers; the 2.0 {@code llm} shape is one group of one.
     * {@code balancing} comes from the annotation {@link #LOAD_BALANCING}; {@code routes} from
     * {@code spec.ai.routes} (agentgateway's path suffix → route type map).
     */
    public record Ai(List<List<Llm>> groups, LoadBalancing balancing, AiRoutes routes) implements Spec {
        public Ai(List<List<Llm>> groups) {
            this(groups, LoadBalancing.ROUND_ROBIN);
        }

        public Ai(List<List<Llm>> groups, LoadBalancing balancing) {
            this(groups, balancing, AiRoutes.NONE);
        }

        public Llm first() {
            return groups.getFirst().getFirst();
        }
    }

    /** The Backend annotation that chooses how a priority group spreads requests. */
    public static final String LOAD_BALANCING = "ai.gateway.dev/load-balancing";

    /** How requests spread over the providers of one priority group. */
    public enum LoadBalancing {
        /** In turn (the default). */
        ROUND_ROBIN("round-robin"),
        /** Power of two choices over a moving average of time to first byte. */
        LEAST_LATENCY("least-latency");

        private final String annotation;

        LoadBalancing(String annotation) {
            this.annotation = annotation;
        }

        /** The value as written in the annotation. */
        public String annotation() {
            return annotation;
        }
    }

    public record Static(List<HostPort> hosts) implements Spec {
    }

    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * One LLM provider with its overrides. {@code host} replaces the provider's host (and port,
     * 443 when the 2.0 bare-string form gives none); {@code path} replaces the provider's path.
     * {@code upstream} says how the two APIs differ: kgateway uses TLS exactly on port 443 and always
     * sends the provider's path; agentgateway uses TLS by default only without a host override
     * (else when {@code policies.tls} is set), keeps the client's path when a host is set without
     * {@code path}, and replaces the provider path's {@code /v1} by {@code pathPrefix}.
     */
    public record Llm(String name, ProviderSpec provider, Optional<HostPort> host, Optional<String> path,
                      Optional<AuthHeader> authHeader, Location location, Upstream upstream, ProviderPolicies policies) {
        public Llm(String name, ProviderSpec provider, Optional<HostPort> host, Optional<String> path,
                   Optional<AuthHeader> authHeader, Location location) {
            this(name, provider, host, path, authHeader, location, Upstream.KGATEWAY);
        }

        public Llm(String name, ProviderSpec provider, Optional<HostPort> host, Optional<String> path,
                   Optional<AuthHeader> authHeader, Location location, Upstream upstream) {
            this(name, provider, host, path, authHeader, location, upstream, ProviderPolicies.NONE);
        }
    }

    /**
     * What an AgentgatewayBackend sets for one provider alone: its own {@code policies.ai}
     * (the body rewrites: prompt, defaults, overrides, modelAliases) and the {@code health} that
     * applies to it (its own, else the Backend's).
     */
    public record ProviderPolicies(Optional<TrafficPolicyResource.Ai> ai, Optional<Health> health,
                                   List<CustomFormat> formats) {
        public static final ProviderPolicies NONE = new ProviderPolicies(Optional.empty(), Optional.empty(), List.of());

        public ProviderPolicies(Optional<TrafficPolicyResource.Ai> ai, Optional<Health> health) {
            this(ai, health, List.of());
        }
    }

    /**
     * One format an agentgateway {@code custom} provider lists, in its order: {@code type}
     * (Completions, Messages, Responses, Embeddings, AnthropicTokenCount) and the provider that
     * speaks it (OpenAI-shaped or Anthropic-shaped, at the format's path).
     */
    public record CustomFormat(String type, Llm llm) {
    }

    /** agentgateway's {@code policies.health}: the CEL condition and eviction settings, where they were written. */
    public record Health(Optional<String> unhealthyCondition, Optional<java.time.Duration> duration,
                         Optional<Integer> consecutiveFailures, Optional<Integer> healthThreshold,
                         Optional<Integer> restoreHealth, Location location) {
    }

    /**
     * How the upstream URL is chosen. {@code tls}: empty means TLS exactly on port 443.
     * {@code keepClientPath}: send the client's path instead of the provider's.
     * {@code pathPrefix}: replaces the leading {@code /v1} of the provider's path.
     */
    public record Upstream(Optional<Boolean> tls, boolean keepClientPath, Optional<String> pathPrefix) {
        public static final Upstream KGATEWAY = new Upstream(Optional.empty(), false, Optional.empty());
    }

    public record AuthHeader(String headerName, Optional<String> prefix) {
    }

    /** A field as users write its path ({@code spec.policies.auth.secretRef.name}) and the line it is on. */
    public record FieldAt(String path, Location location) {
    }

    /** How the provider's credential is found. */
    public sealed interface AuthToken {
        record Inline(SecretValue value) implements AuthToken {
        }

        /**
         * A Secret's key: {@code key} when given, else {@code Authorization} (then the only key).
         * {@code written}: the field that names the Secret, where known, for a problem about it.
         */
        record SecretRef(String name, Optional<String> key, Optional<FieldAt> written) implements AuthToken {
            public SecretRef(String name) {
                this(name, Optional.empty());
            }

            public SecretRef(String name, Optional<String> key) {
                this(name, key, Optional.empty());
            }
        }

        /**
         * The client's credential. {@code required}: a request without one is refused (kgateway's
         * {@code Passthrough}); an AgentgatewayBackend without {@code policies.auth} sends the
         * request as it came, with or without one (agentgateway adds nothing: a local model needs no key).
         */
        record Passthrough(boolean required) implements AuthToken {
            public Passthrough() {
                this(true);
            }
        }

        /** No authToken: the platform's own credentials (Vertex AI: Google Application Default Credentials). */
        record Ambient() implements AuthToken {
        }
    }

    public sealed interface ProviderSpec {
        String kind();
    }

    public record OpenAi(AuthToken auth, Optional<String> model) implements ProviderSpec {
        public String kind() {
            return "openai";
        }
    }

    public record AzureOpenAi(AuthToken auth, String endpoint, String deploymentName, String apiVersion)
            implements ProviderSpec {
        public String kind() {
            return "azureopenai";
        }
    }

    public record Anthropic(AuthToken auth, Optional<String> model, Optional<String> apiVersion)
            implements ProviderSpec {
        public String kind() {
            return "anthropic";
        }
    }

    public record Gemini(AuthToken auth, String model, String apiVersion) implements ProviderSpec {
        public String kind() {
            return "gemini";
        }
    }

    public record VertexAi(AuthToken auth, String model, String apiVersion, String projectId, String location,
                           String modelPath, String publisher) implements ProviderSpec {
        public String kind() {
            return "vertexai";
        }
    }

    /** Parsed now; served once SigV4 signing lands. {@code secretRef} empty means the AWS default chain. */
    public record Bedrock(Optional<String> secretRef, String model, String region,
                          Optional<Guardrail> guardrail) implements ProviderSpec {
        public String kind() {
            return "bedrock";
        }
    }

    public record Guardrail(String identifier, String version) {
    }

    /**
     * The built-in {@code mock} provider: answers OpenAI Chat Completions itself (streaming too),
     * so a gateway can be tried with no provider keys. Not a kgateway field; documented in docs/.
     */
    public record Mock(Optional<String> model) implements ProviderSpec {
        public String kind() {
            return "mock";
        }
    }
}

package dev.aigw.translate;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a translation needs from outside the bodies. Clock and id source are injected so that
 * translation stays a pure function in tests.
 *
 * @param epochSeconds    clock for OpenAI's {@code created}
 * @param ids             source of unique suffixes for ids a backend does not supply
 * @param model           model to put in the upstream request instead of the client's
 * @param defaultMaxTokens max_tokens sent to backends that require it when the client gave none
 * @param guardrail       Bedrock guardrail to apply, from the backend's configuration; ignored by
 *                        backends without guardrails
 * @param clientStream    whether the client asked for a stream where its body cannot say so: Gemini
 *                        clients stream by path ({@code :streamGenerateContent?alt=sse}), so the
 *                        proxy sets this from the path; translators of body-flagged schemas ignore it
 */
public record RequestContext(LongSupplier epochSeconds, Supplier<String> ids, Optional<String> model,
                             int defaultMaxTokens, Optional<Guardrail> guardrail, boolean clientStream) {

    public static final int DEFAULT_MAX_TOKENS = 4096;

    /**
     * A Bedrock guardrail ({@code guardrailConfig} of Converse).
     *
     * @param identifier guardrail id or ARN
     * @param version    guardrail version, e.g. {@code 1} or {@code DRAFT}
     * @param trace      {@code enabled}, {@code disabled} or {@code enabled_full}; empty leaves
     *                   Bedrock's default
     */
    public record Guardrail(String identifier, String version, Optional<String> trace) {
        public Guardrail {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(trace, "trace");
            if (identifier.isBlank() || version.isBlank()) {
                throw new IllegalArgumentException("guardrail identifier and version must not be blank");
            }
        }

        public Guardrail(String identifier, String version) {
            this(identifier, version, Optional.empty());
        }
    }

    public RequestContext {
        Objects.requireNonNull(epochSeconds, "epochSeconds");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(guardrail, "guardrail");
        if (defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive");
        }
    }

    public RequestContext(LongSupplier epochSeconds, Supplier<String> ids, Optional<String> model, int defaultMaxTokens,
                          Optional<Guardrail> guardrail) {
        this(epochSeconds, ids, model, defaultMaxTokens, guardrail, false);
    }

    /** Without a guardrail, as before guardrails existed. */
    public RequestContext(LongSupplier epochSeconds, Supplier<String> ids, Optional<String> model, int defaultMaxTokens) {
        this(epochSeconds, ids, model, defaultMaxTokens, Optional.empty());
    }

    public static RequestContext defaults() {
        return new RequestContext(() -> System.currentTimeMillis() / 1000,
                () -> UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                Optional.empty(), DEFAULT_MAX_TOKENS);
    }

    public RequestContext withModel(String model) {
        return new RequestContext(epochSeconds, ids, Optional.of(model), defaultMaxTokens, guardrail, clientStream);
    }

    public RequestContext withGuardrail(Guardrail guardrail) {
        return new RequestContext(epochSeconds, ids, model, defaultMaxTokens, Optional.of(guardrail), clientStream);
    }

    /** The client wants a stream though its body does not say so (a Gemini streamGenerateContent path). */
    public RequestContext withClientStream(boolean stream) {
        return new RequestContext(epochSeconds, ids, model, defaultMaxTokens, guardrail, stream);
    }

    public RequestContext withGuardrail(String identifier, String version) {
        return withGuardrail(new Guardrail(identifier, version));
    }
}

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
 */
public record RequestContext(LongSupplier epochSeconds, Supplier<String> ids, Optional<String> model,
                             int defaultMaxTokens) {

    public static final int DEFAULT_MAX_TOKENS = 4096;

    public RequestContext {
        Objects.requireNonNull(epochSeconds, "epochSeconds");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(model, "model");
        if (defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive");
        }
    }

    public static RequestContext defaults() {
        return new RequestContext(() -> System.currentTimeMillis() / 1000,
                () -> UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                Optional.empty(), DEFAULT_MAX_TOKENS);
    }

    public RequestContext withModel(String model) {
        return new RequestContext(epochSeconds, ids, Optional.of(model), defaultMaxTokens);
    }
}

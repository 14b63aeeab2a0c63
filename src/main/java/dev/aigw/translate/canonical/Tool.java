package dev.aigw.translate.canonical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** A tool the model may call. */
public sealed interface Tool {

    String name();

    /**
     * A function the client runs.
     *
     * @param parameters   JSON Schema (lower-case types) of the arguments object
     * @param strict       OpenAI's strict schema adherence
     * @param deferLoading Anthropic tool search: the definition loads only when searched for;
     *                     providers without tool search drop such a tool with a warning
     */
    record Function(String name, Optional<String> description, ObjectNode parameters, boolean strict,
                    boolean deferLoading, Optional<CacheHint> cache) implements Tool {
        public Function(String name, Optional<String> description, ObjectNode parameters) {
            this(name, description, parameters, false, false, Optional.empty());
        }
    }

    /**
     * A tool the provider runs (Anthropic {@code web_search_20250305}, Gemini {@code googleSearch}),
     * kept as written for its own format.
     */
    record Builtin(String format, String type, String name, ObjectNode raw) implements Tool {
    }
}

package dev.aigw.translate.canonical;

import java.util.Locale;
import java.util.Optional;

/**
 * How much the model should think before answering.
 *
 * @param mode            off, a fixed budget, or the model's own choice (Anthropic {@code adaptive},
 *                        Gemini {@code thinkingBudget: -1})
 * @param effort          OpenAI reasoning_effort, Anthropic output_config.effort, Gemini thinkingLevel
 * @param budgetTokens    Anthropic budget_tokens, Gemini thinkingBudget
 * @param includeThoughts whether the client wants the thinking text back (Gemini includeThoughts)
 */
public record Reasoning(Mode mode, Optional<Effort> effort, Optional<Long> budgetTokens, Optional<Boolean> includeThoughts) {

    /**
     * {@code DEFAULT}: the client set no mode, only {@link #includeThoughts()} (a Gemini
     * thinkingConfig without a budget); providers keep their own default.
     */
    public enum Mode {
        DISABLED, ENABLED, ADAPTIVE, DEFAULT
    }

    /** The one effort vocabulary, with the one effort to budget table every codec uses. */
    public enum Effort {
        NONE(0), MINIMAL(1024), LOW(1024), MEDIUM(4096), HIGH(16384), MAX(32768);

        private final long budget;

        Effort(long budget) {
            this.budget = budget;
        }

        /** The wire name every format uses: {@code low}, {@code high}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Thinking tokens this effort stands for where a provider wants a budget. */
        public long budget() {
            return budget;
        }

        public static Optional<Effort> fromId(String id) {
            for (Effort e : values()) {
                if (e.name().equalsIgnoreCase(id)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        /** The effort a budget is closest to, for providers that take an effort. */
        public static Effort forBudget(long tokens) {
            if (tokens <= 0) {
                return NONE;
            }
            return tokens <= LOW.budget ? LOW : tokens <= MEDIUM.budget ? MEDIUM : tokens <= HIGH.budget ? HIGH : MAX;
        }
    }

    public static Reasoning budget(long tokens) {
        return new Reasoning(Mode.ENABLED, Optional.empty(), Optional.of(tokens), Optional.empty());
    }

    public static Reasoning effort(Effort effort) {
        return new Reasoning(effort == Effort.NONE ? Mode.DISABLED : Mode.ENABLED, Optional.of(effort),
                Optional.empty(), Optional.empty());
    }

    /** The budget to send where a budget is required: the explicit one, else the effort's. */
    public Optional<Long> effectiveBudget() {
        return budgetTokens.or(() -> effort.map(Effort::budget));
    }
}

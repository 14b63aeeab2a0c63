package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ModelLabelsTest {
    private final AtomicReference<Set<String>> known = new AtomicReference<>(Set.of("gpt-4o", "claude-sonnet-4-5"));
    private final ModelLabels labels = new ModelLabels(known::get);

    /** A fresh copy of a string, as a parsed response gives one per request. */
    private static String fresh(String s) {
        return new String(s.toCharArray());
    }

    @Test
    void aVariantIsLabelledByOneInstanceOfItsTextWhateverStringCarriesIt() {
        String first = labels.responseLabel(fresh("gpt-4o-2024-08-06"));
        String again = labels.responseLabel(fresh("gpt-4o-2024-08-06"));
        assertThat(first).isEqualTo("gpt-4o-2024-08-06");
        assertThat(again).isSameAs(first);
        // Between two others, so the last answer kept is not the one found.
        labels.responseLabel("claude-sonnet-4-5-20250929");
        assertThat(labels.responseLabel(fresh("gpt-4o-2024-08-06"))).isSameAs(first);
    }

    @Test
    void theLastAnswerIsKeptPerKindAndPerKnownSet() {
        assertThat(labels.label("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(labels.label("gpt-4o")).isEqualTo("gpt-4o");
        // A request's model is strict: the variant a response may carry is "other" there.
        assertThat(labels.responseLabel("gpt-4o-2024-08-06")).isEqualTo("gpt-4o-2024-08-06");
        assertThat(labels.label("gpt-4o-2024-08-06")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.label("models/claude-sonnet-4-5")).isEqualTo("claude-sonnet-4-5");
        // A reload that drops a model: the same string is labelled under the new set.
        known.set(Set.of("claude-sonnet-4-5"));
        assertThat(labels.label("gpt-4o")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.label("models/claude-sonnet-4-5")).isEqualTo("claude-sonnet-4-5");
        known.set(Set.of("gpt-4o"));
        assertThat(labels.label("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(labels.responseLabel("unknown-model")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.responseLabel("")).isEqualTo(ModelLabels.NONE);
    }
}

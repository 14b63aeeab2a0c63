package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code defaults[]} split once into overrides and fills, and a provider's merged over its rule's by field. */
class DefaultsTest {

    private static FieldDefault d(String field, int value, boolean override) {
        return new FieldDefault(field, IntNode.valueOf(value), override);
    }

    @Test
    void overridesApplyBeforeAndFillsAfterInTheOrderWritten() throws Exception {
        Defaults ds = Defaults.of(List.of(d("a", 1, false), d("b", 2, true), d("c", 3, false), d("a.x", 4, true)));
        ObjectNode body = (ObjectNode) TransformationsTest.JSON.readTree("{\"a\":7,\"c\":null}");
        ds.applyOverrides(body);
        assertThat(body.toString()).as("overrides only: a scalar a gives way to a.x").isEqualTo("{\"a\":{\"x\":4},\"c\":null,\"b\":2}");
        ds.applyFills(body);
        assertThat(body.toString()).isEqualTo("{\"a\":{\"x\":4},\"c\":3,\"b\":2}");
        assertThat(ds.all()).extracting(FieldDefault::field).containsExactly("a", "b", "c", "a.x");
        assertThat(Defaults.of(List.of())).isSameAs(Defaults.NONE);
    }

    @Test
    void aProvidersDefaultsReplaceTheRulesByFieldAndAnEmptySideCostsNothing() {
        Defaults rule = Defaults.of(List.of(d("temperature", 1, false), d("top_p", 2, true)));
        Defaults provider = Defaults.of(List.of(d("top_p", 9, false), d("seed", 5, true)));
        assertThat(provider.over(rule).all()).containsExactly(d("temperature", 1, false), d("top_p", 9, false),
                d("seed", 5, true));
        assertThat(provider.over(rule)).as("merged once per rule and provider, not per attempt").isSameAs(provider.over(rule));
        assertThat(Defaults.NONE.over(rule)).as("a provider without defaults keeps the rule's, already split").isSameAs(rule);
        assertThat(provider.over(Defaults.NONE)).isSameAs(provider);
        ObjectNode body = TransformationsTest.JSON.createObjectNode().put("top_p", 3);
        Defaults merged = provider.over(rule);
        merged.applyOverrides(body);
        merged.applyFills(body);
        assertThat(body.toString()).as("the provider's top_p fills, no longer overrides").isEqualTo("{\"top_p\":3,\"seed\":5,\"temperature\":1}");
    }
}

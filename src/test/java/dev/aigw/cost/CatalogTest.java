package dev.aigw.cost;

import dev.aigw.translate.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    private static Catalog parse(String json) {
        return Catalog.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void defaultCatalogCoversEveryProviderWeServe() {
        Catalog c = Catalog.defaults();
        assertThat(c.lookup("openai", "gpt-4o-mini")).isPresent();
        assertThat(c.lookup("azureopenai", "gpt-4.1")).isPresent();       // Azure serves OpenAI's models
        assertThat(c.lookup("anthropic", "claude-sonnet-4-5-20250929")).isPresent();   // dated snapshot
        assertThat(c.lookup("gemini", "models/gemini-2.5-flash")).isPresent();
        assertThat(c.lookup("vertexai", "gemini-2.5-pro")).isPresent();     // Vertex serves Gemini
        assertThat(c.lookup("vertexai", "claude-3-5-sonnet-v2@20241022")).isPresent(); // and Claude
        assertThat(c.lookup("bedrock", "amazon.nova-micro-v1:0")).isPresent();
        assertThat(c.lookup("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0")).isPresent(); // cross-region id
        assertThat(c.lookup("openai", "no-such-model")).isEmpty();
    }

    @Test
    void longestPrefixWinsAndAPrefixMustEndAtASeparator() {
        Catalog c = Catalog.defaults();
        assertThat(c.lookup("openai", "gpt-4o-mini-2024-07-18").orElseThrow().input()).isEqualByComparingTo("0.15");
        assertThat(c.lookup("openai", "gpt-4o-2024-08-06").orElseThrow().input()).isEqualByComparingTo("2.5");
        assertThat(c.lookup("openai", "gpt-4ox")).isEmpty();
    }

    @Test
    void configuredCatalogOverridesPerModel() {
        Catalog over = parse("""
                {"providers": {"openai": {"models": {"gpt-4o": {"rates": {"input": 1, "output": 2}}, "my-model": {"rates": {"input": 3, "output": 4}}}}}}""");
        Catalog c = Catalog.defaults().overriddenBy(over);
        assertThat(c.lookup("openai", "gpt-4o").orElseThrow().output()).isEqualByComparingTo("2");
        assertThat(c.lookup("openai", "my-model").orElseThrow().input()).isEqualByComparingTo("3");
        assertThat(c.lookup("openai", "gpt-4o-mini").orElseThrow().input()).isEqualByComparingTo("0.15");  // kept
    }

    @Test
    void badCatalogsSayWhere() {
        assertThatThrownBy(() -> parse("{\"providers\": {\"openai\": {\"models\": {\"m\": {\"rates\": {\"output\": 1}}}}}}"))
                .hasMessage("test.json: providers.openai.models.m.rates.input is required (USD per million tokens)");
        assertThatThrownBy(() -> parse("{\"providers\": {\"openai\": {\"models\": {\"m\": {\"rates\": {\"input\": -1, \"output\": 1}}}}}}"))
                .hasMessageContaining("providers.openai.models.m.rates.input must be a non-negative number");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("\"providers\"");
        assertThatThrownBy(() -> parse("{")).hasMessageContaining("not valid JSON");
    }

    /** Every provider's usage shape, normalized by the translators into Usage, priced exactly. */
    @Test
    void spendIsExactForEveryUsageShape() {
        Catalog c = parse("""
                {"providers": {
                  "openai": {"models": {"gpt-x": {"rates": {"input": 2.5, "output": 10, "cacheRead": 1.25}}}},
                  "anthropic": {"models": {"claude-x": {"rates": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}}}},
                  "gemini": {"models": {"gemini-x": {"rates": {"input": 0.3, "output": 2.5, "cacheRead": 0.03}}}},
                  "bedrock": {"models": {"amazon.nova-x-v1:0": {"rates": {"input": 0.035, "output": 0.14}}}}}}""");
        // OpenAI: prompt_tokens 1000 of which cached 400; completion 500 of which reasoning 200.
        Cost openai = c.price("openai", "gpt-x", Usage.of(1000, 500, 400, 0, 200));
        assertThat(openai.total()).isEqualByComparingTo(new BigDecimal("0.0015").add(new BigDecimal("0.0005")).add(new BigDecimal("0.005")));
        // Anthropic: input 100 uncached + cache read 2000 + cache write 300 (Usage sums them); output 50.
        Cost anthropic = c.price("anthropic", "claude-x-20250101", Usage.of(2400, 50, 2000, 300, 0));
        assertThat(anthropic.input()).isEqualByComparingTo("0.0003");
        assertThat(anthropic.cacheRead()).isEqualByComparingTo("0.0006");
        assertThat(anthropic.cacheWrite()).isEqualByComparingTo("0.001125");
        assertThat(anthropic.output()).isEqualByComparingTo("0.00075");
        assertThat(anthropic.total()).isEqualByComparingTo("0.002775");
        assertThat(anthropic.micros()).isEqualTo(2775);
        // Gemini: promptTokenCount 10000 incl. cachedContentTokenCount 8000; candidates 100 + thoughts 900 = output 1000.
        Cost gemini = c.price("gemini", "gemini-x", Usage.of(10000, 1000, 8000, 0, 900));
        assertThat(gemini.total()).isEqualByComparingTo("0.00334");   // 2000*0.3 + 8000*0.03 + 1000*2.5, per million
        // Bedrock: no cache rates: cache reads billed as input.
        Cost bedrock = c.price("bedrock", "us.amazon.nova-x-v1:0", Usage.of(1_000_000, 1_000_000, 500_000, 0, 0));
        assertThat(bedrock.total()).isEqualByComparingTo("0.175");
        assertThat(c.price("openai", "unknown", Usage.of(1, 1, 0, 0, 0)).priced()).isFalse();
    }

    /** The cheap division by a million answers exactly what BigDecimal.divide(10^6, DECIMAL128) did, scale included. */
    @Test
    void costPartsAreTheExactDivisionByAMillion() {
        String[] rates = {"0.15", "2.5", "10", "0", "1E+1", "0.075", "3.000", "1.23456789", "15"};
        long[] tokens = {0, 1, 24, 1000, 1_000_000, 10_000_000, 123_456_789, Long.MAX_VALUE / 1000};
        for (String rs : rates) {
            BigDecimal r = new BigDecimal(rs);
            Rates rates4 = new Rates(r, r, r, r);
            for (long t : tokens) {
                Cost c = Cost.of(new Usage(t, t, 2 * t, 0, 0, 0), rates4);
                BigDecimal want = BigDecimal.valueOf(t).multiply(r).divide(BigDecimal.valueOf(1_000_000), java.math.MathContext.DECIMAL128);
                assertThat(c.input()).as(t + " tokens at " + rs).isEqualTo(want);
                assertThat(c.output()).isEqualTo(want);
                assertThat(c.cacheRead()).isEqualTo(BigDecimal.ZERO.multiply(r).divide(BigDecimal.valueOf(1_000_000),
                        java.math.MathContext.DECIMAL128));
            }
        }
    }

    @Test
    void repeatedLookupsAnswerTheSame() {
        Catalog c = Catalog.defaults();
        for (int i = 0; i < 3; i++) {
            assertThat(c.lookup("openai", "gpt-4o-mini-2024-07-18").orElseThrow().input()).isEqualByComparingTo("0.15");
            assertThat(c.lookup("openai", "no-such-model")).isEmpty();
            assertThat(c.lookup(null, "gpt-4o-mini")).isEmpty();
        }
    }
}

package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigw.translate.StreamTranslator.StreamedText;
import dev.aigw.translate.Usage;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
    private final TokenEstimator est = TokenEstimator.shared();

    @Test
    void encodingPerModelFamily() {
        assertThat(TokenEstimator.encodingFor("gpt-4o-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingFor("gpt-4.1")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingFor("o3-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingFor("gpt-4-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenEstimator.encodingFor("gpt-3.5-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenEstimator.encodingFor("llama3")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingFor(null)).isEqualTo(EncodingType.O200K_BASE);
    }

    @Test
    void countsWithTheModelsTokenizer() {
        assertThat(est.countTokens("gpt-4o", "Hello world")).isEqualTo(2);
        assertThat(est.countTokens("gpt-4", "Hello world")).isEqualTo(2);
        assertThat(est.countTokens("gpt-4o", "<|endoftext|>")).as("special tokens are plain text").isGreaterThan(1);
    }

    @Test
    void reportedUsageIsKeptAndMissingUsageIsEstimated() throws Exception {
        ObjectNode body = (ObjectNode) new ObjectMapper().readTree("""
                {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"Say hello to the world"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}]}]}""");
        StreamedText text = new StreamedText("Hello, world! How are you today?", 32);
        Usage reported = Usage.of(19, 10, 0, 0, 0);
        assertThat(est.resolve(reported, "gpt-4o", body, text, true)).isEqualTo(new TokenEstimator.Estimate(reported, false));

        TokenEstimator.Estimate e = est.resolve(Usage.ZERO, "gpt-4o", body, text, false);
        assertThat(e.estimated()).isTrue();
        // "Be brief." (3) + "Say hello to the world" (5) + newlines, plus 3 per message and 3 for the reply
        assertThat(e.usage().input()).isBetween(15L, 22L);
        assertThat(e.usage().output()).isEqualTo(est.countTokens("gpt-4o", text.text()));
        assertThat(e.usage().total()).isEqualTo(e.usage().input() + e.usage().output());
    }

    @Test
    void abortedAnthropicStreamTakesTheLargerOutput() {
        Usage startOnly = Usage.of(25, 1, 0, 0, 0); // message_start says 1 output token
        StreamedText text = new StreamedText("one two three four five six seven eight", 40);
        TokenEstimator.Estimate e = est.resolve(startOnly, "claude-sonnet-4-5", null, text, false);
        assertThat(e.estimated()).isTrue();
        assertThat(e.usage().input()).isEqualTo(25);
        assertThat(e.usage().output()).isEqualTo(8);
        assertThat(est.resolve(startOnly, "claude-sonnet-4-5", null, text, true).estimated()).isFalse();
    }

    @Test
    void textBeyondTheKeptPartIsExtrapolated() {
        assertThat(est.completionTokens("gpt-4o", new StreamedText("Hello world", 22))).isEqualTo(4);
        assertThat(est.completionTokens("gpt-4o", StreamedText.NONE)).isZero();
    }
}

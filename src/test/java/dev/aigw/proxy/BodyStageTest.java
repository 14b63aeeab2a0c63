package dev.aigw.proxy;

import dev.aigw.proxy.stage.GatewayError;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The body stage alone: short messages naming line and column, no parser internals; unsafe models refused. */
class BodyStageTest {
    private static String refusal(String body) {
        BodyStage.Parsed p = BodyStage.parse(Buffer.buffer(body));
        assertThat(p).isInstanceOf(BodyStage.Parsed.Bad.class);
        GatewayError e = ((BodyStage.Parsed.Bad) p).error();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).doesNotContain("Source", "StreamReadFeature", "REDACTED", "(code ");
        return e.message();
    }

    @Test
    void brokenJsonIsDescribedWithLineAndColumn() {
        assertThat(refusal("{\"model\": \"m\", \"messages\": [")).isEqualTo(
                "request body is not valid JSON at line 1, column 29: the body ends before the JSON is complete");
        assertThat(refusal("{\"model\": \"m\",\n  x}")).startsWith("request body is not valid JSON at line 2, column 3: "
                + "Unexpected character ('x'): was expecting double-quote to start field name");
        assertThat(refusal("{\"a\": tru}")).startsWith("request body is not valid JSON at line 1, column");
        assertThat(refusal("[1]")).isEqualTo("request body must be a JSON object, not array");
        assertThat(refusal("\"text\"")).isEqualTo("request body must be a JSON object, not string");
    }

    @Test
    void aModelWithAControlCharacterIsRefused() {
        assertThat(refusal("{\"model\":\"gpt\\nX: y\"}")).isEqualTo(
                "the \"model\" field contains a control character (U+000A) at position 3; a model name is printable text");
        assertThat(refusal("{\"model\":\"a\\u0000\"}")).contains("U+0000");
        assertThat(BodyStage.parse(Buffer.buffer("{\"model\":\"gpt-4o\\tmini\"}"))).isInstanceOf(BodyStage.Parsed.Bad.class);
        assertThat(BodyStage.parse(Buffer.buffer("{\"model\":\"claude-sonnet-4-5@20250929\",\"x\":\"\\n\"}")))
                .as("control characters elsewhere are the provider's business").isInstanceOf(BodyStage.Parsed.Ok.class);
    }
}

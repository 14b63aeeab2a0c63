package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hand reading of an Anthropic stream event says what its tree says, or leaves it to the tree. */
class AnthropicEventTest {

    private static final List<String> EVENTS = List.of(
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
                    + "\"model\":\"claude-3-5-haiku-20241022\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
                    + "\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":7,\"output_tokens\":1}}}",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello \\\"there\\\" \\u00e9\\n\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"q\\\":\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}",
            "{\"type\":\"message_stop\"}",
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
            "{\"usage\":{\"output_tokens\":\"7\",\"input_tokens\":null,\"x\":[1,{\"y\":2}]},\"type\":\"message_delta\",\"delta\":\"odd\"}",
            "{\"type\":\"message_start\",\"message\":{\"model\":5,\"usage\":[]},\"message\":{\"model\":\"last\"}}",
            "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"a\",\"text\":null},\"delta\":{\"thinking\":\"b\"}}",
            "{\"type\":7,\"content_block\":{\"text\":\"x\"}}",
            "{\"delta\":{\"text\":\"no type\"}}",
            " \t\r\n{ \"type\" : \"message_delta\" , \"usage\" : { \"output_tokens\" : 3 } } ",
            "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1.5}}",
            "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":123456789012345678901234567890}}",
            "{\"typ\\u0065\":\"message_stop\"}",
            "{\"type\":\"message_stop\"} trailing",
            "{\"a\":" + "[".repeat(1100) + "]".repeat(1100) + ",\"type\":\"ping\"}",
            "{}", "[]", "\"s\"", "5", "null", "", "nope", "{\"a\":01}", "{\"a\":1,}", "{\"a\":\"tab\there\"}", "{'a':1}");

    @Test
    void theHandReadingSaysWhatTheTreeSays() {
        List<String> all = new ArrayList<>(EVENTS);
        for (String e : EVENTS) all.add(e.replace(",", " ,\n ").replace(":", " : "));
        int byHand = 0;
        for (String e : all) {
            byte[] a = e.getBytes(StandardCharsets.UTF_8);
            AnthropicEvent scanned = AnthropicEvent.read(a, 0, a.length);
            Optional<AnthropicEvent> tree = Json.parseObject(e).map(AnthropicEvent::of);
            if (scanned != null) {
                byHand++;
                assertThat(tree).as("read by hand only when it is an object: " + e).isPresent();
                assertThat(scanned).as(e).isEqualTo(tree.get());
            }
        }
        assertThat(byHand).isGreaterThan(30);
    }

    @Test
    void anthropicsEventsAreReadByHandInPlace() {
        for (String e : EVENTS.subList(0, 17)) {
            byte[] a = ("data: " + e + "\n\n").getBytes(StandardCharsets.UTF_8);
            int len = e.getBytes(StandardCharsets.UTF_8).length;
            assertThat(AnthropicEvent.read(a, 6, len)).as(e).isNotNull()
                    .isEqualTo(AnthropicEvent.of(Json.parseObject(e).orElseThrow()));
        }
        byte[] deep = EVENTS.get(21).getBytes(StandardCharsets.UTF_8);
        assertThat(AnthropicEvent.read(deep, 0, deep.length)).as("left to the tree").isNull();
    }
}

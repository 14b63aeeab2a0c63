package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

/**
 * {@link EventStreamWriter} is the inverse of {@link EventStreamParser}: events, exceptions and
 * errors round-trip, and the AWS codec's own decoder (which checks both CRCs) reads what it wrote
 * with the headers Bedrock sends.
 */
class EventStreamWriterTest {
    private static final List<SseEvent> EVENTS = List.of(
            SseEvent.of("messageStart", "{\"role\":\"assistant\"}"),
            SseEvent.of("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"h\u00e9 <EMAIL_ADDRESS>\"}}"),
            SseEvent.of("exception:throttlingException", "{\"message\":\"slow down\"}"),
            SseEvent.of("error:InternalFailure", "{\"message\":\"boom\"}"));

    @Test
    void whatItWritesTheParserReadsBack() {
        byte[] bytes = EventStreamWriter.encode(EVENTS);
        EventStreamParser p = new EventStreamParser();
        List<SseEvent> back = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 5) back.addAll(p.feed(bytes, i, Math.min(5, bytes.length - i)));
        back.addAll(p.finish());
        assertThat(back).containsExactlyElementsOf(EVENTS);
        assertThat(p.pendingBytes()).isZero();
    }

    @Test
    void theAwsDecoderReadsBedrocksHeaders() {
        List<Message> got = new ArrayList<>();
        new MessageDecoder(got::add).feed(EventStreamWriter.encode(EVENTS));
        assertThat(got).hasSize(4);
        assertThat(got.get(1).getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(got.get(1).getHeaders().get(":event-type").getString()).isEqualTo("contentBlockDelta");
        assertThat(got.get(1).getHeaders().get(":content-type").getString()).isEqualTo("application/json");
        assertThat(new String(got.get(1).getPayload(), StandardCharsets.UTF_8)).contains("h\u00e9 <EMAIL_ADDRESS>");
        assertThat(got.get(2).getHeaders().get(":message-type").getString()).isEqualTo("exception");
        assertThat(got.get(2).getHeaders().get(":exception-type").getString()).isEqualTo("throttlingException");
        assertThat(got.get(3).getHeaders().get(":error-code").getString()).isEqualTo("InternalFailure");
        assertThat(got.get(3).getHeaders().get(":error-message").getString()).isEqualTo("boom");
    }

    @Test
    void anExceptionCarriesItsMessageAsJson() {
        List<Message> got = new ArrayList<>();
        new MessageDecoder(got::add).feed(EventStreamWriter.exception("modelStreamErrorException", "cut \"short\""));
        assertThat(got).singleElement().satisfies(m -> {
            assertThat(m.getHeaders().get(":exception-type").getString()).isEqualTo("modelStreamErrorException");
            assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"cut \\\"short\\\"\"}");
        });
    }
}

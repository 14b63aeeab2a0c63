package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

class EventStreamParserTest {

    private static byte[] message(Map<String, HeaderValue> headers, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).encode(out);
        return out.toByteArray();
    }

    private static byte[] event(String type, String payload) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":event-type", HeaderValue.fromString(type));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        h.put(":message-type", HeaderValue.fromString("event"));
        return message(h, payload);
    }

    @Test
    void eventsExceptionsAndErrorsBecomeNamedEvents() {
        Map<String, HeaderValue> exc = new LinkedHashMap<>();
        exc.put(":message-type", HeaderValue.fromString("exception"));
        exc.put(":exception-type", HeaderValue.fromString("validationException"));
        Map<String, HeaderValue> err = new LinkedHashMap<>();
        err.put(":message-type", HeaderValue.fromString("error"));
        err.put(":error-code", HeaderValue.fromString("InternalFailure"));
        err.put(":error-message", HeaderValue.fromString("boom"));
        err.put("non-string", HeaderValue.fromInteger(7));
        byte[] all = EventStreamFixtures.concat(List.of(event("messageStart", "{\"role\":\"assistant\"}"),
                message(exc, "{\"message\":\"bad\"}"), message(err, "")));
        List<SseEvent> got = new EventStreamParser().feed(ByteBuffer.wrap(all));
        assertThat(got).containsExactly(
                SseEvent.of("messageStart", "{\"role\":\"assistant\"}"),
                SseEvent.of("exception:validationException", "{\"message\":\"bad\"}"),
                SseEvent.of("error:InternalFailure", "{\"message\":\"boom\"}"));
    }

    @Test
    void truncatedTailIsHeldNotEmitted() {
        byte[] one = event("messageStart", "{}");
        byte[] two = event("messageStop", "{\"stopReason\":\"end_turn\"}");
        EventStreamParser p = new EventStreamParser();
        byte[] all = EventStreamFixtures.concat(List.of(one, two));
        assertThat(p.feed(all, 0, all.length - 3)).hasSize(1);
        assertThat(p.finish()).isEmpty();
        assertThat(p.pendingBytes()).isEqualTo(two.length - 3);
    }

    @Test
    void badChecksumReturnsEarlierEventsThenFails() {
        byte[] good = event("messageStart", "{}");
        byte[] bad = event("contentBlockDelta", "{\"delta\":{\"text\":\"x\"}}");
        bad[bad.length - 5] ^= 1;
        EventStreamParser p = new EventStreamParser();
        assertThat(p.feed(EventStreamFixtures.concat(List.of(good, bad)))).hasSize(1);
        assertThatThrownBy(p::finish).isInstanceOf(EventStreamException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> p.feed(good)).isInstanceOf(StreamFramingException.class);
    }

    @Test
    void oversizedOrTinyLengthFailsBeforeBuffering() {
        assertThatThrownBy(() -> new EventStreamParser(1024).feed(new byte[] {0, 0, 8, 0}))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("2048");
        assertThatThrownBy(() -> new EventStreamParser().feed(new byte[] {0, 0, 0, 3}))
                .isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> new EventStreamParser().feed(new byte[] {(byte) 0xff, 0, 0, 0}))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("4278190080");
    }

    @Test
    void schemaPicksParserByFraming() {
        assertThat(Schema.BEDROCK_CONVERSE.streamFraming()).isEqualTo(StreamFraming.AWS_EVENT_STREAM);
        assertThat(StreamFraming.AWS_EVENT_STREAM.newParser()).isInstanceOf(EventStreamParser.class);
        assertThat(StreamFraming.AWS_EVENT_STREAM.contentType()).isEqualTo("application/vnd.amazon.eventstream");
        for (Schema s : List.of(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES, Schema.GEMINI_GENERATE)) {
            assertThat(s.streamFraming().newParser()).isInstanceOf(SseParser.class);
        }
        assertThat(Schema.fromId("bedrock-converse")).contains(Schema.BEDROCK_CONVERSE);
    }

    @Test
    void factoryKnowsNewPairs() {
        assertThat(Translators.create(Schema.OPENAI_CHAT, Schema.BEDROCK_CONVERSE)).get().isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.BEDROCK_CONVERSE)).get().isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.GEMINI_GENERATE)).get().isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.BEDROCK_CONVERSE, Schema.OPENAI_CHAT)).isEmpty();
    }

    @Test
    void requestContextKeepsOldConstructorAndCarriesGuardrail() {
        RequestContext old = new RequestContext(() -> 1, () -> "x", Optional.empty(), 10);
        assertThat(old.guardrail()).isEmpty();
        RequestContext g = old.withGuardrail("gr-1", "2").withModel("m");
        assertThat(g.guardrail()).contains(new RequestContext.Guardrail("gr-1", "2"));
        assertThat(g.model()).contains("m");
        assertThatThrownBy(() -> new RequestContext.Guardrail(" ", "1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modelIdIsOnePercentEncodedSegment() {
        assertThat(Bedrock.path("anthropic.claude-3-5-sonnet-20240620-v1:0", false))
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
        assertThat(Bedrock.path("my model/x", true)).isEqualTo("/model/my%20model%2Fx/converse-stream");
    }

    @Test
    void hugeChunkIsCutPerMessage() {
        List<byte[]> msgs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            msgs.add(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + i + "\"}}"));
        }
        assertThat(new EventStreamParser().feed(EventStreamFixtures.concat(msgs))).hasSize(500);
    }
}

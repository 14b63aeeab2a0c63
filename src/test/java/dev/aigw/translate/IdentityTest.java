package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the golden cases do not show: flags for raw relay, the client's body untouched, streamed text. */
class IdentityTest {
    private static final Path OPENAI = Path.of("src/test/resources/golden/openai-chat_to_openai-chat");
    private static final ObjectMapper M = new ObjectMapper();

    private static List<SseEvent> run(StreamTranslator st, byte[] upstream) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e : p.feed(upstream)) out.addAll(st.onEvent(e));
        for (SseEvent e : p.finish()) out.addAll(st.onEvent(e));
        out.addAll(st.onEnd());
        return out;
    }

    @Test
    void openAiStreamWithoutIncludeUsageHidesTheUsageChunkButCountsIt() throws Exception {
        ObjectNode client = (ObjectNode) M.readTree(Files.readString(OPENAI.resolve("stream-no-include-usage/request.json")));
        String before = client.toString();
        Identity id = new Identity(Schema.OPENAI_CHAT);
        TranslatedRequest r = id.request(client, RequestContext.defaults());
        assertThat(client.toString()).as("the client's body is not modified").isEqualTo(before);
        assertThat(r.body().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(id.requestUnchanged()).isFalse();
        assertThat(id.clientAskedForUsage()).isFalse();
        assertThat(r.streaming()).isTrue();

        StreamTranslator st = id.stream();
        assertThat(st.passthrough()).isFalse();
        List<SseEvent> out = run(st, Files.readAllBytes(OPENAI.resolve("stream-no-include-usage/upstream-stream.sse")));
        assertThat(out).noneMatch(e -> e.data().contains("\"usage\""));
        assertThat(out.getLast().isDone()).isTrue();
        assertThat(st.usage()).isEqualTo(Usage.of(19, 3, 0, 0, 0));
        assertThat(st.completed()).isTrue();
        assertThat(st.streamedText().text()).isEqualTo("Hello there");
    }

    @Test
    void openAiStreamWithIncludeUsageIsPassthrough() throws Exception {
        ObjectNode client = (ObjectNode) M.readTree(Files.readString(OPENAI.resolve("stream-include-usage/request.json")));
        Identity id = new Identity(Schema.OPENAI_CHAT);
        assertThat(id.request(client, RequestContext.defaults()).body()).isSameAs(client);
        assertThat(id.requestUnchanged()).isTrue();
        assertThat(id.stream().passthrough()).isTrue();
    }

    @Test
    void nonStreamingAndOtherSchemasAreUnchanged() throws Exception {
        for (Schema s : Schema.values()) {
            Identity id = new Identity(s);
            ObjectNode body = (ObjectNode) M.readTree("{\"model\":\"m\",\"messages\":[]}");
            assertThat(id.request(body, RequestContext.defaults()).body()).isSameAs(body);
            assertThat(id.requestUnchanged()).isTrue();
            assertThat(id.stream().passthrough()).isTrue();
            assertThat(id.error(500, null).body()).isNotNull();
        }
    }
}

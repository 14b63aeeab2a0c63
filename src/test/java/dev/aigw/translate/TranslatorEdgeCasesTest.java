package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge cases that do not deserve a whole golden folder each. */
class TranslatorEdgeCasesTest {

    private static ObjectNode json(String s) {
        return Json.parseObject(s.replace('\'', '"')).orElseThrow(() -> new IllegalArgumentException(s));
    }

    private static ObjectNode o2a(String request) throws TranslationException {
        return Translators.create(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES).orElseThrow().request(json(request), GoldenTest.deterministicContext()).body();
    }

    private static ObjectNode a2o(String request) throws TranslationException {
        return Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow().request(json(request), GoldenTest.deterministicContext()).body();
    }

    private static List<SseEvent> run(StreamTranslator st, String wire) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e : p.feed(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            out.addAll(st.onEvent(e));
        }
        for (SseEvent e : p.finish()) {
            out.addAll(st.onEvent(e));
        }
        out.addAll(st.onEnd());
        return out;
    }

    @Test
    void factoryKnowsImplementedPairsOnly() {
        assertThat(Translators.create(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES)).get()
                .isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT)).get()
                .isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.OPENAI_CHAT, Schema.GEMINI_GENERATE)).get()
                .isInstanceOf(Composed.class);
        for (Schema s : Schema.values()) {
            assertThat(Translators.create(s, s)).get().isInstanceOf(Identity.class)
                    .satisfies(t -> assertThat(t.identity()).isTrue());
        }
        assertThat(Translators.create(Schema.GEMINI_GENERATE, Schema.OPENAI_CHAT)).get()
                .isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.GEMINI_GENERATE, Schema.ANTHROPIC_MESSAGES)).get()
                .isInstanceOf(Composed.class);
        assertThat(Translators.create(Schema.GEMINI_GENERATE, Schema.BEDROCK_CONVERSE)).get()
                .isInstanceOf(Composed.class);
        assertThat(Schema.fromId("anthropic-messages")).contains(Schema.ANTHROPIC_MESSAGES);
        assertThat(Schema.fromId("nope")).isEmpty();
    }

    @Test
    void contextModelOverridesClientModel() throws Exception {
        RequestContext ctx = GoldenTest.deterministicContext().withModel("claude-opus-4-1");
        TranslatedRequest r = Translators.create(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES).orElseThrow()
                .request(json("{'model':'gpt-4o','messages':[{'role':'user','content':'hi'}]}"), ctx);
        assertThat(r.model()).isEqualTo("claude-opus-4-1");
        assertThat(r.body().get("model").asText()).isEqualTo("claude-opus-4-1");
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.streaming()).isFalse();
    }

    @Test
    void reasoningEffortPicksBudgetAndRoomForAnswer() throws Exception {
        ObjectNode out = o2a("{'model':'m','reasoning_effort':'high','messages':[{'role':'user','content':'hi'}]}");
        assertThat(out.get("thinking").get("budget_tokens").asInt()).isEqualTo(16384);
        assertThat(out.get("max_tokens").asInt()).isEqualTo(16384 + 4096);
        assertThatThrownBy(() -> o2a("{'model':'m','reasoning_effort':'medium','max_tokens':100,'messages':[{'role':'user','content':'hi'}]}"))
                .isInstanceOf(TranslationException.class).hasMessageStartingWith("max_tokens:"); // the client's own field
    }

    @Test
    void parallelToolCallsFalseWithoutToolChoiceOrWithNone() throws Exception {
        String tools = "'tools':[{'type':'function','function':{'name':'f'}}]";
        ObjectNode auto = o2a("{'model':'m','parallel_tool_calls':false," + tools + ",'messages':[{'role':'user','content':'hi'}]}");
        assertThat(auto.get("tool_choice")).isEqualTo(json("{'type':'auto','disable_parallel_tool_use':true}"));
        assertThat(auto.get("tools").get(0).get("input_schema")).isEqualTo(json("{'type':'object','properties':{}}"));
        ObjectNode none = o2a("{'model':'m','parallel_tool_calls':false,'tool_choice':'none'," + tools + ",'messages':[{'role':'user','content':'hi'}]}");
        assertThat(none.get("tool_choice")).isEqualTo(json("{'type':'none'}"));
        ObjectNode noTools = o2a("{'model':'m','tool_choice':'required','messages':[{'role':'user','content':'hi'}]}");
        assertThat(noTools.has("tool_choice")).isFalse();
    }

    @Test
    void emptyAssistantTurnsAreDroppedAndEmptyTextSkipped() throws Exception {
        ObjectNode out = o2a("{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':''},{'type':'text','text':'a'}]},"
                + "{'role':'assistant','content':''},{'role':'user','content':'b'}]}");
        JsonNode msgs = out.get("messages");
        assertThat(msgs).hasSize(2);
        assertThat(msgs.get(0).get("content").asText()).isEqualTo("a"); // one text block goes as a string
    }

    @Test
    void pdfFilePartBecomesDocumentAndFileIdIsRefused() throws Exception {
        ObjectNode out = o2a("{'model':'m','messages':[{'role':'user','content':[{'type':'file','file':{'filename':'a.pdf','file_data':'data:application/pdf;base64,JVBERi0='}}]}]}");
        assertThat(out.at("/messages/0/content/0")).isEqualTo(json(
                "{'type':'document','source':{'type':'base64','media_type':'application/pdf','data':'JVBERi0='},'title':'a.pdf'}"));
        assertThatThrownBy(() -> o2a("{'model':'m','messages':[{'role':'user','content':[{'type':'file','file':{'file_id':'file-1'}}]}]}"))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.field()).isEqualTo("messages[0].content[0].file.file_id");
                    assertThat(e.kind()).isEqualTo(TranslationException.Kind.UNSUPPORTED_FEATURE);
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void requestValidationNamesTheField() throws Exception {
        assertThatThrownBy(() -> o2a("{'messages':[{'role':'user','content':'hi'}]}")).hasMessage("model: is required");
        assertThatThrownBy(() -> o2a("{'model':'m','messages':[]}")).hasMessageStartingWith("messages:");
        assertThatThrownBy(() -> o2a("{'model':'m','temperature':1.5,'messages':[{'role':'user','content':'hi'}]}"))
                .hasMessageStartingWith("temperature:");
        assertThatThrownBy(() -> o2a("{'model':'m','messages':[{'role':'system','content':[{'type':'image_url','image_url':{'url':'https://x/y.png'}}]},{'role':'user','content':'hi'}]}"))
                .hasMessageStartingWith("messages[0].content[0].type:");
        // A tool result's image cannot reach an OpenAI tool message: the text stays, the image goes with a warning.
        Translator t = Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow();
        ObjectNode out = t.request(json("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':[{'type':'text','text':'see'},{'type':'image','source':{'type':'url','url':'https://x'}}]}]}]}"),
                GoldenTest.deterministicContext()).body();
        assertThat(out.at("/messages/0/content").asText()).isEqualTo("see");
        assertThat(t.warnings()).containsExactly("messages[0].content[0].content[1].source.type: openai-chat tool messages carry text only, dropped");
    }

    @Test
    void inlineImageTypesAreCheckedForAnthropic() throws Exception {
        ObjectNode out = o2a("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/jpg;base64,/9j/'}}]}]}");
        assertThat(out.at("/messages/0/content/0/source/media_type").asText()).isEqualTo("image/jpeg");
        assertThatThrownBy(() -> o2a("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/tiff;base64,AAAA'}}]}]}"))
                .hasMessageContaining("image/tiff");
    }

    @Test
    void anthropicDocumentBecomesOpenAiFilePart() throws Exception {
        ObjectNode out = a2o("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'document','source':{'type':'base64','media_type':'application/pdf','data':'JVBERi0='}}]}]}");
        assertThat(out.at("/messages/0/content/0")).isEqualTo(json(
                "{'type':'file','file':{'filename':'document.pdf','file_data':'data:application/pdf;base64,JVBERi0='}}"));
    }

    @Test
    void openAiToolIdsAreMadeAnthropicSafe() throws Exception {
        Translator t = Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow();
        t.request(json("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        TranslatedResponse r = t.response(json("{'id':'x','model':'m','choices':[{'index':0,'finish_reason':'tool_calls','message':{'role':'assistant','content':null,"
                + "'tool_calls':[{'id':'functions.get:0','type':'function','function':{'name':'get','arguments':'{}'}},"
                + "{'type':'function','function':{'name':'get','arguments':'not json'}}]}}]}"));
        assertThat(r.body().at("/content/0/id").asText()).isEqualTo("functions_get_0");
        assertThat(r.body().at("/content/1/id").asText()).isEqualTo("toolu_gen0001");
        assertThat(r.body().at("/content/1/input")).isEqualTo(Json.obj());
        assertThat(r.usage()).isEqualTo(Usage.ZERO);
    }

    @Test
    void openAiRefusalBecomesAnthropicRefusal() throws Exception {
        Translator t = Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow();
        t.request(json("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        TranslatedResponse r = t.response(json("{'id':'x','model':'m','choices':[{'index':0,'finish_reason':'stop','message':{'role':'assistant','content':null,'refusal':'I cannot help with that.'}}]}"));
        assertThat(r.finishReason()).contains("refusal");
        assertThat(r.body().at("/content/0/text").asText()).isEqualTo("I cannot help with that.");
    }

    @Test
    void openAiStreamWithoutDoneStillEndsCleanly() throws Exception {
        Translator t = Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow();
        t.request(json("{'model':'m','max_tokens':5,'stream':true,'messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        StreamTranslator st = t.stream();
        List<SseEvent> out = run(st, "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n");
        assertThat(out).extracting(e -> e.event().orElseThrow()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(st.completed()).isTrue();
        assertThat(st.usage()).isEqualTo(Usage.of(3, 1, 0, 0, 0));
        assertThat(st.onEvent(SseEvent.done())).isEmpty();
        assertThat(st.onEnd()).isEmpty();
    }

    @Test
    void anthropicStreamUsageIsReturnedEvenWithoutIncludeUsage() throws Exception {
        Translator t = Translators.create(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES).orElseThrow();
        t.request(json("{'model':'m','stream':true,'messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        StreamTranslator st = t.stream();
        List<SseEvent> out = run(st, """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":10,"cache_read_input_tokens":5,"cache_creation_input_tokens":2,"output_tokens":7}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        assertThat(out).noneMatch(e -> e.data().contains("\"usage\""));
        assertThat(out.get(out.size() - 1).isDone()).isTrue();
        assertThat(st.usage()).isEqualTo(Usage.of(17, 7, 5, 2, 0));
        assertThat(st.model()).contains("claude-x");
        assertThat(st.finishReason()).contains("stop");
    }

    @Test
    void geminiPathCarriesModelAndStreamingMode() throws Exception {
        TranslatedRequest r = Translators.create(Schema.OPENAI_CHAT, Schema.GEMINI_GENERATE).orElseThrow().request(
                json("{'model':'gemini-2.5-pro','stream':true,'messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
        assertThat(r.body().has("model")).isFalse();
        assertThat(r.streaming()).isTrue();
    }

    @Test
    void geminiBlockedPromptIsContentFilter() throws Exception {
        Translator t = Translators.create(Schema.OPENAI_CHAT, Schema.GEMINI_GENERATE).orElseThrow();
        t.request(json("{'model':'gemini-2.5-pro','messages':[{'role':'user','content':'hi'}]}"), GoldenTest.deterministicContext());
        TranslatedResponse r = t.response(json("{'promptFeedback':{'blockReason':'SAFETY'},'usageMetadata':{'promptTokenCount':7,'totalTokenCount':7}}"));
        assertThat(r.finishReason()).contains("content_filter");
        assertThat(r.usage()).isEqualTo(Usage.of(7, 0, 0, 0, 0));
    }

    @Test
    void translationErrorsRenderInClientSchema() {
        TranslationException e = TranslationException.invalid("stop", "must be a string or an array of strings");
        assertThat(Translators.create(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES).orElseThrow().error(e).body().at("/error/param").asText()).isEqualTo("stop");
        TranslatedError a = Translators.create(Schema.ANTHROPIC_MESSAGES, Schema.OPENAI_CHAT).orElseThrow().error(e);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().at("/error/type").asText()).isEqualTo("invalid_request_error");
    }
}

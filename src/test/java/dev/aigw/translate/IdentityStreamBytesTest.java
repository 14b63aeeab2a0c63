package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level relay of an identity stream ({@link IdentityStream#onBlock}) writes and counts
 * what the event path ({@link IdentityStream#onEvent}) does, fed whole, byte by byte or cut at
 * random; and it cuts {@code usage} out of OpenAI chunks wherever the member stands.
 */
class IdentityStreamBytesTest {

    private static final String ID = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\"";

    private static String chunk(String content, String usage) {
        return "data: {" + ID + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}],\"usage\":" + usage + "}\n\n";
    }

    private static final String USAGE = "{\"prompt_tokens\":24,\"completion_tokens\":17,\"total_tokens\":41,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":4}}";

    private static final String STREAM = chunk("", "null") + chunk("Hel", "null") + chunk("lo \\\"usage\\\":null", "null")
            + "data: {" + ID + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
            + "data: {" + ID + ",\"choices\":[],\"usage\":" + USAGE + "}\n\n"
            + "data: [DONE]\n\n";

    record Run(String bytes, Usage usage, String model, String finish, String text, long chars, boolean completed) {
    }

    private static Run viaBytes(Schema schema, boolean hideUsage, byte[] in, int[] cuts) {
        IdentityStream st = new IdentityStream(schema, hideUsage);
        SseSplitter s = new SseSplitter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseBytesTranslator.Output o = (a, from, to) -> out.write(a, from, to - from);
        int prev = 0;
        for (int c : cuts) {
            s.feed(in, prev, c - prev, b -> st.onBlock(b, o));
            prev = c;
        }
        s.feed(in, prev, in.length - prev, b -> st.onBlock(b, o));
        s.finish(b -> st.onBlock(b, o));
        return run(st, out.toString(StandardCharsets.UTF_8));
    }

    private static Run viaEvents(Schema schema, boolean hideUsage, byte[] in) {
        IdentityStream st = new IdentityStream(schema, hideUsage);
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e : p.feed(in)) out.addAll(st.onEvent(e));
        for (SseEvent e : p.finish()) out.addAll(st.onEvent(e));
        return run(st, SseWriter.encodeToString(out));
    }

    private static Run run(IdentityStream st, String bytes) {
        return new Run(bytes, st.usage(), st.model().orElse(null), st.finishReason().orElse(null),
                st.streamedText().text(), st.streamedText().chars(), st.completed());
    }

    private static List<SseEvent> events(String wire) {
        SseParser p = new SseParser();
        List<SseEvent> events = new ArrayList<>(p.feed(wire.getBytes(StandardCharsets.UTF_8)));
        events.addAll(p.finish());
        return events;
    }

    /** Fed whole, byte by byte and cut at random, the bytes path gives one result, and it means what the event path gives. */
    private static Run same(Schema schema, boolean hideUsage, String stream) {
        byte[] in = stream.getBytes(StandardCharsets.UTF_8);
        Run whole = viaBytes(schema, hideUsage, in, new int[0]);
        int[] each = new int[Math.max(0, in.length - 1)];
        for (int i = 0; i < each.length; i++) each[i] = i + 1;
        assertThat(viaBytes(schema, hideUsage, in, each)).as("byte by byte").isEqualTo(whole);
        Random r = new Random(stream.hashCode());
        for (int round = 0; round < 20; round++) {
            int[] cuts = r.ints(3, 0, in.length + 1).sorted().toArray();
            assertThat(viaBytes(schema, hideUsage, in, cuts)).as("cut at %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
        }
        Run ev = viaEvents(schema, hideUsage, in);
        assertThat(events(whole.bytes())).as("the events the client reads").isEqualTo(events(ev.bytes()));
        assertThat(new Run("", whole.usage(), whole.model(), whole.finish(), whole.text(), whole.chars(), whole.completed()))
                .isEqualTo(new Run("", ev.usage(), ev.model(), ev.finish(), ev.text(), ev.chars(), ev.completed()));
        return whole;
    }

    @Test
    void theUsageChunkIsDroppedAndUsageNullCutButCounted() {
        Run r = same(Schema.OPENAI_CHAT, true, STREAM);
        assertThat(r.bytes()).doesNotContain("\"usage\"").doesNotContain("prompt_tokens");
        assertThat(r.bytes()).contains("lo \\\"usage\\\":null").as("text that only looks like the member stays");
        assertThat(events(r.bytes())).hasSize(5);
        assertThat(r.bytes()).isEqualTo(STREAM.replace(",\"usage\":null}", "}")
                .replace("data: {" + ID + ",\"choices\":[],\"usage\":" + USAGE + "}\n\n", ""));
        assertThat(r.usage()).isEqualTo(Usage.of(24, 17, 4, 0, 0));
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.finish()).isEqualTo("stop");
        assertThat(r.text()).isEqualTo("Hello \"usage\":null");
        assertThat(r.completed()).isTrue();
    }

    @Test
    void aClientThatAskedForUsageGetsTheProvidersBytes() {
        Run r = same(Schema.OPENAI_CHAT, false, STREAM);
        assertThat(r.bytes()).isEqualTo(STREAM);
        assertThat(r.usage().input()).isEqualTo(24);
    }

    @Test
    void usageIsCutWhereverItStands() {
        String[][] cases = {
                {"{\"usage\":null,\"id\":\"x\",\"choices\":[]}", "{\"id\":\"x\",\"choices\":[]}"},
                {"{\"id\":\"x\",\"usage\":null,\"choices\":[]}", "{\"id\":\"x\",\"choices\":[]}"},
                {"{\"id\":\"x\",\"choices\":[],\"usage\":null}", "{\"id\":\"x\",\"choices\":[]}"},
                {"{\"usage\":null}", "{}"},
                {"{ \"usage\" : null , \"id\" : \"x\" }", "{  \"id\" : \"x\" }"},
                {"{ \"id\" : \"x\" ,\t \"usage\" :\tnull }", "{ \"id\" : \"x\"  }"},
                {"{\"usag\\u0065\":null,\"id\":\"x\"}", "{\"id\":\"x\"}"},
                {"{\"id\":\"\\\"usage\\\":null,\",\"usage\":null}", "{\"id\":\"\\\"usage\\\":null,\"}"},
                {"{\"id\":\"caf\u00e9 \uD83D\uDE00\",\"usage\":null,\"x\":\"\u4f60\"}", "{\"id\":\"caf\u00e9 \uD83D\uDE00\",\"x\":\"\u4f60\"}"},
                // usage on a content chunk (a provider that sends it early): the chunk stays, the member goes
                {"{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":" + USAGE + "}", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}"},
                {"{\"usage\":{\"prompt_tokens\":1,\"x\":{\"y\":[1,{}]}},\"choices\":[{}]}", "{\"choices\":[{}]}"},
        };
        for (String[] c : cases) {
            Run r = same(Schema.OPENAI_CHAT, true, "data: " + c[0] + "\n\ndata: [DONE]\n\n");
            assertThat(r.bytes()).as(c[0]).isEqualTo("data: " + c[1] + "\n\ndata: [DONE]\n\n");
        }
    }

    @Test
    void oddUsageMembersGetTheTreesEdit() {
        Run twice = same(Schema.OPENAI_CHAT, true, "data: {\"usage\":null,\"usage\":null,\"id\":\"x\"}\n\n");
        assertThat(events(twice.bytes())).containsExactly(SseEvent.data("{\"id\":\"x\"}"));
        Run number = same(Schema.OPENAI_CHAT, true, "data: {\"id\":\"x\",\"usage\":5}\n\n");
        assertThat(events(number.bytes())).containsExactly(SseEvent.data("{\"id\":\"x\"}"));
    }

    @Test
    void eventFieldsCommentsCrlfAndMultiLinePayloadsSurvive() {
        String stream = ": keep-alive\r\n\r\nid: 1\r\nevent: chunk\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\r\n\r\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}],\ndata: \"usage\":null}\n\n"
                + "data: not json\n\ndata: {\"error\":{\"message\":\"boom\"},\"usage\":null}\n\ndata: [DONE]\n\n";
        Run r = same(Schema.OPENAI_CHAT, true, stream);
        assertThat(r.bytes()).startsWith(": keep-alive\r\n\r\nid: 1\r\nevent: chunk\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\n");
        assertThat(events(r.bytes())).extracting(SseEvent::data).containsExactly(
                "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", "{\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
                "not json", "{\"error\":{\"message\":\"boom\"},\"usage\":null}", "[DONE]");
        assertThat(r.text()).isEqualTo("ab");
        assertThat(r.completed()).as("an error event is no clean end").isFalse();
    }

    @Test
    void textOfEveryKindIsKeptInOrder() {
        String stream = "data: {\"choices\":[{\"delta\":{\"refusal\":\"R\",\"content\":\"C\",\"reasoning_content\":\"T\","
                + "\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}},{\"function\":{\"arguments\":\"1}\"}}]}},"
                + "{\"delta\":{\"content\":\"\u00e9\uD83D\uDE00\"},\"finish_reason\":\"length\"}],\"model\":\"m2\",\"usage\":null}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":null},\"finish_reason\":null}],\"model\":5}\n\n";
        Run r = same(Schema.OPENAI_CHAT, true, stream);
        assertThat(r.text()).isEqualTo("CTR{\"a\":1}\u00e9\uD83D\uDE00");
        assertThat(r.chars()).isEqualTo(r.text().length());
        assertThat(r.finish()).isEqualTo("length");
        assertThat(r.model()).isEqualTo("m2");
        assertThat(r.completed()).as("no [DONE]").isFalse();
    }

    @Test
    void anthropicEventsPassAsTheyCameReadFromTheirBytesAsTheTreeReadsThem() {
        String stream = "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"usage\":"
                + "{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}\r\n\r\n"
                + ": keep-alive\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"A\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"t\u00e9\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\u00e9 \\\"q\\\" \uD83D\uDE00\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"fraction\"},\"x\":1.5e3}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n"
                + "event: message_delta\ndata: {\"typ\\u0065\":\"message_delta\",\"usage\":{\"output_tokens\":11}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        Run r = same(Schema.ANTHROPIC_MESSAGES, false, stream);
        assertThat(r.bytes()).isEqualTo(stream);
        assertThat(r.model()).isEqualTo("claude-x");
        assertThat(r.usage()).isEqualTo(Usage.of(16, 11, 4, 2, 0));
        assertThat(r.finish()).isEqualTo("tool_use");
        assertThat(r.text()).isEqualTo("At\u00e9caf\u00e9 \"q\" \uD83D\uDE00{\"a\":1}fraction");
        assertThat(r.completed()).isTrue();

        String failed = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\"}}\n\n"
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\ndata: not json\n\n";
        Run f = same(Schema.ANTHROPIC_MESSAGES, false, failed);
        assertThat(f.bytes()).isEqualTo(failed);
        assertThat(f.completed()).as("an error event is no clean end").isFalse();
    }
    @Test
    void responsesEventsAreReadFromTheirBytes() {
        String stream = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\","
                + "\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-4.1-mini\",\"output\":[]}}\n\n"
                + "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"response\":{\"id\":\"resp_1\",\"model\":\"ignored\"}}\n\n"
                + "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"message\","
                + "\"content\":[]}}\n\n"
                + "event: response.reasoning_summary_text.delta\ndata: {\"type\":\"response.reasoning_summary_text.delta\",\"delta\":\"R \"}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"caf\u00e9 \\\"q\\\"\\n\"}\n\n"
                + "event: response.output_text.delta\r\ndata: {\"delta\":\"\uD83D\uDE00\",\"type\":\"response.output_text.delta\",\"x\":1.5}\r\n\r\n"
                + "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"delta\":\"{\\\"a\\\":1}\"}\n\n"
                + "event: response.output_text.delta\ndata: {\"typ\\u0065\":\"response.output_text.delta\",\"delta\":\"tree\"}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":null}\n\n"
                + "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"text\":\"not counted twice\"}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\","
                + "\"model\":\"gpt-4.1-mini-2025\",\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":2},"
                + "\"output_tokens\":7,\"output_tokens_details\":{\"reasoning_tokens\":3},\"total_tokens\":19}}}\n\n";
        Run r = same(Schema.OPENAI_RESPONSES, false, stream);
        assertThat(r.bytes()).isEqualTo(stream);
        assertThat(r.text()).isEqualTo("R caf\u00e9 \"q\"\n\uD83D\uDE00{\"a\":1}tree");
        assertThat(r.model()).isEqualTo("gpt-4.1-mini-2025");
        assertThat(r.finish()).isEqualTo("completed");
        assertThat(r.usage().input()).isEqualTo(12);
        assertThat(r.usage().output()).isEqualTo(7);
        assertThat(r.completed()).isTrue();

        String failed = "data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\"}\n\n"
                + "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"boom\"}\n\n"
                + "data: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\ndata: not json\n\n";
        Run f = same(Schema.OPENAI_RESPONSES, false, failed);
        assertThat(f.bytes()).isEqualTo(failed);
        assertThat(f.text()).isEqualTo("a");
        assertThat(f.completed()).as("an error event is no clean end").isFalse();
    }

    @Test
    void aResponsesEventsResponseIsReadAsTheTreeReadsIt() {
        String usage = "'usage':{'input_tokens':37,'input_tokens_details':{'cached_tokens':4},'output_tokens':11,"
                + "'output_tokens_details':{'reasoning_tokens':3},'total_tokens':48}";
        for (String e : List.of(
                "{'type':'response.completed','sequence_number':10,'response':{'id':'r','object':'response','status':'completed',"
                        + "'error':null,'model':'gpt-4.1','output':[{'type':'message','content':[{'text':'x'}]}]," + usage + ",'user':null}}",
                "{'response':{'model':'m','status':'incomplete','usage':{'input_tokens':1,'output_tokens':2}},'type':'response.incomplete'}",
                "{'type':'response.created','response':{'status':'in_progress','model':'gpt-4.1','usage':null}}",
                "{'type':'response.failed','response':{'status':5,'model':['m'],'usage':'none'}}",
                "{'type':'response.completed','response':{'usage':{'input_tokens':'x','total_tokens':0,'input_tokens_details':7,"
                        + "'output_tokens_details':{'other':1}}}}",
                "{'type':'response.completed','response':{'usage':{}}}",
                "{'type':'response.completed','response':'not an object'}",
                "{'type':'response.in_progress','response':{'model':'m'}}")) {
            String json = e.replace('\'', '"');
            byte[] a = json.getBytes(StandardCharsets.UTF_8);
            assertThat(ResponsesDelta.read(a, 0, a.length)).as(json).isEqualTo(ResponsesDelta.of(Json.parseObject(json).orElseThrow()));
        }
        for (String e : List.of("{'type':'response.completed','response':{'usage':{'input_tokens':1.5}}}",
                "{'type':'response.completed','response':{'usage':{'input_tokens':1,'input_tokens':2}}}",
                "{'type':'response.completed','response':{'usage':{'input_tokens_details':{'cached_tokens':1,'cached_tokens':2}}}}",
                "{'type':'response.completed','response':{'model':'a','model':'b'}}",
                "{'type':'response.completed','response':{},'response':{}}")) {
            String json = e.replace('\'', '"');
            byte[] a = json.getBytes(StandardCharsets.UTF_8);
            assertThat(ResponsesDelta.read(a, 0, a.length)).as("left to the tree: " + json).isNull();
        }
    }

    @Test
    void aResponsesEventsTypeAndDeltaAreWhatTheTreeSays() {
        for (String e : List.of("{\"type\":\"response.output_text.delta\",\"delta\":\"x\"}", "{\"delta\":\"a\",\"delta\":5,\"type\":7}",
                "{\"type\":\"a\",\"type\":\"b\",\"obj\":{\"delta\":\"nested\"},\"list\":[1,{\"y\":[]}]}", "{}",
                " { \"type\" : \"t\\u00e9\" } ", "{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\\ude00\\\"\"}")) {
            byte[] a = e.getBytes(StandardCharsets.UTF_8);
            var tree = Json.parseObject(e).orElseThrow();
            assertThat(ResponsesDelta.read(a, 0, a.length)).as(e)
                    .isEqualTo(new ResponsesDelta(Json.text(tree, "type").orElse(null), Json.text(tree, "delta").orElse(null)));
        }
        for (String e : List.of("[]", "\"s\"", "", "nope", "{\"typ\\u0065\":\"x\"}", "{\"type\":\"x\"} trailing", "{\"a\":1,}",
                "{\"a\":" + "[".repeat(1100) + "]".repeat(1100) + "}")) {
            byte[] a = e.getBytes(StandardCharsets.UTF_8);
            assertThat(ResponsesDelta.read(a, 0, a.length)).as("left to the tree: " + e).isNull();
        }
    }
    @Test
    void geminiChunksAreReadFromTheirBytesAsTheTreeReadsThem() {
        String usage = "\"usageMetadata\":{\"promptTokenCount\":8,\"candidatesTokenCount\":%d,\"thoughtsTokenCount\":2,"
                + "\"cachedContentTokenCount\":1,\"totalTokenCount\":%d,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":8}]}";
        String stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],"
                + usage.formatted(1, 11) + ",\"modelVersion\":\"gemini-2.0-flash\",\"responseId\":\"r\"}\r\n\r\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"thought\":true,\"text\":\"lo \\\"q\\\" caf\u00e9\"},{\"text\":\"\uD83D\uDE00\"},3,"
                + "{\"inlineData\":{\"data\":\"eA==\"}}]}},\"not a candidate\"],\"modelVersion\":5," + usage.formatted(3, 13) + "}\n\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}}}]}}]}\n\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":{\"x\":{\"text\":\"parts as an object\"}}}}]}\n\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"STOP\",\"x\":1.5}]," + usage.formatted(4, 14) + "}\n\n";
        Run r = same(Schema.GEMINI_GENERATE, false, stream);
        assertThat(r.bytes()).isEqualTo(stream);
        assertThat(r.model()).isEqualTo("gemini-2.0-flash");
        assertThat(r.text()).isEqualTo("Hello \"q\" caf\u00e9\uD83D\uDE00{\"name\":\"f\",\"args\":{\"a\":1}}parts as an object");
        assertThat(r.finish()).isEqualTo("STOP");
        assertThat(r.usage().input()).isEqualTo(8);
        assertThat(r.usage().output()).isEqualTo(6);
        assertThat(r.completed()).isTrue();

        String failed = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\n"
                + "data: {\"candidates\":[{\"finishReason\":\"STOP\"}],\"error\":{\"code\":503,\"message\":\"overloaded\"}}\n\n"
                + "data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\n\n";
        Run f = same(Schema.GEMINI_GENERATE, false, failed);
        assertThat(f.bytes()).isEqualTo(failed);
        assertThat(f.completed()).as("an error chunk is no clean end").isFalse();
    }

    @Test
    void aGeminiChunkReadByHandIsWhatItsTreeSays() {
        List<String> chunks = List.of("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"text\":\"b\"}]},\"finishReason\":7}]}",
                "{\"candidates\":[{\"content\":[1],\"finishReason\":\"MAX_TOKENS\"},{\"content\":{\"parts\":[{\"text\":1}]},\"content\":{}}],"
                        + "\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"last\"}],\"parts\":[{\"text\":\"wins\"}]}}]}",
                "{\"usageMetadata\":{\"promptTokenCount\":\"7\",\"totalTokenCount\":null},\"usageMetadata\":{\"candidatesTokenCount\":2}}",
                "{\"usageMetadata\":[],\"modelVersion\":\"m\",\"modelVersion\":null}", "{\"error\":null,\"candidates\":[]}",
                "{\"candidates\":[],\"error\":{\"code\":429}}", "{}", " { \"modelVersion\" : \"v\" } ");
        for (String c : chunks) {
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(GeminiChunk.read(a, 0, a.length)).as(c).isNotNull().isEqualTo(GeminiChunk.of(Json.parseObject(c).orElseThrow()));
        }
        for (String c : List.of("{\"candidates\":{}}", "{\"candidates\":null}", "{\"candidates\":[{\"content\":{\"parts\":{}}}]}",
                "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{}}]}}]}", "{\"modelVersio\\u006e\":\"x\"}",
                "{\"usageMetadata\":{\"promptTokenCount\":1.5}}", "{} x", "[]", "")) {
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(GeminiChunk.read(a, 0, a.length)).as("left to the tree: " + c).isNull();
        }
    }
}

package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The hand reading of a chat chunk ({@link OpenAiChunkScan#read}, falling back to the chunk's
 * tree) says what the tree reading the identity stream used to do says: same model,
 * finish reason, text, usage, error, and a cut that leaves the same tree without {@code usage}.
 */
class OpenAiChunkScanTest {

    /** What the tree reading saw (the identity stream's code before the byte path). */
    record Seen(boolean error, String model, String finish, String text, Usage usage, boolean dropped, JsonNode withoutUsage) {
    }

    static Seen tree(String data) {
        Optional<ObjectNode> parsed = Json.parseObject(data);
        if (parsed.isEmpty()) return null;
        ObjectNode d = parsed.get();
        if (d.has("error")) return new Seen(true, null, null, "", null, false, null);
        String model = Json.text(d, "model").orElse(null);
        String finish = null;
        StringBuilder text = new StringBuilder();
        JsonNode choices = d.path("choices");
        for (JsonNode c : choices) {
            finish = Json.text(c, "finish_reason").orElse(finish);
            JsonNode delta = c.path("delta");
            for (String f : List.of("content", "reasoning_content", "refusal")) {
                JsonNode v = delta.get(f);
                if (v != null && v.isTextual()) text.append(v.asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                JsonNode v = tc.path("function").get("arguments");
                if (v != null && v.isTextual()) text.append(v.asText());
            }
        }
        JsonNode u = d.get("usage");
        Usage usage = u != null && u.isObject() ? OpenAiChatProvider.usage(u) : null;
        boolean dropped = usage != null && choices.isArray() && choices.isEmpty();
        ObjectNode without = d.deepCopy();
        without.remove("usage");
        return new Seen(false, model, finish, text.toString(), usage, dropped, without);
    }

    static Seen scanned(OpenAiChunkScan s, byte[] a) {
        if (s == null) return null;
        if (s.error) return new Seen(true, null, null, "", null, false, null);
        JsonNode without;
        if (s.usageMembers == 0) {
            without = Json.parseObject(new String(a, StandardCharsets.UTF_8)).orElseThrow();
        } else if (s.usageMembers == 1 && s.usageSimple) {
            byte[] left = new byte[a.length - (s.cutTo - s.cutFrom)];
            System.arraycopy(a, 0, left, 0, s.cutFrom);
            System.arraycopy(a, s.cutTo, left, s.cutFrom, a.length - s.cutTo);
            without = Json.parseObject(new String(left, StandardCharsets.UTF_8)).orElseThrow();
        } else {
            ObjectNode d = Json.parseObject(new String(a, StandardCharsets.UTF_8)).orElseThrow();
            d.remove("usage");
            without = d;
        }
        return new Seen(false, s.model, s.finish, String.join("", s.texts), s.usage,
                s.usage != null && s.choicesEmpty, without);
    }

    private static final List<String> CHUNKS = List.of(
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":17,\"total_tokens\":41,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":3,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":5}}}",
            "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens_details\":null},\"choices\":[]}",
            "{\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":2e3},\"choices\":[]}",
            "{\"usage\":{\"prompt_tokens\":\"7\",\"completion_tokens\":-2,\"x\":[true,false,null,{\"y\":[]}]},\"choices\":{}}",
            "{\"usage\":{\"prompt_tokens\":123456789012345678901234567890},\"choices\":[]}",
            "{\"model\":\"a\",\"model\":5,\"choices\":[{\"finish_reason\":\"stop\"},{\"finish_reason\":null},3,\"x\",[]]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":null}}],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{\\\"q\\\":\\\"\\u00e9\\\\n\\\"}\"}},"
                    + "{\"function\":{\"name\":\"x\"}},{\"function\":null},7]}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t caf\u00e9 \u4f60\"}}]}",
            "{\"error\":null,\"model\":\"m\"}",
            "{\"model\":\"m\",\"error\":{\"message\":\"x\"},\"usage\":null}",
            "{\"usage\":null,\"usage\":{\"prompt_tokens\":1},\"choices\":[]}",
            "{\"usage\":\"none\",\"choices\":[{\"delta\":{\"content\":\"x\"}}]}",
            "{\"usage\":[],\"choices\":[]}",
            " \t\r\n{ \"model\" : \"m\" , \"usage\" : null , \"choices\" : [ ] } ",
            "{\"model\":\"m\"} trailing",
            "{\"usag\\u0065\":null,\"model\":\"m\"}",
            "{}", "[]", "[1]", "\"s\"", "5", "null", "", "nope",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nulls}", "{\"a\":\"x\\u00\"}",
            "{\"a\":\"\\x\"}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":1", "{\"a\":\"unterminated}",
            "{\"a\":\"tab\there\"}", "{a:1}", "{'a':1}", "{\"a\":NaN}", "{\"a\":1}}",
            "{\"a\":" + "[".repeat(100) + "]".repeat(100) + ",\"model\":\"deep\"}",
            "{\"a\":" + "[".repeat(1100) + "]".repeat(1100) + ",\"model\":\"deeper\"}");

    @Test
    void theHandReadingSaysWhatTheTreeSaid() {
        List<String> all = new ArrayList<>(CHUNKS);
        for (String c : CHUNKS) all.add(c.replace(",", " ,\n ").replace(":", " : "));
        for (String c : all) {
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(scanned(OpenAiChunkScan.read(a, 0, a.length), a)).as(c).isEqualTo(tree(c));
            assertThat(scanned(OpenAiChunkScan.read(a, 0, a.length, "m"), a)).as("the model so far given: " + c).isEqualTo(tree(c));
            assertThat(scanned(OpenAiChunkScan.fromTree(a, 0, a.length), a)).as("the tree's reading of " + c).isEqualTo(tree(c));
        }
    }

    @Test
    void aStreamsRepeatedLeadingMembersAreReadOnceAndTheReadingIsTheSame() {
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";
        List<String> stream = new ArrayList<>(List.of(
                head + "\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}",
                head + "\"choices\":[{\"delta\":{\"content\":\"b\"}}],\"usage\":null}",
                head + "\"model\":\"later\",\"choices\":[{\"finish_reason\":\"stop\"}]}",
                head + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4},\"choices\":[]}",
                head + "\"error\":{\"message\":\"x\"}}",
                head + "\"choices\":[{\"delta\":{\"content\":\"\\u00e9\"}}],\"x\":" + "[".repeat(100) + "]".repeat(100) + "}",
                head.replace("gpt-4o-mini", "other") + "\"choices\":[]}",
                head.replace("gpt-4o-mini", "other") + "\"choices\":[],\"usage\":null}",
                head + "\"choices\":[{\"delta\":{\"content\":\"c\"}}]}",
                head.substring(0, head.length() - 1) + "}",
                head + "\"choices\":[{\"delta\":{\"content\":\"d\"}}],\"usage\":null}",
                "{\"choices\":[],\"id\":\"c\",\"model\":\"m\",\"usage\":null}",
                "{\"choices\":[],\"id\":\"c\",\"model\":\"m\",\"usage\":null}"));
        for (String c : CHUNKS) {
            stream.add(c);
            stream.add(c);
        }
        OpenAiChunkScan.Prefix prefix = new OpenAiChunkScan.Prefix();
        for (String c : stream) {
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(scanned(OpenAiChunkScan.read(a, 0, a.length, "m", prefix), a)).as(c).isEqualTo(tree(c));
        }
        assertThat(prefix.hits).as("chunks read from after the prefix").isGreaterThanOrEqualTo(8);
    }

    @Test
    void aPrefixGivesOnlyTheModelItHolds() {
        // The first chunk names its model after choices: the prefix kept ({"id":"c",) holds none.
        List<String> stream = List.of("{\"id\":\"c\",\"choices\":[],\"model\":\"a\"}", "{\"id\":\"c\",\"choices\":[]}",
                "{\"id\":\"c\",\"choices\":[],\"model\":\"b\"}", "{\"id\":\"c\",\"usage\":null}");
        OpenAiChunkScan.Prefix prefix = new OpenAiChunkScan.Prefix();
        for (String c : stream) {
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(scanned(OpenAiChunkScan.read(a, 0, a.length, null, prefix), a)).as(c).isEqualTo(tree(c));
        }
        assertThat(prefix.hits).as("chunks read from after the prefix").isEqualTo(3);
    }

    @Test
    void openAisChunksAreReadByHand() {
        for (String c : CHUNKS.subList(0, 16)) {
            if (c.contains("1.5") || c.contains("1234567890123456789")) continue; // fractions, longer than a long: Jackson's
            byte[] a = c.getBytes(StandardCharsets.UTF_8);
            assertThat(OpenAiChunkScan.byHand(a, 0, a.length, null)).as(c).isNotNull();
        }
        byte[] deep = CHUNKS.get(CHUNKS.size() - 1).getBytes(StandardCharsets.UTF_8);
        assertThat(OpenAiChunkScan.byHand(deep, 0, deep.length, null)).as("left to the tree").isNull();
    }

    @Test
    void aRangeOfALargerArrayIsReadInPlace() {
        String c = "{\"model\":\"m\",\"usage\":null}";
        byte[] a = ("data: " + c + "\n\n").getBytes(StandardCharsets.UTF_8);
        OpenAiChunkScan s = OpenAiChunkScan.read(a, 6, c.length());
        assertThat(s.model).isEqualTo("m");
        assertThat(new String(a, s.cutFrom, s.cutTo - s.cutFrom, StandardCharsets.UTF_8)).isEqualTo(",\"usage\":null");
    }

    @Test
    void invalidUtf8IsReadAsTheLineDecodingReadIt() {
        byte[] a = "{\"choices\":[{\"delta\":{\"content\":\"a?b\"}}],\"usage\":null}".getBytes(StandardCharsets.UTF_8);
        a[33] = (byte) 0xC3; // a lone lead byte where the '?' was
        String decoded = new String(a, StandardCharsets.UTF_8);
        assertThat(scanned(OpenAiChunkScan.read(a, 0, a.length), a).text()).isEqualTo(tree(decoded).text()).contains("\uFFFD");
    }
}

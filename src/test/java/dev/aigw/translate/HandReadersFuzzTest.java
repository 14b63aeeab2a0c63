package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test, fixed seed: every reading by hand of a JSON payload ({@link JsonBytes} under
 * {@link UsageSkeleton}, {@link OpenAiChunkScan}, {@link AnthropicEvent}, {@link AnthropicIn},
 * {@link GeminiChunk}, {@link ResponsesDelta}) says what Jackson's reading of the same text says,
 * or leaves the text to it. The inputs are the providers' own payloads, mutated: members
 * repeated, dropped, reordered or given values of other types; nested objects with the same
 * names; escapes, surrogate pairs and multi-byte characters in strings; names with escapes;
 * numbers with signs, fractions and exponents; white space of every kind JSON allows; and,
 * for some, a byte inserted, deleted or replaced (mostly malformed then).
 */
class HandReadersFuzzTest {
    private static final int ROUNDS = 6_000;

    /** An object member; objects are member lists so that a name can be given twice. */
    private record Member(String name, Object value) {
    }

    /** A number as written. */
    private record Num(String text) {
    }

    private static final Object NULL = new Object();

    private static final List<String> SAMPLES = List.of(
            // OpenAI chat chunks and answers
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":17,\"total_tokens\":41,\"prompt_tokens_details\":{\"cached_tokens\":3},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":5}}}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}],\"reasoning_content\":\"th\",\"refusal\":null}}],\"model\":\"m\"}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{\"content\":\"\u00e9\uD83D\uDE00\"},"
                    + "\"finish_reason\":\"length\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}",
            "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"},\"usage\":null}",
            // Anthropic events and answers
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],"
                    + "\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"A\"}}",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get\",\"input\":{}}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\u00e9 \\\"q\\\" \\\\ \\n\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}",
            "{\"type\":\"message_stop\"}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
            "{\"id\":\"msg_2\",\"type\":\"message\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                    + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}",
            // Gemini chunks
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":8,"
                    + "\"candidatesTokenCount\":1,\"thoughtsTokenCount\":2,\"cachedContentTokenCount\":1,\"totalTokenCount\":11},\"modelVersion\":\"gemini-2.0-flash\"}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"thought\":true,\"text\":\"t\"},{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}}}]},"
                    + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":8,\"toolUsePromptTokenCount\":3}}",
            "{\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}",
            // Responses events
            "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\","
                    + "\"model\":\"gpt-4.1-mini\",\"output\":[],\"usage\":null}}",
            "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"delta\":\"caf\u00e9\"}",
            "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"model\":\"gpt-4.1-mini-2025\","
                    + "\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":7,"
                    + "\"output_tokens_details\":{\"reasoning_tokens\":3},\"total_tokens\":19}}}");

    /** Names the readers look for, and a few near them. */
    private static final String[] NAMES = {"usage", "usageMetadata", "model", "modelVersion", "stop_reason", "stopReason", "status",
            "choices", "candidates", "finish_reason", "finishReason", "index", "prompt_tokens", "completion_tokens", "total_tokens",
            "prompt_tokens_details", "completion_tokens_details", "cached_tokens", "reasoning_tokens", "input_tokens", "output_tokens",
            "cache_read_input_tokens", "cache_creation_input_tokens", "input_tokens_details", "output_tokens_details", "promptTokenCount",
            "candidatesTokenCount", "totalTokenCount", "thoughtsTokenCount", "error", "delta", "content", "reasoning_content", "refusal",
            "tool_calls", "function", "arguments", "type", "message", "content_block", "text", "thinking", "partial_json", "signature",
            "id", "name", "data", "stop_sequence", "parts", "functionCall", "response", "x", "usag", "Usage", "mod\u00e9l"};
    private static final String[] TEXTS = {"", "a", "stop", "message_start", "content_block_delta", "message_delta", "text_delta",
            "response.completed", "response.output_text.delta", "tool_use", "text", "STOP", "\"", "\\", "/", "\n\r\t\b\f", "\u0000\u001f",
            "caf\u00e9", "\u4f60\u597d", "\uD83D\uDE00", "\uD83D", "\u2028", "\u007f"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "7", "42", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "9223372036854775807", "123456789012345678", "1234567890123456789", "1.5", "1.0", "-2.25", "1e3", "1E+2", "2e-1", "0.0", "1e400"};

    private final Random r = new Random(20261202);
    /** One scan read into round after round, as a stream's chunks are. */
    private final OpenAiChunkScan reused = OpenAiChunkScan.reusable();

    @Test
    void everyHandReadingSaysWhatJacksonSays() {
        int[] byHand = new int[6];
        List<ObjectNode> templates = SAMPLES.stream().map(s -> Json.parseObject(s).orElseThrow()).toList();
        OpenAiChunkScan.Prefix prefix = new OpenAiChunkScan.Prefix();
        for (int round = 0; round < ROUNDS; round++) {
            Object doc = model(templates.get(r.nextInt(templates.size())));
            int mutations = r.nextInt(4);
            for (int m = 0; m < mutations; m++) doc = mutate(doc, 0);
            String text = write(doc);
            byte[] a = text.getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(8) == 0) a = bytewise(a);
            if (r.nextInt(10) == 0) a = java.util.Arrays.copyOf(a, Math.max(0, a.length - 1 - r.nextInt(4))); // cut short
            if (r.nextInt(2) == 0) prefix = new OpenAiChunkScan.Prefix();
            check(a, byHand, prefix);
        }
        // The hand readings did read many of these (the test is not all fallback).
        System.out.println("read by hand of " + ROUNDS + ": " + java.util.Arrays.toString(byHand));
        for (int i = 0; i < byHand.length; i++) assertThat(byHand[i]).as("read by hand, reader " + i).isGreaterThan(ROUNDS / 10);
    }

    /** A stream's chunks, each like the last but a little changed: the prefix a stream reads once is read rightly. */
    @Test
    void aStreamsPrefixReadsEachChunkAsJacksonDoes() {
        List<ObjectNode> openAi = SAMPLES.subList(0, 6).stream().map(s -> Json.parseObject(s).orElseThrow()).toList();
        for (int stream = 0; stream < 300; stream++) {
            OpenAiChunkScan.Prefix prefix = new OpenAiChunkScan.Prefix();
            OpenAiChunkScan reuse = OpenAiChunkScan.reusable();
            Object doc = model(openAi.get(r.nextInt(openAi.size())));
            for (int chunk = 0; chunk < 12; chunk++) {
                Object next = r.nextInt(3) == 0 ? mutateTail(doc) : doc;
                byte[] a = write(next).getBytes(StandardCharsets.UTF_8);
                if (r.nextInt(8) == 0) a = bytewise(a); // a chunk the hand reading may give up on half way
                assertOpenAi(a, prefix, reuse);
                if (r.nextBoolean()) doc = next;
            }
        }
    }

    private void check(byte[] a, int[] byHand, OpenAiChunkScan.Prefix prefix) {
        String decoded = new String(a, StandardCharsets.UTF_8); // as the SSE parser decodes a line
        byte[] normal = decoded.getBytes(StandardCharsets.UTF_8);
        Optional<ObjectNode> tree = Json.parseObject(decoded);
        String at = decoded;

        ObjectNode skeleton = UsageSkeleton.byHand(a);
        if (skeleton != null) {
            byHand[0]++;
            assertThat(skeleton).as("UsageSkeleton of " + at).isEqualTo(UsageSkeleton.parse(normal));
        }

        if (OpenAiChunkScan.byHand(a, 0, a.length, null) != null) byHand[1]++;
        assertOpenAi(a, prefix, reused);

        AnthropicEvent ev = AnthropicEvent.read(a, 0, a.length);
        if (ev != null) {
            byHand[2]++;
            assertThat(tree).as("accepted by hand, so by Jackson: " + at).isPresent();
            assertThat(ev).as("AnthropicEvent of " + at).isEqualTo(AnthropicEvent.of(tree.get()));
        }

        AnthropicIn.Event in = AnthropicIn.read(a, 0, a.length);
        AnthropicIn.Event parsed = AnthropicIn.event(decoded);
        assertThat(in == null ? null : decoderView(in)).as("AnthropicIn of " + at).isEqualTo(parsed == null ? null : decoderView(parsed));
        if (in != null && in != parsed && isPlainOrDelta(in)) byHand[3]++;

        GeminiChunk g = GeminiChunk.read(a, 0, a.length);
        if (g != null) {
            byHand[4]++;
            assertThat(tree).as("accepted by hand, so by Jackson: " + at).isPresent();
            assertThat(g).as("GeminiChunk of " + at).isEqualTo(GeminiChunk.of(tree.get()));
        }

        ResponsesDelta d = ResponsesDelta.read(a, 0, a.length);
        if (d != null) {
            byHand[5]++;
            assertThat(tree).as("accepted by hand, so by Jackson: " + at).isPresent();
            assertThat(d).as("ResponsesDelta of " + at).isEqualTo(ResponsesDelta.of(tree.get()));
        }

        // As a relay reads them: the payload inside the chunk's larger array, and Gemini's model so far given.
        byte[] big = inside(a);
        int off = AROUND.length;
        assertThat(AnthropicEvent.read(big, off, a.length)).as("AnthropicEvent inside an array, of " + at).isEqualTo(ev);
        AnthropicIn.Event in2 = AnthropicIn.read(big, off, a.length);
        assertThat(in2 == null ? null : decoderView(in2)).as("AnthropicIn inside an array, of " + at)
                .isEqualTo(in == null ? null : decoderView(in));
        String sameModel = r.nextBoolean() ? "gemini-2.0-flash" : "mod\u00e9l";
        GeminiChunk g2 = GeminiChunk.read(big, off, a.length, sameModel);
        assertThat(g2).as("GeminiChunk inside an array, its model so far " + sameModel + ", of " + at).isEqualTo(g);
        assertThat(ResponsesDelta.read(big, off, a.length)).as("ResponsesDelta inside an array, of " + at).isEqualTo(d);
    }

    private static final byte[] AROUND = "data: {\"model\":\"x\",".getBytes(StandardCharsets.US_ASCII);

    /** {@code a} inside a larger array, with bytes before and after it that would change a reading that went past its ends. */
    private byte[] inside(byte[] a) {
        String[] tails = {"}", "]}}", "\"}]},\"usage\":{}}\n\n", ",\"model\":\"y\"}", "e}", "0}", " }\n"};
        byte[] tail = tails[r.nextInt(tails.length)].getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[AROUND.length + a.length + tail.length];
        System.arraycopy(AROUND, 0, big, 0, AROUND.length);
        System.arraycopy(a, 0, big, AROUND.length, a.length);
        System.arraycopy(tail, 0, big, AROUND.length + a.length, tail.length);
        return big;
    }

    private static boolean isPlainOrDelta(AnthropicIn.Event e) {
        return e.type != null;
    }

    private static void assertOpenAi(byte[] a, OpenAiChunkScan.Prefix prefix) {
        assertOpenAi(a, prefix, null);
    }

    /** Also read as the identity stream reads a chunk: into its one reused scan, inside a larger array. */
    private static void assertOpenAi(byte[] a, OpenAiChunkScan.Prefix prefix, OpenAiChunkScan reuse) {
        String decoded = new String(a, StandardCharsets.UTF_8);
        var expected = OpenAiChunkScanTest.tree(decoded);
        assertThat(OpenAiChunkScanTest.scanned(OpenAiChunkScan.read(a, 0, a.length), a)).as("OpenAiChunkScan of " + decoded)
                .isEqualTo(expected);
        assertThat(OpenAiChunkScanTest.scanned(OpenAiChunkScan.read(a, 0, a.length, "m", prefix), a))
                .as("OpenAiChunkScan with the stream's prefix, of " + decoded).isEqualTo(expected);
        if (reuse == null) return;
        // The chunk inside a larger array, bytes around it that would change the reading if read.
        byte[] around = ("data: " + decoded.hashCode()).getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[around.length + a.length + 9];
        System.arraycopy(around, 0, big, 0, around.length);
        System.arraycopy(a, 0, big, around.length, a.length);
        String[] tails = {"\"}],:{\"\n\n", "}}}}}}}}}", "]}]}]}]}]", "e}\n\n     ", "0}\n\n     "};
        System.arraycopy(tails[Math.floorMod(decoded.hashCode(), tails.length)].getBytes(StandardCharsets.US_ASCII), 0, big,
                around.length + a.length, 9);
        OpenAiChunkScan s = OpenAiChunkScan.read(big, around.length, a.length, "m", prefix, reuse);
        if (s != null && s.tree == null && s.usageMembers == 1 && s.usageSimple) {
            s.cutFrom -= around.length; // scanned() reads the cut from the chunk's start
            s.cutTo -= around.length;
        }
        assertThat(OpenAiChunkScanTest.scanned(s, a)).as("OpenAiChunkScan reused, inside a larger array, of " + decoded)
                .isEqualTo(expected);
    }

    /** What the Anthropic stream decoder reads of an event, the counts with their presence (they are cumulative). */
    private static String decoderView(AnthropicIn.Event e) {
        JsonNode msg = e.rest("message");
        JsonNode block = e.rest("content_block");
        String[] counts = {"input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens"};
        return String.join("|", String.valueOf(e.type), String.valueOf(e.index), e.deltaType, e.text, e.thinking, e.signature,
                e.partialJson, String.valueOf(e.stopReason), String.valueOf(e.stopSequence),
                String.valueOf(Json.text(msg, "id")), String.valueOf(Json.text(msg, "model")),
                String.valueOf(Counts.of(msg.path("usage").isObject() ? msg.path("usage") : Json.obj(), counts)),
                block.path("type").asText(), String.valueOf(Json.text(block, "id")), block.path("name").asText(),
                block.path("text").asText(""), String.valueOf(Json.text(block, "data")),
                String.valueOf(Counts.of(e.rest("usage").isObject() ? e.rest("usage") : Json.obj(), counts)));
    }

    // ---------------------------------------------------------------- the documents

    private static Object model(JsonNode n) {
        if (n.isObject()) {
            List<Member> m = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                m.add(new Member(e.getKey(), model(e.getValue())));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(model(x)));
            return l.toArray();
        }
        if (n.isTextual()) return n.asText();
        if (n.isNumber()) return new Num(n.toString());
        if (n.isBoolean()) return n.asBoolean();
        return NULL;
    }

    /** One change somewhere in the document. */
    @SuppressWarnings("unchecked")
    private Object mutate(Object v, int depth) {
        if (v instanceof List<?> l && !l.isEmpty() && r.nextInt(4) != 0) {
            List<Member> m = new ArrayList<>((List<Member>) l);
            int i = r.nextInt(m.size());
            switch (r.nextInt(8)) {
                case 0 -> m.add(r.nextInt(m.size() + 1), new Member(m.get(i).name(), randomValue(depth + 1))); // given twice
                case 1 -> m.remove(i);
                case 2 -> java.util.Collections.shuffle(m, r);
                case 3 -> m.set(i, new Member(m.get(i).name(), randomValue(depth + 1))); // another type
                case 4 -> m.add(r.nextInt(m.size() + 1), new Member(NAMES[r.nextInt(NAMES.length)], randomValue(depth + 1)));
                case 5 -> m.set(i, new Member(m.get(i).name(), new Object[] {m.get(i).value()})); // wrapped in an array
                case 6 -> m.set(i, new Member(m.get(i).name(), List.of(new Member(m.get(i).name(), m.get(i).value())))); // nested, same name
                default -> m.set(i, new Member(m.get(i).name(), mutate(m.get(i).value(), depth + 1)));
            }
            return m;
        }
        if (v instanceof Object[] arr && arr.length > 0 && r.nextInt(4) != 0) {
            if (r.nextInt(5) == 0) {
                // An array as an object of its elements (a tree iterates an object's values too).
                List<Member> m = new ArrayList<>();
                for (int i = 0; i < arr.length; i++) m.add(new Member(Integer.toString(i), arr[i]));
                return m;
            }
            Object[] c = arr.clone();
            int i = r.nextInt(c.length);
            c[i] = r.nextBoolean() ? mutate(c[i], depth + 1) : randomValue(depth + 1);
            return c;
        }
        return r.nextInt(3) == 0 ? v : randomValue(depth);
    }

    /** The same document with its last members changed (a stream's later chunk). */
    @SuppressWarnings("unchecked")
    private Object mutateTail(Object doc) {
        if (!(doc instanceof List<?> l) || l.isEmpty()) return mutate(doc, 0);
        List<Member> m = new ArrayList<>((List<Member>) l);
        int from = m.size() / 2;
        int i = from + r.nextInt(m.size() - from);
        m.set(i, new Member(m.get(i).name(), r.nextBoolean() ? mutate(m.get(i).value(), 1) : randomValue(1)));
        return m;
    }

    private Object randomValue(int depth) {
        int k = r.nextInt(depth > 3 ? 5 : 8);
        return switch (k) {
            case 0 -> TEXTS[r.nextInt(TEXTS.length)];
            case 1 -> new Num(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 2 -> NULL;
            case 3 -> r.nextBoolean();
            case 4 -> r.nextBoolean() ? List.of() : new Object[0];
            case 5, 6 -> {
                List<Member> m = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) m.add(new Member(NAMES[r.nextInt(NAMES.length)], randomValue(depth + 1)));
                yield m;
            }
            default -> {
                Object[] a = new Object[r.nextInt(3)];
                for (int i = 0; i < a.length; i++) a[i] = randomValue(depth + 1);
                yield a;
            }
        };
    }

    private String write(Object v) {
        StringBuilder sb = new StringBuilder();
        ws(sb);
        write(v, sb);
        ws(sb);
        return sb.toString();
    }

    private void ws(StringBuilder sb) {
        if (r.nextInt(6) != 0) return;
        String[] w = {" ", "\t", "\n", "\r\n", "  "};
        sb.append(w[r.nextInt(w.length)]);
    }

    @SuppressWarnings("unchecked")
    private void write(Object v, StringBuilder sb) {
        if (v == NULL) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Num n) {
            sb.append(n.text());
        } else if (v instanceof String s) {
            string(s, sb, false);
        } else if (v instanceof Object[] arr) {
            sb.append('[');
            ws(sb);
            for (int i = 0; i < arr.length; i++) {
                if (i > 0) {
                    ws(sb);
                    sb.append(',');
                    ws(sb);
                }
                write(arr[i], sb);
            }
            ws(sb);
            sb.append(']');
        } else {
            List<Member> m = (List<Member>) v;
            sb.append('{');
            ws(sb);
            for (int i = 0; i < m.size(); i++) {
                if (i > 0) {
                    ws(sb);
                    sb.append(',');
                    ws(sb);
                }
                string(m.get(i).name(), sb, true);
                ws(sb);
                sb.append(':');
                ws(sb);
                write(m.get(i).value(), sb);
            }
            ws(sb);
            sb.append('}');
        }
    }

    private void string(String s, StringBuilder sb, boolean name) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escapeAnyway = r.nextInt(name ? 60 : 12) == 0;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append(r.nextBoolean() ? "\\n" : "\\u000a");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '/' -> sb.append(r.nextBoolean() ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || escapeAnyway) sb.append(String.format(r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** A byte inserted, deleted or replaced. */
    private byte[] bytewise(byte[] a) {
        if (a.length == 0) return a;
        byte[] pool = "{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n\u0001".getBytes(StandardCharsets.ISO_8859_1);
        int i = r.nextInt(a.length);
        byte b = pool[r.nextInt(pool.length)];
        return switch (r.nextInt(3)) {
            case 0 -> {
                byte[] c = new byte[a.length + 1];
                System.arraycopy(a, 0, c, 0, i);
                c[i] = b;
                System.arraycopy(a, i, c, i + 1, a.length - i);
                yield c;
            }
            case 1 -> {
                byte[] c = new byte[a.length - 1];
                System.arraycopy(a, 0, c, 0, i);
                System.arraycopy(a, i + 1, c, i, a.length - i - 1);
                yield c;
            }
            default -> {
                byte[] c = a.clone();
                c[i] = b;
                yield c;
            }
        };
    }
}

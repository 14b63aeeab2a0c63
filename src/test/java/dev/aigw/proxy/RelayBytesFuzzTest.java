package dev.aigw.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Identity;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseBytesTranslator;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.SseParser;
import dev.aigw.translate.SseSplitter;
import dev.aigw.translate.StreamTranslator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test, fixed seed: an identity stream relayed in bytes mode, as {@link StreamRelay}
 * does it (the {@link SseSplitter}'s blocks read in place, the kept ranges of each upstream chunk
 * compacted inside the chunk's own array by {@link ChunkOut}), gives the client the events, and
 * the accounting, that the event reading of the same stream gives ({@link SseParser}, then the
 * translator's {@code onEvent}), however the stream is cut into chunks. Streams of OpenAI chunks
 * with {@code "usage":null}, usage chunks, usage members in the middle or given twice or of
 * another type, names with escapes (read from the tree and re-written), errors, {@code [DONE]},
 * comments, named and multi-line events, ids, all three line ends, a byte-order mark and a
 * missing last blank line; with the client's usage hidden or not.
 */
class RelayBytesFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Random r = new Random(20261203);

    private static final String HEAD = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\"";
    private static final String[] TEXTS = {"Hel", "lo", "", "caf\u00e9", "\u4f60\u597d", "\uD83D\uDE00", "a\\\"q\\\"", "\\n\\u00e9", "x y z"};

    private String chunk() {
        String text = TEXTS[r.nextInt(TEXTS.length)];
        String choice = "{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}";
        String usage = "{\"prompt_tokens\":" + r.nextInt(50) + ",\"completion_tokens\":" + r.nextInt(50)
                + ",\"total_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":" + r.nextInt(5) + "}}";
        return switch (r.nextInt(14)) {
            case 0, 1, 2, 3 -> "{" + HEAD + ",\"choices\":[" + choice + "],\"usage\":null}";
            case 4 -> "{" + HEAD + ",\"choices\":[" + choice + "]}";
            case 5 -> "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}";
            case 6 -> "{" + HEAD + ",\"choices\":[],\"usage\":" + usage + "}";
            case 7 -> "{\"usage\":null," + HEAD + ",\"choices\":[" + choice + "]}";
            case 8 -> "{" + HEAD + ",\"usage\":null,\"choices\":[" + choice + "],\"usage\":null}";
            case 9 -> "{" + HEAD + ",\"choices\":[" + choice + "],\"usage\":7}";
            case 10 -> "{\"i\\u0064\":\"c\"," + HEAD + ",\"choices\":[" + choice + "],\"usage\":null}";
            case 11 -> "{ " + HEAD.replace(",", " , ") + " , \"choices\" : [ " + choice + " ] , \"usage\" : null }";
            case 12 -> "{" + HEAD + ",\"choices\":[" + choice + "],\"usage\":" + usage + "}";
            default -> "{\"error\":{\"message\":\"boom\"}}";
        };
    }

    private String stream() {
        String[] ends = {"\n", "\r\n", "\r"};
        String end = ends[r.nextInt(ends.length)];
        boolean mixed = r.nextInt(4) == 0;
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(10) == 0) sb.append('\uFEFF');
        int events = 1 + r.nextInt(12);
        for (int i = 0; i < events; i++) {
            String e = mixed ? ends[r.nextInt(ends.length)] : end;
            switch (r.nextInt(16)) {
                case 0 -> sb.append(": keep-alive").append(e);
                case 1 -> sb.append("event: message").append(e).append("data: ").append(chunk()).append(e);
                case 2 -> sb.append("id: ").append(i).append(e).append("data: ").append(chunk()).append(e);
                case 3 -> sb.append("data: {\"choices\":[],").append(e).append("data: \"usage\":null}").append(e);
                case 4 -> sb.append("data:").append(chunk()).append(e);
                case 5 -> sb.append("data: not json").append(e);
                default -> sb.append("data: ").append(chunk()).append(e);
            }
            sb.append(e);
        }
        if (r.nextBoolean()) sb.append("data: [DONE]").append(end).append(r.nextInt(4) == 0 ? "" : end);
        return sb.toString();
    }

    private static StreamTranslator translator(boolean hideUsage) {
        ObjectNode body = JSON.createObjectNode().put("model", "m").put("stream", true);
        if (!hideUsage) body.putObject("stream_options").put("include_usage", true);
        Identity id = new Identity(Schema.OPENAI_CHAT);
        id.request(body, RequestContext.defaults());
        return id.stream();
    }

    /** What the client's parser reads of {@code bytes}. */
    private static List<SseEvent> parse(byte[] bytes) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>(p.feed(bytes, 0, bytes.length));
        out.addAll(p.finish());
        return out;
    }

    /** The accounting a stream's translator reached: usage, model, finish, completed, text. */
    private static String accounting(StreamTranslator st) {
        return st.usage() + "|" + st.model() + "|" + st.finishReason() + "|" + st.completed() + "|" + st.streamedText().text();
    }

    @Test
    void bytesModeInPlaceGivesTheClientWhatTheEventReadingGives() {
        for (int round = 0; round < 3_000; round++) {
            String s = stream();
            byte[] in = s.getBytes(StandardCharsets.UTF_8);
            boolean hide = r.nextBoolean();

            // The event reading: parsed, translated event by event, written as events.
            StreamTranslator events = translator(hide);
            List<SseEvent> expected = new ArrayList<>();
            for (SseEvent e : parse(in)) expected.addAll(events.onEvent(e));
            expected.addAll(events.onEnd());

            // Bytes mode, as the relay runs it: each chunk a heap buffer of its own (as Vert.x hands them over).
            SseBytesTranslator bytes = (SseBytesTranslator) translator(hide);
            assertThat(bytes.writesInOrder()).isTrue();
            SseSplitter splitter = new SseSplitter();
            ChunkOut out = new ChunkOut();
            ByteArrayOutputStream client = new ByteArrayOutputStream();
            int[] cuts = r.ints(r.nextInt(8), 0, in.length + 1).sorted().toArray();
            int prev = 0;
            for (int k = 0; k <= cuts.length; k++) {
                int c = k < cuts.length ? cuts[k] : in.length;
                int len = c - prev;
                int lead = r.nextInt(3);
                byte[] arr = new byte[lead + len + r.nextInt(3)];
                java.util.Arrays.fill(arr, (byte) '#');
                System.arraycopy(in, prev, arr, lead, len);
                Buffer chunk = BufferInternal.buffer(Unpooled.wrappedBuffer(arr, lead, len));
                ByteBuf bb = ((BufferInternal) chunk).getByteBuf();
                byte[] a = bb.array();
                int off = bb.arrayOffset() + bb.readerIndex();
                out.expect(len);
                out.inPlace(bb, a, off);
                splitter.feed(a, off, len, b -> bytes.onBlock(b, out));
                Buffer w = out.take(chunk, a, off, len);
                if (w != null) client.writeBytes(w.getBytes());
                prev = c;
            }
            splitter.finish(b -> bytes.onBlock(b, out));
            Buffer tail = out.take(null, null, 0, 0);
            if (tail != null) client.writeBytes(tail.getBytes());
            for (SseEvent e : bytes.onEnd()) client.writeBytes(e.bytes());

            String at = (hide ? "usage hidden: " : "usage shown: ") + s.replace("\r", "\\r").replace("\n", "\\n\n")
                    + " cut at " + java.util.Arrays.toString(cuts);
            assertThat(parse(client.toByteArray())).as(at).isEqualTo(expected);
            assertThat(accounting(bytes)).as(at).isEqualTo(accounting(events));
        }
    }
}

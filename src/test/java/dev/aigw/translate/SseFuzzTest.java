package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test, fixed seed: the splitter's events ({@link SseParser}) are those of a plain
 * reading of the WHATWG rules over the whole stream, however the stream is cut into chunks (a
 * CRLF or a UTF-8 sequence split between two); and the blocks carry every byte, in order.
 * Streams mix LF, CR and CRLF line ends, comments, {@code event:}, {@code id:} and unknown
 * fields, multi-line and empty {@code data:}, fields without a colon or space, a byte-order
 * mark, and a missing last line end or blank line.
 */
class SseFuzzTest {
    private final Random r = new Random(1202);

    private static final String[] PAYLOADS = {"{\"a\":1}", "[DONE]", "", " leading space", "x:y: z", "caf\u00e9", "\u4f60\u597d",
            "\uD83D\uDE00 grin", "tab\there", "data: inside", ":not a comment", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"};
    private static final String[] ENDS = {"\n", "\r", "\r\n"};

    private String stream() {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(10) == 0) sb.append('\uFEFF');
        int blocks = 1 + r.nextInt(6);
        for (int b = 0; b < blocks; b++) {
            int lines = r.nextInt(5);
            for (int l = 0; l < lines; l++) {
                String p = PAYLOADS[r.nextInt(PAYLOADS.length)];
                String line = switch (r.nextInt(12)) {
                    case 0, 1, 2, 3 -> "data: " + p;
                    case 4 -> "data:" + p;
                    case 5 -> "data";
                    case 6 -> "event: " + (r.nextBoolean() ? "message_delta" : "caf\u00e9");
                    case 7 -> "id: " + (r.nextBoolean() ? "7" : "a\u0000b");
                    case 8 -> ": keep-alive " + p;
                    case 9 -> r.nextBoolean() ? "retry: 10" : "data : not data";
                    case 10 -> "event";
                    default -> "x-unknown: " + p;
                };
                sb.append(line).append(ENDS[r.nextInt(ENDS.length)]);
            }
            if (b < blocks - 1 || r.nextInt(4) != 0) sb.append(ENDS[r.nextInt(ENDS.length)]);
        }
        if (r.nextInt(6) == 0) sb.append("data: unterminated ").append(PAYLOADS[r.nextInt(PAYLOADS.length)]);
        return sb.toString();
    }

    /** The WHATWG reading over the whole text (events dispatched at a blank line, and the last one at the end). */
    private static List<SseEvent> reference(String s) {
        if (s.startsWith("\uFEFF")) s = s.substring(1);
        List<SseEvent> out = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        int dataLines = 0;
        String event = null;
        String id = null;
        int i = 0;
        int n = s.length();
        boolean lastLineEnded = true;
        while (i < n) {
            int e = i;
            while (e < n && s.charAt(e) != '\n' && s.charAt(e) != '\r') e++;
            String line = s.substring(i, e);
            lastLineEnded = e < n;
            if (e < n && s.charAt(e) == '\r' && e + 1 < n && s.charAt(e + 1) == '\n') e++;
            i = e + 1;
            if (line.isEmpty()) {
                if (lastLineEnded) {
                    if (dataLines > 0) out.add(event(data, event, id));
                    data.setLength(0);
                    dataLines = 0;
                    event = null;
                    id = null;
                }
                continue;
            }
            if (line.charAt(0) == ':') continue;
            int c = line.indexOf(':');
            String field = c < 0 ? line : line.substring(0, c);
            String value = c < 0 ? "" : line.substring(c + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "data" -> {
                    data.append(value).append('\n');
                    dataLines++;
                }
                case "event" -> event = value;
                case "id" -> {
                    if (value.indexOf('\0') < 0) id = value;
                }
                default -> {
                }
            }
        }
        if (dataLines > 0) out.add(event(data, event, id));
        return out;
    }

    private static SseEvent event(StringBuilder data, String event, String id) {
        return new SseEvent(Optional.ofNullable(event), data.substring(0, data.length() - 1), Optional.ofNullable(id));
    }

    @Test
    void theSplittersEventsAreTheSpecsWhateverTheCuts() {
        for (int round = 0; round < 3_000; round++) {
            String s = stream();
            byte[] in = s.getBytes(StandardCharsets.UTF_8);
            List<SseEvent> expected = reference(s);
            int[] cuts = r.nextInt(10) == 0 ? every(in.length) : r.ints(r.nextInt(6), 0, in.length + 1).sorted().toArray();
            SseParser p = new SseParser();
            List<SseEvent> got = new ArrayList<>();
            SseSplitter splitter = new SseSplitter();
            ByteArrayOutputStream blocks = new ByteArrayOutputStream();
            int prev = 0;
            for (int c : cuts) {
                got.addAll(p.feed(in, prev, c - prev));
                splitter.feed(in, prev, c - prev, b -> blocks.write(b.bytes(), b.start(), b.end() - b.start()));
                prev = c;
            }
            got.addAll(p.feed(in, prev, in.length - prev));
            splitter.feed(in, prev, in.length - prev, b -> blocks.write(b.bytes(), b.start(), b.end() - b.start()));
            got.addAll(p.finish());
            splitter.finish(b -> blocks.write(b.bytes(), b.start(), b.end() - b.start()));
            String at = s.replace("\r", "\\r").replace("\n", "\\n\n") + " cut at " + java.util.Arrays.toString(cuts);
            assertThat(got).as(at).isEqualTo(expected);
            // Every byte, in order; the end adds at most the blank line a last block lacked.
            byte[] all = blocks.toByteArray();
            assertThat(new String(all, 0, Math.min(all.length, in.length), StandardCharsets.UTF_8)).as(at).isEqualTo(s);
            assertThat(all.length - in.length).as(at).isBetween(0, 2);
        }
    }

    private static int[] every(int n) {
        int[] c = new int[Math.max(0, n - 1)];
        for (int i = 0; i < c.length; i++) c[i] = i + 1;
        return c;
    }
}

package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<SseEvent> parseWhole(String s) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>(p.feed(utf8(s)));
        out.addAll(p.finish());
        return out;
    }

    private static List<SseEvent> parseByteByByte(byte[] bytes) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (byte b : bytes) {
            out.addAll(p.feed(new byte[] {b}));
        }
        out.addAll(p.finish());
        return out;
    }

    @Test
    void lfLineEndings() {
        assertThat(parseWhole("event: a\ndata: 1\n\nevent: b\ndata: 2\n\n"))
                .containsExactly(SseEvent.of("a", "1"), SseEvent.of("b", "2"));
    }

    @Test
    void crlfAndCrLineEndings() {
        assertThat(parseWhole("data: 1\r\n\r\ndata: 2\r\rdata: 3\n\n"))
                .containsExactly(SseEvent.data("1"), SseEvent.data("2"), SseEvent.data("3"));
    }

    @Test
    void crlfSplitAcrossChunksIsOneLineEnd() {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>(p.feed(utf8("data: 1\r")));
        out.addAll(p.feed(utf8("\n\r")));
        out.addAll(p.feed(utf8("\ndata: 2\r\n\r\n")));
        assertThat(out).containsExactly(SseEvent.data("1"), SseEvent.data("2"));
    }

    @Test
    void commentsAreIgnored() {
        assertThat(parseWhole(": keep-alive\n\n:another\ndata: x\n: mid\n\n"))
                .containsExactly(SseEvent.data("x"));
    }

    @Test
    void multiLineDataJoinsWithNewline() {
        assertThat(parseWhole("data: line1\ndata:line2\ndata\n\n"))
                .containsExactly(SseEvent.data("line1\nline2\n"));
    }

    @Test
    void onlyOneLeadingSpaceIsStripped() {
        assertThat(parseWhole("data:  two\n\n")).containsExactly(SseEvent.data(" two"));
    }

    @Test
    void idAndUnknownFields() {
        assertThat(parseWhole("id: 7\nretry: 10\nfoo: bar\nevent: e\ndata: d\n\n"))
                .containsExactly(new SseEvent(Optional.of("e"), "d", Optional.of("7")));
    }

    @Test
    void eventWithoutDataIsNotDispatched() {
        assertThat(parseWhole("event: ping\n\ndata: x\n\n")).containsExactly(SseEvent.data("x"));
    }

    @Test
    void emptyDataFieldDispatchesEmptyPayload() {
        assertThat(parseWhole("data:\n\n")).containsExactly(SseEvent.data(""));
    }

    @Test
    void splitAtEveryByteGivesSameEvents() {
        String stream = "event: message_start\r\ndata: {\"a\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}\r\n\r\n"
                + ": c\n\nevent: x\rdata: 1\rdata: 2\r\r";
        List<SseEvent> whole = parseWhole(stream);
        assertThat(whole).hasSize(2);
        assertThat(parseByteByByte(utf8(stream))).isEqualTo(whole);
        for (int cut = 0; cut <= utf8(stream).length; cut++) {
            byte[] all = utf8(stream);
            SseParser p = new SseParser();
            List<SseEvent> out = new ArrayList<>(p.feed(all, 0, cut));
            out.addAll(p.feed(all, cut, all.length - cut));
            out.addAll(p.finish());
            assertThat(out).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void utf8SplitInsideCodePoint() {
        byte[] emoji = utf8("data: \ud83d\ude00\n\n");
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>(p.feed(emoji, 0, 8)); // "data: " + 2 of 4 emoji bytes
        assertThat(out).isEmpty();
        out.addAll(p.feed(emoji, 8, emoji.length - 8));
        assertThat(out).containsExactly(SseEvent.data("\ud83d\ude00"));
    }

    @Test
    void finishDispatchesEventMissingItsBlankLine() {
        SseParser p = new SseParser();
        assertThat(p.feed(utf8("data: [DONE]"))).isEmpty();
        assertThat(p.finish()).containsExactly(SseEvent.done());
    }

    @Test
    void byteOrderMarkIsSkipped() {
        assertThat(parseWhole("\uFEFFdata: x\n\n")).containsExactly(SseEvent.data("x"));
    }

    @Test
    void aBlankLineRightAfterTheByteOrderMarkEndsNoEventAndLosesNone() {
        for (String end : List.of("\n", "\r", "\r\n")) {
            String s = "\uFEFF" + end + "data: x" + end + end + "data: y" + end + end;
            assertThat(parseWhole(s)).as(s).containsExactly(SseEvent.data("x"), SseEvent.data("y"));
            assertThat(parseByteByByte(utf8(s))).as(s).containsExactly(SseEvent.data("x"), SseEvent.data("y"));
        }
    }

    @Test
    void oversizedEventFails() {
        // The bound counts a block as sent: its line ends and the closing blank line too (the splitter's count).
        SseParser p = new SseParser(18);
        assertThat(p.feed(utf8("data: 0123456789\n\n"))).hasSize(1); // exactly 18 bytes is fine
        assertThatThrownBy(() -> p.feed(utf8("data: 0123\ndata: 4567"))).as("19 bytes before the blank line")
                .isInstanceOf(SseException.class).hasMessageContaining("18 bytes");
        assertThatThrownBy(() -> p.feed(utf8("\n\n"))).isInstanceOf(SseException.class);
        assertThat(p.finish()).as("nothing after a failure").isEmpty();
    }

    @Test
    void theBoundIsTheSameWholeByteByByteAndAtEveryCut() {
        for (String block : List.of("data: 0123456789\n\n", "data: 01234567\r\n\r\n", ": c\rdata: 0123456\n\n", "\uFEFFdata: 0123456\n\n")) {
            byte[] in = utf8(block);
            for (int max : new int[] {in.length, in.length - 1}) {
                boolean fits = max == in.length;
                for (int cut = 0; cut <= in.length; cut++) {
                    SseParser p = new SseParser(max);
                    int k = cut;
                    // The LF of a closing CRLF in the next chunk counts in the next block: this one is a byte shorter.
                    if (fits || block.endsWith("\r\n") && k == in.length - 1) {
                        List<SseEvent> events = new ArrayList<>(p.feed(in, 0, k));
                        events.addAll(p.feed(in, k, in.length - k));
                        assertThat(events).as(block + " in " + max + " bytes, cut at " + k).hasSize(1);
                    } else {
                        assertThatThrownBy(() -> {
                            p.feed(in, 0, k);
                            p.feed(in, k, in.length - k);
                        }).as(block + " over " + max + " bytes, cut at " + k).isInstanceOf(SseException.class);
                    }
                }
                SseParser bytewise = new SseParser(max);
                if (fits) {
                    List<SseEvent> events = new ArrayList<>();
                    for (int i = 0; i < in.length; i++) events.addAll(bytewise.feed(in, i, 1));
                    assertThat(events).as(block + " byte by byte").hasSize(1);
                } else if (!block.endsWith("\r\n")) { // byte by byte, a closing CRLF is split (above)
                    assertThatThrownBy(() -> {
                        for (int i = 0; i < in.length; i++) bytewise.feed(in, i, 1);
                    }).as(block + " byte by byte over the bound").isInstanceOf(SseException.class);
                }
                // The splitter holds the same bound: the parser is its decoding.
                SseSplitter s = new SseSplitter(max);
                if (fits) s.feed(in, 0, in.length, b -> { });
                else assertThatThrownBy(() -> s.feed(in, 0, in.length, b -> { })).isInstanceOf(SseException.class);
            }
        }
    }

    @Test
    void sizeBoundResetsPerEvent() {
        SseParser p = new SseParser(12);
        for (int i = 0; i < 100; i++) {
            assertThat(p.feed(utf8("data: 1234\n\n"))).hasSize(1);
        }
    }

    @Test
    void encodeRoundTrips() {
        List<SseEvent> events = List.of(SseEvent.of("message_start", "{\"x\":1}"), SseEvent.data("a\nb"),
                new SseEvent(Optional.of("e"), "", Optional.of("id-1")), SseEvent.done());
        String wire = SseWriter.encodeToString(events);
        assertThat(wire).startsWith("event: message_start\ndata: {\"x\":1}\n\ndata: a\ndata: b\n\n");
        assertThat(parseWhole(wire)).isEqualTo(events);
    }
}

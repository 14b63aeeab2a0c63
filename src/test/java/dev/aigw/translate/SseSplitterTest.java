package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The splitter's blocks carry a stream's events and every one of its bytes, however the bytes are cut; {@link SseParser} decodes them. */
class SseSplitterTest {

    /** A stream and the events it carries (what the WHATWG interpretation dispatches, and finish() the last). */
    record Case(String stream, List<SseEvent> events) {
    }

    private static final List<Case> STREAMS = List.of(
            new Case("data: a\n\ndata: b\n\n", List.of(SseEvent.data("a"), SseEvent.data("b"))),
            new Case("data: a\r\n\r\ndata: b\r\n\r\n", List.of(SseEvent.data("a"), SseEvent.data("b"))),
            new Case("data: a\r\rdata: b\r\r", List.of(SseEvent.data("a"), SseEvent.data("b"))),
            new Case("data: a\n\rdata: b\r\n\n", List.of(SseEvent.data("a"), SseEvent.data("b"))),
            new Case(": keep-alive\n\ndata: {\"x\":1}\n\n: comment only\n\n", List.of(SseEvent.data("{\"x\":1}"))),
            new Case("event: message_start\ndata: {\"type\":\"message_start\"}\nid: 7\n\nevent: ping\n\ndata:x\n\n",
                    List.of(new SseEvent(Optional.of("message_start"), "{\"type\":\"message_start\"}", Optional.of("7")), SseEvent.data("x"))),
            new Case("data: line one\ndata: line two\ndata\n\n", List.of(SseEvent.data("line one\nline two\n"))),
            new Case("\uFEFFdata: bom first\n\ndata: \uFEFFnot a bom\n\n", List.of(SseEvent.data("bom first"), SseEvent.data("\uFEFFnot a bom"))),
            new Case("id: a\0b\ndata: nul id ignored\n\nretry: 10\nunknown: y\ndata:  two spaces\n\n",
                    List.of(SseEvent.data("nul id ignored"), SseEvent.data(" two spaces"))),
            new Case("data: caf\u00e9 \u4f60\u597d \uD83D\uDE00\n\n\n\ndata: after blank lines\n\n",
                    List.of(SseEvent.data("caf\u00e9 \u4f60\u597d \uD83D\uDE00"), SseEvent.data("after blank lines"))),
            new Case("data: [DONE]\n\n", List.of(SseEvent.done())),
            // Names repeated and more of them than the splitter remembers; a block of more lines than it notes as it scans.
            new Case("event: a\ndata: 1\n\nevent: bb\ndata: 2\n\nevent: a\ndata: 3\n\nevent: c\n: note\nid: 9\ndata: 4\ndata: 5\n\n"
                    + "event: d\r\ndata: 6\r\n\r\nevent: e\rdata: 7\r\revent: a\ndata: 8\n\nevent: ab\ndata: 9\n\n",
                    List.of(named("a", "1"), named("bb", "2"), named("a", "3"), new SseEvent(Optional.of("c"), "4\n5", Optional.of("9")),
                            named("d", "6"), named("e", "7"), named("a", "8"), named("ab", "9"))),
            new Case("data: a\n\ndata: no blank line at the end", List.of(SseEvent.data("a"), SseEvent.data("no blank line at the end"))));

    private static SseEvent named(String event, String data) {
        return new SseEvent(Optional.of(event), data, Optional.empty());
    }

    record Seen(String bytes, SseEvent event) {
    }

    private static List<Seen> split(byte[] in, List<int[]> cuts, boolean finish) {
        SseSplitter s = new SseSplitter();
        List<Seen> out = new ArrayList<>();
        SseSplitter.Sink sink = b -> out.add(new Seen(new String(b.copy(), StandardCharsets.UTF_8), b.isEvent() ? b.toEvent() : null));
        for (int[] c : cuts) s.feed(in, c[0], c[1] - c[0], sink);
        if (finish) s.finish(sink);
        return out;
    }

    private static List<SseEvent> events(List<Seen> seen) {
        return seen.stream().map(Seen::event).filter(e -> e != null).toList();
    }

    private static List<int[]> whole(byte[] in) {
        return List.<int[]>of(new int[] {0, in.length});
    }

    private static List<int[]> byByte(byte[] in) {
        List<int[]> cuts = new ArrayList<>();
        for (int i = 0; i < in.length; i++) cuts.add(new int[] {i, i + 1});
        return cuts;
    }

    private static List<int[]> at(byte[] in, int k) {
        return List.of(new int[] {0, k}, new int[] {k, in.length});
    }

    private static List<SseEvent> parsed(byte[] in) {
        SseParser p = new SseParser();
        List<SseEvent> events = new ArrayList<>(p.feed(in));
        events.addAll(p.finish());
        return events;
    }

    @Test
    void blocksCarryTheStreamsEventsAndEveryByteWhateverTheCuts() {
        for (Case c : STREAMS) {
            String stream = c.stream();
            byte[] in = stream.getBytes(StandardCharsets.UTF_8);
            List<Seen> ref = split(in, whole(in), true);
            assertThat(events(ref)).as(stream).isEqualTo(c.events());
            assertThat(parsed(in)).as("the parser decodes the same blocks: " + stream).isEqualTo(c.events());
            // Every byte handed over, once (finish() completes a last block with its blank line).
            String end = stream.endsWith("\n") || stream.endsWith("\r") ? "" : "\n\n";
            assertThat(String.join("", ref.stream().map(Seen::bytes).toList())).as("no byte lost or added").isEqualTo(stream + end);
            List<Seen> bytewise = split(in, byByte(in), true);
            assertThat(events(bytewise)).as(stream + " byte by byte")
                    .isEqualTo(events(ref));
            assertThat(String.join("", bytewise.stream().map(Seen::bytes).toList())).isEqualTo(stream + end);
            for (int k = 0; k <= in.length; k++) {
                List<Seen> two = split(in, at(in, k), true);
                assertThat(events(two)).as(stream + " cut at " + k)
                        .isEqualTo(events(ref));
                assertThat(String.join("", two.stream().map(Seen::bytes).toList())).isEqualTo(stream + end);
            }
        }
    }

    @Test
    void theCommonEventsPayloadIsARangeOfTheChunk() {
        byte[] in = "event: e\ndata: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8);
        List<SseBlock> blocks = new ArrayList<>();
        new SseSplitter().feed(in, 0, in.length, blocks::add);
        SseBlock b = blocks.get(0);
        assertThat(b.bytes()).as("no copy").isSameAs(in);
        assertThat(b.singleData()).isTrue();
        assertThat(new String(in, b.dataStart(), b.dataEnd() - b.dataStart(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(b.event()).isEqualTo("e");
    }

    @Test
    void aLastBlockWithoutItsBlankLineIsCompleted() {
        byte[] in = "data: a\n\ndata: last".getBytes(StandardCharsets.UTF_8);
        List<Seen> seen = split(in, whole(in), true);
        assertThat(seen).extracting(Seen::bytes).containsExactly("data: a\n\n", "data: last\n\n");
        byte[] ended = "data: a\n\ndata: last\n".getBytes(StandardCharsets.UTF_8);
        assertThat(split(ended, whole(ended), true)).extracting(Seen::bytes).containsExactly("data: a\n\n", "data: last\n\n");
        byte[] comment = "data: a\n\n: only a comment".getBytes(StandardCharsets.UTF_8);
        assertThat(split(comment, whole(comment), true)).as("handed over, not an event").extracting(Seen::event)
                .containsExactly(SseEvent.data("a"), null);
        assertThat(split(in, whole(in), false)).as("nothing before the end").extracting(Seen::bytes).containsExactly("data: a\n\n");
    }

    @Test
    void anEventOverTheBoundFailsInOneChunkOrAcrossMany() {
        byte[] big = ("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new SseSplitter(64).feed(big, 0, big.length, b -> { }))
                .isInstanceOf(SseException.class).hasMessageContaining("exceeds 64 bytes");
        SseSplitter s = new SseSplitter(64);
        assertThatThrownBy(() -> {
            for (int i = 0; i < big.length; i += 10) s.feed(big, i, Math.min(10, big.length - i), b -> { });
        }).isInstanceOf(SseException.class);
        assertThatThrownBy(() -> s.feed(big, 0, 1, b -> { })).hasMessageContaining("already failed");
    }

    @Test
    void aCrlfSplitAfterTheBlankLinesCrStaysOutOfTheNextEvent() {
        byte[] in = "data: a\r\n\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        int cr = "data: a\r\n\r".length();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<SseEvent> events = new ArrayList<>();
        SseSplitter s = new SseSplitter();
        SseSplitter.Sink sink = b -> {
            all.write(b.bytes(), b.start(), b.end() - b.start());
            if (b.isEvent()) events.add(b.toEvent());
        };
        s.feed(in, 0, cr, sink);
        s.feed(in, cr, in.length - cr, sink);
        assertThat(events).containsExactly(SseEvent.data("a"), SseEvent.data("b"));
        assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo(new String(in, StandardCharsets.UTF_8));
    }
}

package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The splitter's blocks carry exactly the events {@link SseParser} dispatches, however the bytes are cut. */
class SseSplitterTest {

    private static final List<String> STREAMS = List.of(
            "data: a\n\ndata: b\n\n",
            "data: a\r\n\r\ndata: b\r\n\r\n",
            "data: a\r\rdata: b\r\r",
            "data: a\n\rdata: b\r\n\n",
            ": keep-alive\n\ndata: {\"x\":1}\n\n: comment only\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\"}\nid: 7\n\nevent: ping\n\ndata:x\n\n",
            "data: line one\ndata: line two\ndata\n\n",
            "\uFEFFdata: bom first\n\ndata: \uFEFFnot a bom\n\n",
            "id: a\0b\ndata: nul id ignored\n\nretry: 10\nunknown: y\ndata:  two spaces\n\n",
            "data: caf\u00e9 \u4f60\u597d \uD83D\uDE00\n\n\n\ndata: after blank lines\n\n",
            "data: [DONE]\n\n");

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
    void blocksCarryTheParsersEventsAndEveryByteWhateverTheCuts() {
        for (String stream : STREAMS) {
            byte[] in = stream.getBytes(StandardCharsets.UTF_8);
            List<Seen> ref = split(in, whole(in), true);
            assertThat(events(ref)).as(stream).isEqualTo(parsed(in));
            assertThat(String.join("", ref.stream().map(Seen::bytes).toList())).as("no byte lost or added").isEqualTo(stream);
            List<Seen> bytewise = split(in, byByte(in), true);
            assertThat(events(bytewise)).as(stream + " byte by byte")
                    .isEqualTo(events(ref));
            assertThat(String.join("", bytewise.stream().map(Seen::bytes).toList())).isEqualTo(stream);
            for (int k = 0; k <= in.length; k++) {
                List<Seen> two = split(in, at(in, k), true);
                assertThat(events(two)).as(stream + " cut at " + k)
                        .isEqualTo(events(ref));
                assertThat(String.join("", two.stream().map(Seen::bytes).toList())).isEqualTo(stream);
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

package dev.aigw.proxy;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What ChunkOut gives the client of one chunk, copied out or compacted in the chunk's own array. */
class ChunkOutTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A chunk as Vert.x hands one over: a heap buffer, here at a non-zero offset of its array. */
    private static Buffer chunk(String s) {
        byte[] a = bytes("##" + s);
        return BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(a, 2, s.length()));
    }

    private static String text(Buffer b) {
        return b == null ? null : b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void keptRangesOfTheChunkAreCompactedInItsOwnArray() {
        Buffer c = chunk("aaaXXbbbYYccc");
        ByteBuf bb = ((BufferInternal) c).getByteBuf();
        byte[] a = bb.array();
        int off = bb.arrayOffset() + bb.readerIndex();
        ChunkOut out = new ChunkOut();
        out.expect(13);
        out.inPlace(bb, a, off);
        out.write(a, off, off + 3);
        out.write(a, off + 5, off + 8);
        out.write(a, off + 10, off + 13);
        Buffer r = out.take(c, a, off, 13);
        assertThat(text(r)).isEqualTo("aaabbbccc");
        assertThat(((BufferInternal) r).getByteBuf().array()).as("no copy: the chunk's own array").isSameAs(a);
    }

    @Test
    void aChunkPassedThroughWholeIsTheChunkItself() {
        Buffer c = chunk("data: x\n\n");
        ByteBuf bb = ((BufferInternal) c).getByteBuf();
        int off = bb.arrayOffset() + bb.readerIndex();
        ChunkOut out = new ChunkOut();
        out.inPlace(bb, bb.array(), off);
        out.write(bb.array(), off, off + 4);
        out.write(bb.array(), off + 4, off + 9);
        assertThat(out.take(c, bb.array(), off, 9)).isSameAs(c);
    }

    @Test
    void aRangeOfAnotherArrayEndsTheCompactionWithoutLosingWhatCameBefore() {
        Buffer c = chunk("aaaXXbbbccc");
        ByteBuf bb = ((BufferInternal) c).getByteBuf();
        byte[] a = bb.array();
        int off = bb.arrayOffset() + bb.readerIndex();
        byte[] other = bytes("-new-");
        ChunkOut out = new ChunkOut();
        out.inPlace(bb, a, off);
        out.write(a, off, off + 3);
        out.write(a, off + 5, off + 8);
        out.write(other, 0, 5);
        out.write(a, off + 8, off + 11);
        assertThat(text(out.take(c, a, off, 11))).isEqualTo("aaabbb-new-ccc");
        // The next chunk starts afresh: copied out when not marked in place.
        Buffer d = chunk("zzYY");
        ByteBuf db = ((BufferInternal) d).getByteBuf();
        int doff = db.arrayOffset() + db.readerIndex();
        out.write(db.array(), doff, doff + 2);
        Buffer r = out.take(d, db.array(), doff, 4);
        assertThat(text(r)).isEqualTo("zz");
        assertThat(((BufferInternal) r).getByteBuf().array()).isNotSameAs(db.array());
    }

    @Test
    void nothingKeptIsNull() {
        Buffer c = chunk("usage");
        ByteBuf bb = ((BufferInternal) c).getByteBuf();
        ChunkOut out = new ChunkOut();
        out.inPlace(bb, bb.array(), bb.arrayOffset() + bb.readerIndex());
        assertThat(out.take(c, bb.array(), bb.arrayOffset() + bb.readerIndex(), 5)).isNull();
        assertThat(out.take(null, null, 0, 0)).isNull();
    }
}

package dev.aigw.proxy;

import dev.aigw.translate.SseBytesTranslator;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * What one upstream chunk gives the client, written at once: ranges that follow each other in
 * the chunk are one run, and a chunk passed through whole is written as the buffer it came in.
 * For a translator that writes in order ({@link SseBytesTranslator#writesInOrder}) the kept
 * runs of a chunk are moved down inside the chunk's own array (Vert.x hands each upstream read
 * over as a heap copy of its own, which nothing reads after the relay), and the chunk's start
 * is what the client gets: no buffer per chunk. A range of any other array (an event
 * re-written, a block that began in an earlier chunk) ends that: what is kept so far is copied
 * out and the rest is appended to the copy.
 */
final class ChunkOut implements SseBytesTranslator.Output {
    private byte[] runArr;
    private int runFrom;
    private int runTo;
    private Buffer acc;
    /** The size of the chunk being read: what it gives the client is about that long (one allocation, not five). */
    private int expected = 256;
    /** The chunk whose array is edited in place ({@link #compactTo} >= 0), its buffer and where its bytes start. */
    private ByteBuf chunk;
    private byte[] chunkArr;
    private int chunkOff;
    /** In place: the end of what is kept so far, in {@link #chunkArr}; -1 otherwise. */
    private int compactTo = -1;

    void expect(int chunkLength) {
        expected = Math.max(256, chunkLength);
    }

    /** The next chunk may be edited in place: {@code a[off..]} is {@code bb}'s own array, from its reader index. */
    void inPlace(ByteBuf bb, byte[] a, int off) {
        chunk = bb;
        chunkArr = a;
        chunkOff = off;
        compactTo = off;
    }

    @Override
    public void write(byte[] a, int from, int to) {
        if (from >= to) return;
        if (a == runArr && from == runTo) {
            runTo = to;
            return;
        }
        flushRun();
        runArr = a;
        runFrom = from;
        runTo = to;
    }

    private void flushRun() {
        if (runArr == null) return;
        int n = runTo - runFrom;
        if (compactTo >= 0) {
            if (runArr == chunkArr && runFrom >= compactTo) {
                if (runFrom != compactTo) System.arraycopy(chunkArr, runFrom, chunkArr, compactTo, n);
                compactTo += n;
                runArr = null;
                return;
            }
            // Another array: what is kept so far is copied out, the rest follows it.
            acc = Buffer.buffer(Math.max(expected, compactTo - chunkOff + n));
            if (compactTo > chunkOff) acc.appendBytes(chunkArr, chunkOff, compactTo - chunkOff);
            compactTo = -1;
        }
        if (acc == null) acc = Buffer.buffer(Math.max(expected, n));
        acc.appendBytes(runArr, runFrom, n);
        runArr = null;
    }

    /** The bytes written since the last take: {@code chunk} itself when it went through whole; null if none. */
    Buffer take(Buffer chunkBuffer, byte[] chunkBytes, int off, int len) {
        Buffer r;
        if (acc == null && runArr != null && runArr == chunkBytes && runFrom == off && runTo == off + len
                && (compactTo < 0 || compactTo == off)) {
            runArr = null;
            r = chunkBuffer;
        } else {
            flushRun();
            if (compactTo >= 0) {
                int n = compactTo - chunkOff;
                r = n == 0 ? null : BufferInternal.buffer(chunk.slice(chunk.readerIndex(), n));
            } else {
                r = acc;
            }
        }
        acc = null;
        chunk = null;
        chunkArr = null;
        compactTo = -1;
        return r;
    }
}

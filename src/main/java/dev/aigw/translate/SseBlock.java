package dev.aigw.translate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * One whole block of an event stream as the provider sent it: the bytes {@code [start, end)} of
 * {@code bytes}, up to and including the blank line that ends it. {@link #dataLines()} says
 * whether it is an event (a block with no {@code data:} line is comments or an empty event,
 * which dispatches nothing); the common event of one {@code data:} line has its payload at
 * {@code [dataStart, dataEnd)}, readable without decoding the block. The array is the relay's
 * and is only valid during the call that hands the block over.
 *
 * @param skip the bytes at the start that belong to no line: the LF of a CRLF split off the
 *             previous block, and the stream's byte-order mark (with a blank line right after it)
 */
public record SseBlock(byte[] bytes, int start, int end, int skip, int dataLines, int dataStart, int dataEnd,
                       String event, String id) {

    /** An event: a block with at least one {@code data:} line. */
    public boolean isEvent() {
        return dataLines > 0;
    }

    /** The payload is one contiguous range of the bytes (one {@code data:} line). */
    public boolean singleData() {
        return dataLines == 1;
    }

    /** The decoded payload: the {@code data:} lines joined by LF, as {@link SseParser} dispatches it. */
    public String data() {
        if (dataLines == 1) return new String(bytes, dataStart, dataEnd - dataStart, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        int[] line = new int[4];
        int p = start + skip;
        boolean firstData = true;
        while ((p = nextLine(bytes, p, end, line)) >= 0) {
            if (line[1] == line[0]) break;
            if (field(bytes, line, "data")) {
                if (!firstData) sb.append('\n');
                firstData = false;
                sb.append(new String(bytes, line[2], line[3] - line[2], StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    /** The event as {@link SseParser} would have dispatched it. */
    public SseEvent toEvent() {
        return new SseEvent(Optional.ofNullable(event), data(), Optional.ofNullable(id));
    }

    /** The payload is OpenAI's {@code [DONE]} (as {@link SseEvent#isDone()} reads it). */
    public boolean isDone() {
        if (dataLines == 0 || dataLines == 1 && dataEnd - dataStart > 64) return false;
        return SseEvent.DONE.equals(data().strip());
    }

    /** A copy of the block's bytes (for tests and messages). */
    public byte[] copy() {
        return Arrays.copyOfRange(bytes, start, end);
    }

    /**
     * Reads the line at {@code p} (up to {@code end}) into {@code out}: line start, line end (without
     * its terminator), value start, value end (after the field's colon and one optional space; for
     * a line without a colon both are the line end). Returns the start of the next line, or -1 at
     * {@code end}.
     */
    static int nextLine(byte[] a, int p, int end, int[] out) {
        if (p >= end) return -1;
        int q = lineEnd(a, p, end);
        int colon = p;
        while (colon < q && a[colon] != ':') colon++; // a field name is short: this stops early
        if (colon == q) colon = -1;
        out[0] = p;
        out[1] = q;
        if (colon < 0) {
            out[2] = q;
            out[3] = q;
        } else {
            int v = colon + 1;
            if (v < q && a[v] == ' ') v++;
            out[2] = v;
            out[3] = q;
        }
        int next = q + 1;
        if (q < end && a[q] == '\r' && next < end && a[next] == '\n') next++;
        return next;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

    /**
     * The index of the first CR or LF in {@code [i, end)}, else {@code end}; eight bytes at a time
     * (a byte equal to CR or LF is a zero byte of the word XOR CRs or LFs; the lowest one flagged by
     * the has-zero-byte test is exact), since lines are most of a stream's bytes.
     */
    static int lineEnd(byte[] a, int i, int end) {
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(a, i);
            long lf = w ^ LFS;
            long cr = w ^ CRS;
            long hit = ((lf - ONES) & ~lf | (cr - ONES) & ~cr) & HIGHS;
            if (hit != 0) return i + (Long.numberOfTrailingZeros(hit) >>> 3);
        }
        while (i < end && a[i] != '\n' && a[i] != '\r') i++;
        return i;
    }

    /** The line in {@code line} (from {@link #nextLine}) has the field {@code name}. */
    static boolean field(byte[] a, int[] line, String name) {
        int p = line[0];
        int n = name.length();
        if (line[1] - p < n) return false;
        for (int i = 0; i < n; i++) {
            if (a[p + i] != name.charAt(i)) return false;
        }
        return p + n == line[1] || a[p + n] == ':';
    }
}

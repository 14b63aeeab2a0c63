package dev.aigw.translate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts an event stream into whole {@link SseBlock}s without decoding them: the one framing of
 * server-sent events here, for a relay that passes the provider's bytes through (and edits or
 * drops a few) and, decoded, for {@link SseParser}. Lines end with LF, CR or CRLF (including a
 * CRLF split across chunks), and a blank line ends a block. A block inside one chunk is handed
 * over as a range of that chunk (no copy); only the bytes of a block that spans chunks are kept.
 * The bound is on a block's bytes as sent, its line ends and closing blank line included (the LF
 * of a CRLF split off the block before counts in the block it arrives with). Not thread-safe: one
 * per stream.
 */
public final class SseSplitter {

    /** Receives each whole block; the block's array is only valid during the call. */
    @FunctionalInterface
    public interface Sink {
        void block(SseBlock block);
    }

    private static final byte[] EMPTY = new byte[0];

    private final int maxEventBytes;
    /** The start of a block that spans chunks. */
    private byte[] pend = EMPTY;
    private int pendLen;
    /** The previous byte was a CR: an LF now is the second half of a CRLF. */
    private boolean lastWasCr;
    /** Nothing on the current line yet: a line end now is a blank line, the end of a block. */
    private boolean lineEmpty = true;
    /** The block begins with the LF of a CRLF whose CR ended the previous block (in an earlier chunk). */
    private boolean strayLf;
    /** The next block is the stream's first: a byte-order mark may lead it. */
    private boolean first = true;
    private boolean failed;
    private final int[] line = new int[4];
    /** Lines of the current block so far. */
    private int lines;
    /**
     * Where the current block's first {@link #KNOWN} lines start and end in the chunk, as the scan
     * for its end found them: a block in one chunk is not scanned twice (an event of two lines,
     * {@code event:} and {@code data:}, is the common block of the formats other than OpenAI's).
     */
    private final int[] lineFrom = new int[KNOWN];
    private final int[] lineTo = new int[KNOWN];
    private int lineStart;
    private static final int KNOWN = 4;
    /** Recent {@code event:} names (made on the first): a stream repeats a few, so not a new string per event. */
    private byte[][] names;
    private String[] nameStrings;
    private int nextName;
    // The block being read by block(): its fields.
    private int dataLines;
    private int ds;
    private int de;
    private String event;
    private String id;

    public SseSplitter() {
        this(SseParser.DEFAULT_MAX_EVENT_BYTES);
    }

    public SseSplitter(int maxEventBytes) {
        if (maxEventBytes <= 0) throw new IllegalArgumentException("maxEventBytes must be positive");
        this.maxEventBytes = maxEventBytes;
    }

    /** Hands every block that ends in {@code [off, off + len)} to {@code sink}, in order. */
    public void feed(byte[] a, int off, int len, Sink sink) {
        if (failed) throw new SseException("parser already failed");
        int end = off + len;
        int blockStart = off;
        int i = off;
        while (i < end) {
            byte b = a[i];
            if (b != '\n' && b != '\r') {
                lastWasCr = false;
                if (lineEmpty) {
                    lineEmpty = false;
                    lineStart = i;
                }
                i = SseBlock.lineEnd(a, i + 1, end);
                continue;
            }
            if (b == '\n' && lastWasCr) {
                lastWasCr = false; // second half of a CRLF
                if (i == blockStart && pendLen == 0) strayLf = true;
                i++;
                continue;
            }
            lastWasCr = b == '\r';
            if (!lineEmpty) {
                lineEmpty = true;
                if (lines < KNOWN) {
                    lineFrom[lines] = lineStart;
                    lineTo[lines] = i;
                }
                lines++;
                i++;
                continue;
            }
            // A blank line: the block ends here (with the LF of its CRLF when it is in this chunk).
            if (b == '\r' && i + 1 < end && a[i + 1] == '\n') {
                i++;
                lastWasCr = false;
            }
            emit(a, blockStart, i + 1, sink);
            blockStart = ++i;
        }
        if (blockStart < end) append(a, blockStart, end - blockStart);
    }

    /**
     * Ends the stream. A block the provider did not end with a blank line is handed over with the
     * blank line added: an event in it is whole, as {@link SseParser#finish()} dispatches it. (Only
     * the LF of a split CRLF is handed over as it is.) Nothing after a failure.
     */
    public void finish(Sink sink) {
        if (failed || pendLen == 0) return;
        boolean stray = strayLf && pendLen == 1;
        byte last = pend[pendLen - 1];
        int blank = stray ? 0 : last == '\n' ? 1 : 2;
        byte[] all = Arrays.copyOf(pend, pendLen + blank);
        for (int i = pendLen; i < all.length; i++) all[i] = '\n';
        pend = EMPTY;
        pendLen = 0;
        lines = 0;
        sink.block(block(all, 0, all.length, 0));
    }

    private void append(byte[] a, int from, int n) {
        if (pendLen + n > maxEventBytes) {
            failed = true;
            throw new SseException("SSE event exceeds " + maxEventBytes + " bytes");
        }
        if (pendLen + n > pend.length) pend = Arrays.copyOf(pend, Math.max(Math.max(256, pend.length * 2), pendLen + n));
        System.arraycopy(a, from, pend, pendLen, n);
        pendLen += n;
    }

    private void emit(byte[] a, int from, int to, Sink sink) {
        byte[] arr = a;
        int known = pendLen == 0 && lines <= KNOWN ? lines : 0; // the common block: a few lines, in this chunk
        lines = 0;
        if (pendLen > 0) {
            append(a, from, to - from);
            arr = pend;
            from = 0;
            to = pendLen;
            pend = EMPTY; // handed over: the sink may hold the block until the chunk is written
            pendLen = 0;
        } else if (to - from > maxEventBytes) {
            failed = true;
            throw new SseException("SSE event exceeds " + maxEventBytes + " bytes");
        }
        sink.block(block(arr, from, to, known));
    }

    /** The block {@code [from, to)}; its first {@code known} lines are in {@link #lineFrom}/{@link #lineTo} (0: none, scan them). */
    private SseBlock block(byte[] a, int from, int to, int known) {
        int skip = 0;
        if (strayLf) {
            strayLf = false;
            if (from < to && a[from] == '\n') skip = 1;
        }
        if (first) {
            first = false;
            int p = from + skip;
            if (to - p >= 3 && a[p] == (byte) 0xEF && a[p + 1] == (byte) 0xBB && a[p + 2] == (byte) 0xBF) {
                skip += 3;
                known = 0;
                // feed() took the mark for a line's text: a line end right after it is a blank line, which ends no event.
                int q = p + 3;
                if (q < to && (a[q] == '\n' || a[q] == '\r')) skip += a[q] == '\r' && q + 1 < to && a[q + 1] == '\n' ? 2 : 1;
            }
        }
        dataLines = 0;
        event = null;
        id = null;
        int p = from + skip;
        if (known > 0) {
            for (int k = 0; k < known; k++) line(a, lineFrom[k], lineTo[k]);
        } else {
            while ((p = SseBlock.nextLine(a, p, to, line)) >= 0) {
                if (line[1] == line[0]) break; // the blank line that ends the block
                line(a, line[0], line[1]);
            }
        }
        return new SseBlock(a, from, to, skip, dataLines, ds, de, event, id);
    }

    /** Event names the providers' streams use (Anthropic's, the Responses API's): the same string for every stream. */
    private static final JsonBytes.Known COMMON_NAMES = AnthropicEvent.TYPES.with(ResponsesDelta.TYPES,
            "error", "response.incomplete", "response.failed");

    /** The event name {@code [v, q)}: a common or recent one's string when the bytes are the same. */
    private String name(byte[] a, int v, int q) {
        byte[][] common = COMMON_NAMES.bytes;
        for (int k = 0; k < common.length; k++) {
            if (Arrays.equals(common[k], 0, common[k].length, a, v, q)) return COMMON_NAMES.strings[k];
        }
        if (names == null) {
            names = new byte[8][];
            nameStrings = new String[8];
        }
        for (int k = 0; k < names.length; k++) {
            byte[] n = names[k];
            if (n != null && Arrays.equals(n, 0, n.length, a, v, q)) return nameStrings[k];
        }
        String s = new String(a, v, q - v, StandardCharsets.UTF_8);
        if (q - v <= 64) {
            names[nextName] = Arrays.copyOfRange(a, v, q);
            nameStrings[nextName] = s;
            nextName = (nextName + 1) % names.length;
        }
        return s;
    }

    /** One line {@code [p, q)} of the block, as {@link SseParser} reads a line. */
    private void line(byte[] a, int p, int q) {
        if (p == q || a[p] == ':') return; // comment, used by servers as keep-alive
        line[0] = p;
        line[1] = q;
        int colon = p;
        while (colon < q && a[colon] != ':') colon++;
        int v = colon < q ? colon + 1 : q;
        if (v < q && a[v] == ' ') v++;
        if (SseBlock.field(a, line, "data")) {
            if (++dataLines == 1) {
                ds = v;
                de = q;
            }
        } else if (SseBlock.field(a, line, "event")) {
            event = name(a, v, q);
        } else if (SseBlock.field(a, line, "id")) {
            String value = new String(a, v, q - v, StandardCharsets.UTF_8);
            if (value.indexOf('\0') < 0) id = value;
        }
    }
}

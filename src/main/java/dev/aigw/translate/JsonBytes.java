package dev.aigw.translate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one JSON text in a byte range, for reading a few members of a small hot-path
 * document (a stream's chunk) without a parser or a tree. It accepts only what JSON's grammar
 * does, as Jackson's defaults read it; at anything else — malformed or merely unusual (an escape
 * in a member name, deep nesting, a number too long or not an integer where one is read) — it
 * throws {@link #UNUSUAL}, and the caller reads the text with Jackson instead, whose word is the
 * last. Strings are decoded as the SSE parser's line decoding would (invalid UTF-8 replaced).
 */
final class JsonBytes {
    /** Not read here: the caller falls back to Jackson. Preallocated, no stack trace. */
    static final RuntimeException UNUSUAL = new RuntimeException("read with Jackson", null, false, false) {
    };

    private static final int MAX_DEPTH = 64;
    private static final int MAX_NUMBER = 1000;

    final byte[] a;
    int p;
    final int end;
    /** The last member name read by {@link #name()}: {@code [nameFrom, nameTo)}, its quote at {@code nameFrom - 1}. */
    int nameFrom;
    int nameTo;

    JsonBytes(byte[] a, int off, int len) {
        this.a = a;
        this.p = off;
        this.end = off + len;
    }

    byte peek() {
        if (p >= end) throw UNUSUAL;
        return a[p];
    }

    void ws() {
        if (p >= end) return;
        byte c0 = a[p];
        if (c0 > ' ') return; // the common case: no white space here
        if (c0 == ' ' && p + 1 < end && a[p + 1] > ' ') {
            p++; // the next: one space (after a colon, as Gemini writes)
            return;
        }
        while (p < end) {
            byte c = a[p];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            p++;
        }
    }

    /** At '{': consumes it; true when a member follows (the cursor at its name), false for {@code {}}. */
    boolean openObject() {
        return open('}');
    }

    /**
     * At a value: true when it is an object with members (the cursor at the first one's name);
     * false when it is anything else, or {@code {}}, which is then skipped.
     */
    boolean members() {
        if (peek() == '{') return openObject();
        skip();
        return false;
    }

    /**
     * At a value: its member {@code name} when it is an object and that member a string (the last
     * one, as a tree keeps it), else null; the value is read through either way.
     */
    String stringMember(byte[] name) {
        String v = null;
        if (members()) {
            do {
                name();
                if (nameIs(name)) v = stringOrNull();
                else skip();
            } while (nextMember());
        }
        return v;
    }

    /**
     * At a value: when it is an object, its members of these names (each its last value,
     * {@link #longOr0}) in a map, keyed by {@code names[i]} for {@code ascii[i]}; else null (skipped).
     */
    java.util.Map<String, Long> counts(String[] names, byte[][] ascii) {
        if (peek() != '{') {
            skip();
            return null;
        }
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>(8);
        if (openObject()) {
            do {
                name();
                int i = 0;
                while (i < ascii.length && !nameIs(ascii[i])) i++;
                if (i < ascii.length) m.put(names[i], longOr0());
                else skip();
            } while (nextMember());
        }
        return m;
    }

    /** At '[': consumes it; true when an element follows (the cursor on it). */
    boolean openArray() {
        return open(']');
    }

    private boolean open(char close) {
        p++;
        ws();
        if (peek() == close) {
            p++;
            return false;
        }
        return true;
    }

    /**
     * {@code reading} of the JSON object at {@code [off, off + len)}, the cursor at its '{'; null
     * when it is not an object, has more than white space after it, or the reading finds it
     * {@link #UNUSUAL}: the caller then reads its tree.
     */
    static <T> T object(byte[] a, int off, int len, java.util.function.Function<JsonBytes, T> reading) {
        try {
            JsonBytes j = new JsonBytes(a, off, len);
            j.ws();
            if (j.peek() != '{') return null;
            T t = reading.apply(j);
            j.ws();
            return j.p == j.end ? t : null;
        } catch (RuntimeException unusual) {
            return null; // UNUSUAL, or anything else the reading did not foresee
        }
    }

    /** A member name as {@link #nameIs} compares it (names read here are ASCII). */
    static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** A member's name and its colon; the cursor on the value. Names with escapes are unusual. */
    void name() {
        if (peek() != '"') throw UNUSUAL;
        int q = stringStop(a, ++p, end);
        if (q >= end || a[q] != '"') throw UNUSUAL; // a backslash or a control character: unusual in a name
        nameFrom = p;
        nameTo = q;
        p = q + 1;
        ws();
        if (peek() != ':') throw UNUSUAL;
        p++;
        ws();
    }

    boolean nameIs(byte[] n) {
        if (nameTo - nameFrom != n.length) return false;
        for (int i = 0; i < n.length; i++) {
            if (a[nameFrom + i] != n[i]) return false;
        }
        return true;
    }

    /** After a member's value: true when another member follows (the cursor at its name), false at the object's end. */
    boolean nextMember() {
        return next('}');
    }

    /** After an element: true when another follows (the cursor on it), false at the array's end. */
    boolean nextElement() {
        return next(']');
    }

    private boolean next(char close) {
        ws();
        byte c = peek();
        p++;
        if (c == ',') {
            ws();
            return true;
        }
        if (c == close) return false;
        throw UNUSUAL;
    }

    /** The value here when it is a string, else null (and the value skipped). */
    String stringOrNull() {
        return stringOrNull(null);
    }

    /** {@link #stringOrNull()}, but {@code same} itself when the string is its (ASCII) text: no copy per chunk. */
    String stringOrNull(String same) {
        if (peek() != '"') {
            skip();
            return null;
        }
        return string(same);
    }

    /**
     * ASCII strings a stream repeats (its kinds of event), with their bytes: {@link #knownOrString}
     * returns them themselves, with no copy per event and their hash codes kept. None may hold a
     * quote, a backslash or a control character, so equal bytes followed by a quote are the
     * whole string.
     */
    static final class Known {
        final String[] strings;
        final byte[][] bytes;

        Known(String... strings) {
            this.strings = strings.clone();
            this.bytes = new byte[strings.length][];
            for (int i = 0; i < strings.length; i++) {
                for (char c : strings[i].toCharArray()) {
                    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) throw new IllegalArgumentException("not a plain ASCII string: " + strings[i]);
                }
                bytes[i] = ascii(strings[i]);
            }
        }

        /** These strings, then {@code more}'s, then {@code extra}, in that order. */
        Known with(Known more, String... extra) {
            String[] all = java.util.Arrays.copyOf(strings, strings.length + more.strings.length + extra.length);
            System.arraycopy(more.strings, 0, all, strings.length, more.strings.length);
            System.arraycopy(extra, 0, all, strings.length + more.strings.length, extra.length);
            return new Known(all);
        }
    }

    /**
     * {@link #stringOrNull()}, but one of {@code known} itself when the string is its text: the
     * bytes compared with each in turn (most frequent first), no scan for the string's end first.
     */
    String knownOrString(Known known) {
        if (peek() != '"') {
            skip();
            return null;
        }
        int from = p + 1;
        byte[][] kb = known.bytes;
        for (int i = 0; i < kb.length; i++) {
            byte[] k = kb[i];
            int to = from + k.length;
            if (to < end && a[to] == '"' && java.util.Arrays.equals(a, from, to, k, 0, k.length)) {
                p = to + 1;
                return known.strings[i];
            }
        }
        return string(null);
    }

    /** At '"': the decoded string ({@code same} when it is that text). */
    String string(String same) {
        int from = ++p;
        int q = from;
        boolean escaped = false;
        while (true) {
            q = stringStop(a, q, end);
            if (q >= end) throw UNUSUAL;
            byte c = a[q];
            if (c == '"') break;
            if (c != '\\') throw UNUSUAL; // control characters must be escaped
            escaped = true;
            q += 2;
        }
        p = q + 1;
        if (escaped) return unescape(from, q);
        if (same != null && same.length() == q - from) {
            int i = 0;
            while (i < q - from && a[from + i] == same.charAt(i)) i++;
            if (i == q - from) return same;
        }
        return new String(a, from, q - from, StandardCharsets.UTF_8);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first quote, backslash or control character in {@code [i, end)}, else {@code end}: eight
     * bytes at a time, as {@link SseBlock#lineEnd} finds line ends (the lowest byte the has-zero
     * and has-less-than tests flag is exact).
     */
    static int stringStop(byte[] a, int i, int end) {
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(a, i);
            long q = w ^ 0x2222222222222222L;
            long b = w ^ 0x5C5C5C5C5C5C5C5CL;
            long hit = ((q - ONES) & ~q | (b - ONES) & ~b | (w - 0x2020202020202020L) & ~w) & HIGHS;
            if (hit != 0) return i + (Long.numberOfTrailingZeros(hit) >>> 3);
        }
        while (i < end) {
            byte c = a[i];
            if (c == '"' || c == '\\' || (c & 0xFF) < 0x20) return i;
            i++;
        }
        return end;
    }

    private String unescape(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        int seg = from;
        int i = from;
        while (i < to) {
            if (a[i] != '\\') {
                i++;
                continue;
            }
            if (i > seg) sb.append(new String(a, seg, i - seg, StandardCharsets.UTF_8));
            if (i + 1 >= to) throw UNUSUAL;
            byte e = a[i + 1];
            i += 2;
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > to) throw UNUSUAL;
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(a[i + k], 16);
                        if (d < 0) throw UNUSUAL;
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                    i += 4;
                }
                default -> throw UNUSUAL;
            }
            seg = i;
        }
        if (to > seg) sb.append(new String(a, seg, to - seg, StandardCharsets.UTF_8));
        return sb.toString();
    }

    /** The value here as a long when it is an integer that fits, 0 when it is not a number; fractions are unusual. */
    long longOr0() {
        byte c = peek();
        if (c != '-' && (c < '0' || c > '9')) {
            skip();
            return 0;
        }
        int from = p;
        number();
        for (int i = from; i < p; i++) {
            if (a[i] == '.' || a[i] == 'e' || a[i] == 'E') throw UNUSUAL;
        }
        if (p - from > 18) throw UNUSUAL;
        int i = from;
        boolean negative = a[i] == '-';
        if (negative) i++;
        long v = 0;
        for (; i < p; i++) v = v * 10 + (a[i] - '0'); // at most 18 digits: no overflow
        return negative ? -v : v;
    }

    /** Skips one value, checking its grammar. */
    void skip() {
        skip(0);
    }

    private void skip(int depth) {
        if (depth > MAX_DEPTH) throw UNUSUAL;
        byte c = peek();
        switch (c) {
            case '"' -> skipString();
            case '{' -> {
                if (openObject()) {
                    do {
                        name();
                        skip(depth + 1);
                    } while (nextMember());
                }
            }
            case '[' -> {
                if (openArray()) {
                    do {
                        skip(depth + 1);
                    } while (nextElement());
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void skipString() {
        int q = p + 1;
        while (true) {
            q = stringStop(a, q, end);
            if (q >= end) throw UNUSUAL;
            byte c = a[q];
            if (c == '"') break;
            if (c != '\\' || q + 1 >= end) throw UNUSUAL; // control characters must be escaped
            byte e = a[q + 1];
            if (e == 'u') {
                if (q + 6 > end) throw UNUSUAL;
                for (int k = 2; k < 6; k++) {
                    if (Character.digit(a[q + k], 16) < 0) throw UNUSUAL;
                }
                q += 6;
                continue;
            }
            if ("\"\\/bfnrt".indexOf(e) < 0) throw UNUSUAL;
            q += 2;
        }
        p = q + 1;
    }

    boolean isNull() {
        return p + 4 <= end && a[p] == 'n' && a[p + 1] == 'u' && a[p + 2] == 'l' && a[p + 3] == 'l';
    }

    /** The literal; what follows it is checked by the caller ({@link #nextMember}, {@link #nextElement}). */
    private void literal(String word) {
        int n = word.length();
        if (p + n > end) throw UNUSUAL;
        for (int i = 0; i < n; i++) {
            if (a[p + i] != word.charAt(i)) throw UNUSUAL;
        }
        p += n;
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() {
        int from = p;
        if (p < end && a[p] == '-') p++;
        if (p >= end) throw UNUSUAL;
        if (a[p] == '0') {
            p++;
        } else if (a[p] >= '1' && a[p] <= '9') {
            digits();
        } else {
            throw UNUSUAL;
        }
        if (p < end && a[p] == '.') {
            p++;
            if (p >= end || a[p] < '0' || a[p] > '9') throw UNUSUAL;
            digits();
        }
        if (p < end && (a[p] == 'e' || a[p] == 'E')) {
            p++;
            if (p < end && (a[p] == '+' || a[p] == '-')) p++;
            if (p >= end || a[p] < '0' || a[p] > '9') throw UNUSUAL;
            digits();
        }
        if (p - from > MAX_NUMBER) throw UNUSUAL; // what follows is checked by the caller
    }

    private void digits() {
        while (p < end && a[p] >= '0' && a[p] <= '9') p++;
    }
}

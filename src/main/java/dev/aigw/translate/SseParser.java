package dev.aigw.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * Incremental server-sent-events parser (WHATWG "event stream interpretation"): the events of
 * {@link SseSplitter}'s blocks, decoded. The framing (LF, CR and CRLF line ends, a CRLF split
 * across chunks, the byte-order mark, the size bound) is the splitter's alone; this only decodes
 * each whole block, so a UTF-8 sequence split across chunks decodes correctly. Not thread-safe:
 * one parser per stream.
 */
public final class SseParser implements StreamParser {

    /**
     * Large enough for base64 images some providers stream inline, small enough to bound memory:
     * the bytes of one block as sent, its line ends and closing blank line included.
     */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final SseSplitter splitter;

    public SseParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseParser(int maxEventBytes) {
        this.splitter = new SseSplitter(maxEventBytes);
    }

    @Override
    public List<SseEvent> feed(byte[] chunk, int off, int len) {
        List<SseEvent> out = new ArrayList<>();
        splitter.feed(chunk, off, len, b -> {
            if (b.isEvent()) out.add(b.toEvent());
        });
        return out;
    }

    /**
     * Ends the stream. Unlike the spec, which drops an event without its closing blank line, this
     * dispatches it: a truncated upstream often omits only the final blank line, and its last
     * complete payload (for example a usage chunk) is still worth translating.
     */
    @Override
    public List<SseEvent> finish() {
        List<SseEvent> out = new ArrayList<>(1);
        splitter.finish(b -> {
            if (b.isEvent()) out.add(b.toEvent());
        });
        return out;
    }
}

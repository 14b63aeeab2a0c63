package dev.aigw.translate;

import dev.aigw.translate.canonical.StreamEvent;
import java.util.List;
import java.util.Optional;

/**
 * Block numbering for provider streams that have no blocks (OpenAI, Gemini): a block opens when
 * the kind of content changes and closes before the next one opens.
 */
final class Blocks {
    private StreamEvent.BlockKind open;
    private int openIndex = -1;
    private int next;

    /** The index of the open text or thinking block, opening one of {@code kind} if another is open. */
    int ensure(StreamEvent.BlockKind kind, List<StreamEvent> out) {
        if (open != kind) {
            close(out);
            open = kind;
            openIndex = next++;
            out.add(StreamEvent.BlockStart.of(openIndex, kind));
        }
        return openIndex;
    }

    /** Opens a tool call block; its arguments follow as deltas for the index returned. */
    int openTool(Optional<String> id, String name, List<StreamEvent> out) {
        close(out);
        open = StreamEvent.BlockKind.TOOL_CALL;
        openIndex = next++;
        out.add(StreamEvent.BlockStart.tool(openIndex, id, name));
        return openIndex;
    }

    void close(List<StreamEvent> out) {
        if (open != null) {
            out.add(new StreamEvent.BlockStop(openIndex));
            open = null;
            openIndex = -1;
        }
    }
}

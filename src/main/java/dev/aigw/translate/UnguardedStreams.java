package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The stream half of a {@link BodyFormat} whose streams policies do not read: embeddings (never
 * streamed). Events pass as they are.
 */
interface UnguardedStreams extends BodyFormat {
    @Override
    default String streamText(ObjectNode event) {
        return "";
    }

    @Override
    default boolean streamCallsTool(ObjectNode event) {
        return false;
    }

    @Override
    default boolean carriesStreamText(ObjectNode event) {
        return false;
    }

    @Override
    default void setStreamText(ObjectNode event, String text) {
        // never called: no event of these streams carries guardable text
    }

    @Override
    default List<SseEvent> guardStream(SseEvent event, ObjectNode data, StreamTextGuard guard) {
        return List.of(event);
    }

    @Override
    default SseEvent textEvent(int index, String text, ObjectNode template) {
        throw new IllegalStateException("these streams are not guarded");
    }
}

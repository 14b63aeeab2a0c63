package dev.aigw.translate.canonical;

import dev.aigw.translate.Usage;
import java.util.Optional;

/**
 * What a provider's stream says, in one vocabulary: provider stream decoders emit these, client
 * stream encoders turn them into the client's events.
 *
 * <p>Content arrives as numbered blocks: {@link BlockStart} opens block {@code index} of a kind,
 * deltas name the block they extend, {@link BlockStop} closes it. Indexes are the decoder's, unique
 * within the stream; encoders renumber as their format needs. A decoder whose provider has no
 * explicit blocks (OpenAI, Gemini) opens one when the kind changes. A stream that stops without
 * {@link End} was cut off; the composition tells the client encoder so.
 */
public sealed interface StreamEvent {

    /** The message begins; usage so far (Anthropic reports input tokens here). */
    record Start(Optional<String> id, Optional<String> model, Usage usage) implements StreamEvent {
    }

    enum BlockKind {
        TEXT, THINKING, REDACTED_THINKING, TOOL_CALL
    }

    /**
     * @param toolCallId  for {@link BlockKind#TOOL_CALL}; empty means the encoder generates one
     * @param toolName    for {@link BlockKind#TOOL_CALL}
     * @param data        for {@link BlockKind#REDACTED_THINKING}: the encrypted data
     */
    record BlockStart(int index, BlockKind kind, Optional<String> toolCallId, Optional<String> toolName,
                      Optional<String> data) implements StreamEvent {
        public static BlockStart of(int index, BlockKind kind) {
            return new BlockStart(index, kind, Optional.empty(), Optional.empty(), Optional.empty());
        }

        public static BlockStart tool(int index, Optional<String> id, String name) {
            return new BlockStart(index, BlockKind.TOOL_CALL, id, Optional.of(name), Optional.empty());
        }
    }

    record TextDelta(int index, String text) implements StreamEvent {
    }

    record ThinkingDelta(int index, String text) implements StreamEvent {
    }

    /** Anthropic signature_delta (and Bedrock reasoning signatures). */
    record SignatureDelta(int index, String signature) implements StreamEvent {
    }

    /** A fragment of a tool call's JSON arguments. */
    record ToolArgumentsDelta(int index, String json) implements StreamEvent {
    }

    record BlockStop(int index) implements StreamEvent {
    }

    /** Usage so far, cumulative: each replaces the previous. */
    record UsageUpdate(Usage usage) implements StreamEvent {
    }

    /** Why generation stopped; usage may still follow. */
    record Finish(FinishReason reason, Optional<String> stopSequence) implements StreamEvent {
    }

    /** The provider ended the stream cleanly. */
    record End() implements StreamEvent {
    }

    /** The provider sent an error mid-stream; nothing follows. */
    record Error(ChatError error) implements StreamEvent {
    }
}

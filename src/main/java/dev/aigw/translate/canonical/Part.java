package dev.aigw.translate.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** One piece of a message: text, media, a tool call or result, thinking, or something only one format has. */
public sealed interface Part {

    /** The cache breakpoint after this part, if the client set one. */
    default Optional<CacheHint> cache() {
        return Optional.empty();
    }

    record Text(String text, Optional<CacheHint> cache) implements Part {
        public Text(String text) {
            this(text, Optional.empty());
        }
    }

    /** An image, document or audio clip. */
    record Media(Kind kind, MediaSource source, Optional<String> title, Optional<CacheHint> cache) implements Part {
        public enum Kind {
            IMAGE, DOCUMENT, AUDIO
        }
    }

    /**
     * A call the model made (assistant turns) or makes (responses).
     *
     * @param id        the provider's call id; codecs generate one when a format has none (Gemini)
     * @param arguments the parsed JSON object; {@code {}} when the model sent none
     */
    record ToolCall(String id, String name, ObjectNode arguments, Optional<CacheHint> cache) implements Part {
        public ToolCall(String id, String name, ObjectNode arguments) {
            this(id, name, arguments, Optional.empty());
        }
    }

    /**
     * The result of a call, in a {@link Role#TOOL} message (OpenAI) or a user turn (Anthropic,
     * Bedrock), depending on how the client's format holds it.
     *
     * @param name    the called tool's name where the format carries it (Gemini needs it); empty otherwise
     * @param content text and media; most formats carry text only
     */
    record ToolResult(String callId, Optional<String> name, List<Part> content, boolean isError,
                      Optional<CacheHint> cache) implements Part {
        public ToolResult {
            content = List.copyOf(content);
        }
    }

    /**
     * Model reasoning. {@code signature} is Anthropic's (or Bedrock-Claude's) proof that lets the
     * thinking be replayed; Gemini's {@code thoughtSignature} travels here too.
     */
    record Thinking(String text, Optional<String> signature) implements Part {
    }

    /** Reasoning the provider encrypted ({@code redacted_thinking}): replayable, unreadable. */
    record RedactedThinking(String data) implements Part {
    }

    /**
     * A part only {@code format} knows (an Anthropic server-tool block, a Gemini executableCode
     * part), kept as written: the encoder of that format re-emits it, others drop it with a warning.
     *
     * @param format the schema id that decoded it, e.g. {@code anthropic-messages}
     * @param type   the format's own name for it, for warnings
     */
    record Opaque(String format, String type, JsonNode raw) implements Part {
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes OpenAI Chat Completions stream chunks and errors for {@link OpenAiChatClient}, so every
 * provider answers OpenAI clients in the same shape.
 */
final class OpenAiOut {

    private OpenAiOut() {
    }

    /** An error body as the stream's last event, then [DONE]. */
    static void fail(List<SseEvent> out, ObjectNode body) {
        out.add(SseEvent.data(Json.write(body)));
        out.add(SseEvent.done());
    }

    /** The backend closed the stream before it finished the answer. */
    static void truncated(List<SseEvent> out) {
        fail(out, ErrorBodies.openAi("upstream stream ended before the response was complete", "server_error", null,
                "upstream_stream_truncated"));
    }

    /**
     * chat.completion.chunk events of one stream. Every chunk repeats the id and created of the
     * first; the id is generated then unless the translator set one from the backend before.
     * Written as text, not trees: the part every chunk repeats (id, object, created, model) once
     * per stream (again when the model changes), each chunk's delta escaped as Jackson would.
     */
    static final class Chunks {
        private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
        private final RequestContext ctx;
        private final Supplier<String> model;
        String id;
        private long created = -1;
        private String head; // {"id":...,"model":...,"choices": for headId and headModel
        private String headId;
        private String headModel;

        Chunks(RequestContext ctx, Supplier<String> model) {
            this.ctx = ctx;
            this.model = model;
        }

        private static StringBuilder quote(StringBuilder sb, String s) {
            sb.append('"');
            QUOTE.quoteAsString(s, sb);
            return sb.append('"');
        }

        /** The chunk's members before its choices, through {@code "choices":}. */
        private String head() {
            if (id == null) {
                id = "chatcmpl-" + ctx.ids().get();
            }
            if (created < 0) {
                created = ctx.epochSeconds().getAsLong();
            }
            String m = model.get();
            if (head == null || !id.equals(headId) || !m.equals(headModel)) {
                StringBuilder sb = new StringBuilder(96 + id.length() + m.length());
                quote(sb.append("{\"id\":"), id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created);
                quote(sb.append(",\"model\":"), m).append(",\"choices\":");
                head = sb.toString();
                headId = id;
                headModel = m;
            }
            return head;
        }

        /** A chunk's text up to its delta, which the caller appends. */
        private StringBuilder open(int deltaSize) {
            String h = head();
            return new StringBuilder(h.length() + deltaSize + 72).append(h).append("[{\"index\":0,\"delta\":");
        }

        private static SseEvent close(StringBuilder sb, String finishReason) {
            sb.append(",\"logprobs\":null,\"finish_reason\":");
            if (finishReason == null) {
                sb.append("null");
            } else {
                quote(sb, finishReason);
            }
            return SseEvent.data(sb.append("}]}").toString());
        }

        /** The first chunk: the assistant role with empty content, as OpenAI sends it. */
        SseEvent role() {
            return close(open(32).append("{\"role\":\"assistant\",\"content\":\"\"}"), null);
        }

        /** A content or reasoning_content fragment ({@code field} is one of those names). */
        SseEvent text(String field, String text) {
            StringBuilder sb = open(text.length() + 24).append("{\"").append(field).append("\":");
            return close(quote(sb, text).append('}'), null);
        }

        /** A tool call's first chunk: id and name, arguments to follow. */
        SseEvent toolStart(int index, String id, String name, String thoughtSignature) {
            StringBuilder sb = open(id.length() + name.length() + 96).append("{\"tool_calls\":[{\"index\":").append(index);
            quote(sb.append(",\"id\":"), id).append(",\"type\":\"function\",\"function\":{\"name\":");
            quote(sb, name).append(",\"arguments\":\"\"}");
            if (thoughtSignature != null) {
                quote(sb.append(",\"extra_content\":{\"google\":{\"thought_signature\":"), thoughtSignature).append("}}");
            }
            return close(sb.append("}]}"), null);
        }

        SseEvent toolArguments(int index, String partial) {
            StringBuilder sb = open(partial.length() + 64).append("{\"tool_calls\":[{\"index\":").append(index);
            quote(sb.append(",\"function\":{\"arguments\":"), partial);
            return close(sb.append("}}]}"), null);
        }

        SseEvent finish(String finishReason) {
            return close(open(2).append("{}"), finishReason);
        }

        /** The clean end: the usage chunk when there is one to send, then [DONE]. */
        void end(List<SseEvent> out, ObjectNode usage) {
            if (usage != null) {
                out.add(usage(usage));
            }
            out.add(SseEvent.done());
        }

        /** The usage-only chunk stream_options.include_usage asks for, with no choices. */
        SseEvent usage(ObjectNode usage) {
            return SseEvent.data(head() + "[],\"usage\":" + Json.write(usage) + "}");
        }
    }
}

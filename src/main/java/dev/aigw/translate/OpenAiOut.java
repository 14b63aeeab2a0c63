package dev.aigw.translate;

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
     */
    static final class Chunks {
        private final RequestContext ctx;
        private final Supplier<String> model;
        String id;
        private long created = -1;

        Chunks(RequestContext ctx, Supplier<String> model) {
            this.ctx = ctx;
            this.model = model;
        }

        private ObjectNode base() {
            if (id == null) {
                id = "chatcmpl-" + ctx.ids().get();
            }
            if (created < 0) {
                created = ctx.epochSeconds().getAsLong();
            }
            ObjectNode c = Json.obj();
            c.put("id", id);
            c.put("object", "chat.completion.chunk");
            c.put("created", created);
            c.put("model", model.get());
            return c;
        }

        SseEvent chunk(ObjectNode delta, String finishReason) {
            ObjectNode c = base();
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            return SseEvent.data(Json.write(c));
        }

        /** The first chunk: the assistant role with empty content, as OpenAI sends it. */
        SseEvent role() {
            ObjectNode delta = Json.obj();
            delta.put("role", "assistant");
            delta.put("content", "");
            return chunk(delta, null);
        }

        /** A content or reasoning_content fragment. */
        SseEvent text(String field, String text) {
            ObjectNode delta = Json.obj();
            delta.put(field, text);
            return chunk(delta, null);
        }

        SseEvent tool(ObjectNode call) {
            ObjectNode delta = Json.obj();
            delta.putArray("tool_calls").add(call);
            return chunk(delta, null);
        }

        /** A tool call's first chunk: id and name, arguments to follow. */
        SseEvent toolStart(int index, String id, String name, String thoughtSignature) {
            ObjectNode call = Json.obj();
            call.put("index", index);
            call.put("id", id);
            call.put("type", "function");
            ObjectNode fn = call.putObject("function");
            fn.put("name", name);
            fn.put("arguments", "");
            if (thoughtSignature != null) {
                call.putObject("extra_content").putObject("google").put("thought_signature", thoughtSignature);
            }
            return tool(call);
        }

        SseEvent toolArguments(int index, String partial) {
            ObjectNode call = Json.obj();
            call.put("index", index);
            call.putObject("function").put("arguments", partial);
            return tool(call);
        }

        SseEvent finish(String finishReason) {
            return chunk(Json.obj(), finishReason);
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
            ObjectNode c = base();
            c.putArray("choices");
            c.set("usage", usage);
            return SseEvent.data(Json.write(c));
        }
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes OpenAI Chat Completions responses, chunks and errors: the client side of every
 * {@code OpenAiChatTo*} translator, so all backends answer OpenAI clients in the same shape.
 */
final class OpenAiOut {

    private OpenAiOut() {
    }

    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.obj();
        o.put("prompt_tokens", u.input());
        o.put("completion_tokens", u.output());
        o.put("total_tokens", u.total());
        o.putObject("prompt_tokens_details").put("cached_tokens", u.cacheRead());
        return o;
    }

    /** {@link #usage} plus reasoning tokens, for backends that count them separately. */
    static ObjectNode usageWithReasoning(Usage u) {
        ObjectNode o = usage(u);
        o.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoning());
        return o;
    }

    /** A whole tool call of a non-streamed message; a missing input is an empty object. */
    static ObjectNode toolCall(String id, String name, JsonNode input) {
        ObjectNode call = Json.obj();
        call.put("id", id);
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", name);
        fn.put("arguments", input == null || input.isNull() ? "{}" : Json.write(input));
        return call;
    }

    /** A chat.completion with one choice; content is null when the model only called tools. */
    static ObjectNode completion(String id, long created, String model, CharSequence text, CharSequence reasoning,
                                 ArrayNode calls, String finish, ObjectNode usage) {
        ObjectNode out = Json.obj();
        out.put("id", id);
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        out.set("usage", usage);
        return out;
    }

    static TranslatedError invalidRequest(TranslationException e) {
        return new TranslatedError(e.status(), ErrorBodies.openAi(e.getMessage(), "invalid_request_error", e.field(), null));
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

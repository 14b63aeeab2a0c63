package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.Part;
import java.util.List;
import java.util.Set;

/**
 * The client side of the OpenAI Responses API, for providers that do not serve it: requests are
 * read by {@link ResponsesRequest}; answers are written as a {@code response} object with
 * {@code output} items (message with output_text, function_call or custom_tool_call, reasoning
 * with summary text), {@code status} and {@code incomplete_details}, and usage; streams as the
 * Responses events with {@code sequence_number}s ({@link ResponsesStream}).
 *
 * <p>Unlike the other codecs this one is made per exchange: it remembers from the request which
 * tools were custom (their calls go back as {@code custom_tool_call}) and the fields a response
 * object echoes (instructions, tools, tool_choice, text, reasoning, sampling).
 */
public final class ResponsesClient implements ClientCodec {
    private Set<String> customTools = Set.of();
    private ObjectNode echo = Json.obj();

    @Override
    public Schema schema() {
        return Schema.OPENAI_RESPONSES;
    }

    @Override
    public ChatRequest decodeRequest(ObjectNode body, RequestContext ctx, Warnings warnings) throws TranslationException {
        ResponsesRequest r = new ResponsesRequest(warnings);
        ChatRequest decoded = r.decode(body);
        customTools = Set.copyOf(r.customTools());
        echo = Json.obj();
        for (String f : List.of("instructions", "max_output_tokens", "parallel_tool_calls", "temperature", "top_p",
                "tool_choice", "tools", "text", "reasoning", "metadata", "user")) {
            if (body.has(f)) echo.set(f, body.get(f).deepCopy());
        }
        return decoded;
    }

    boolean custom(String toolName) {
        return customTools.contains(toolName);
    }

    /** A response object around {@code output}: what both the whole answer and the stream's last event carry. */
    ObjectNode responseObject(String id, long createdAt, String model, String status, ArrayNode output) {
        ObjectNode r = Json.obj();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("instructions", echo.has("instructions") ? echo.get("instructions") : Json.F.nullNode());
        r.set("max_output_tokens", echo.has("max_output_tokens") ? echo.get("max_output_tokens") : Json.F.nullNode());
        r.put("model", model);
        r.set("output", output);
        r.put("parallel_tool_calls", echo.path("parallel_tool_calls").asBoolean(true));
        r.putNull("previous_response_id");
        r.set("reasoning", echo.has("reasoning") ? echo.get("reasoning") : Json.obj().putNull("effort").putNull("summary"));
        r.put("store", false);
        r.set("temperature", echo.has("temperature") ? echo.get("temperature") : Json.F.numberNode(1.0));
        ObjectNode text = echo.get("text") instanceof ObjectNode t ? t.deepCopy() : Json.obj();
        if (!text.has("format")) text.set("format", Json.obj().put("type", "text"));
        r.set("text", text);
        r.set("tool_choice", echo.has("tool_choice") ? echo.get("tool_choice") : Json.F.textNode("auto"));
        r.set("tools", echo.has("tools") ? echo.get("tools") : Json.arr());
        r.set("top_p", echo.has("top_p") ? echo.get("top_p") : Json.F.numberNode(1.0));
        r.put("truncation", "disabled");
        r.putNull("usage");
        r.set("user", echo.has("user") ? echo.get("user") : Json.F.nullNode());
        r.set("metadata", echo.has("metadata") ? echo.get("metadata") : Json.obj());
        return r;
    }

    /** Sets status, incomplete_details and usage of a finished response object. */
    static void finish(ObjectNode r, FinishReason reason, Usage usage) {
        String incomplete = switch (reason) {
            case MAX_TOKENS, CONTEXT_WINDOW -> "max_output_tokens";
            case CONTENT_FILTER, REFUSAL -> "content_filter";
            default -> null;
        };
        r.put("status", incomplete == null ? "completed" : "incomplete");
        if (incomplete != null) r.putObject("incomplete_details").put("reason", incomplete);
        r.set("usage", usage(usage));
    }

    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.obj();
        o.put("input_tokens", u.input());
        o.putObject("input_tokens_details").put("cached_tokens", u.cacheRead());
        o.put("output_tokens", u.output());
        o.putObject("output_tokens_details").put("reasoning_tokens", u.reasoning());
        o.put("total_tokens", u.total() > 0 ? u.total() : u.input() + u.output());
        return o;
    }

    @Override
    public ObjectNode encodeResponse(ChatResponse response, Exchange exchange) {
        String suffix = exchange.ctx().ids().get();
        ArrayNode output = Json.arr();
        ArrayNode texts = null;
        int n = 0;
        for (Part p : response.content()) {
            switch (p) {
                case Part.Text t -> {
                    if (texts == null) {
                        ObjectNode msg = output.addObject().put("id", "msg_" + suffix + (n == 0 ? "" : "_" + n)).put("type", "message")
                                .put("status", "completed").put("role", "assistant");
                        texts = msg.putArray("content");
                    }
                    texts.addObject().put("type", "output_text").put("text", t.text()).putArray("annotations");
                }
                case Part.Thinking th -> {
                    texts = null;
                    output.add(reasoningItem("rs_" + suffix + "_" + n, th.text(), th.signature().map(s -> ResponsesRequest.SIGNATURE_PREFIX + s).orElse(null)));
                }
                case Part.RedactedThinking r -> {
                    texts = null;
                    output.add(reasoningItem("rs_" + suffix + "_" + n, "", ResponsesRequest.REDACTED_PREFIX + r.data()));
                }
                case Part.ToolCall c -> {
                    texts = null;
                    // Gemini names no call ids: one is made up, as for every client that needs them.
                    String callId = c.id().isEmpty() ? "call_" + suffix + "_" + n : c.id();
                    output.add(callItem(suffix + "_" + n, callId, c.name(), Json.write(c.arguments()), "completed"));
                }
                default -> {
                    // Media, tool results and other formats' parts do not occur in answers.
                }
            }
            n++;
        }
        ObjectNode r = responseObject("resp_" + response.id().orElse(suffix), exchange.ctx().epochSeconds().getAsLong(),
                response.model().orElse(exchange.requestedModel()), "completed", output);
        finish(r, response.finish(), response.usage());
        return r;
    }

    static ObjectNode reasoningItem(String id, String text, String encrypted) {
        ObjectNode item = Json.obj().put("id", id).put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        if (!text.isEmpty()) summary.addObject().put("type", "summary_text").put("text", text);
        if (encrypted != null) item.put("encrypted_content", encrypted);
        return item;
    }

    /** A function_call item, or a custom_tool_call for a custom tool (its input is the one string argument). */
    ObjectNode callItem(String idSuffix, String callId, String name, String arguments, String status) {
        if (custom(name)) {
            String input = Json.parseObject(arguments).map(o -> o.path(ResponsesRequest.CUSTOM_INPUT).asText("")).orElse(arguments);
            return Json.obj().put("id", "ctc_" + idSuffix).put("type", "custom_tool_call").put("status", status)
                    .put("call_id", callId).put("name", name).put("input", input);
        }
        return Json.obj().put("id", "fc_" + idSuffix).put("type", "function_call").put("status", status)
                .put("arguments", arguments).put("call_id", callId).put("name", name);
    }

    @Override
    public StreamEncoder encodeStream(Exchange exchange) {
        return new ResponsesStream(this, exchange);
    }

    @Override
    public TranslatedError encodeError(ChatError error) {
        int status = error.status() == 529 ? 503 : error.status();
        String type = ErrorBodies.openAiTypeForStatus(status);
        return new TranslatedError(status, ErrorBodies.openAi(error.message(), type, error.param().orElse(null),
                error.type().orElse(null)));
    }

    @Override
    public TranslatedError encodeError(TranslationException e) {
        String code = e.kind() == TranslationException.Kind.UNSUPPORTED_FEATURE ? "unsupported_parameter" : "invalid_value";
        return new TranslatedError(e.status(), ErrorBodies.openAi(e.getMessage(), "invalid_request_error", e.field(), code));
    }

    @Override
    public String finishReason(FinishReason reason) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_WINDOW, CONTENT_FILTER, REFUSAL -> "incomplete";
            default -> "completed";
        };
    }
}

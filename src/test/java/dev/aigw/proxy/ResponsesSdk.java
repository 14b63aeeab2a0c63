package dev.aigw.proxy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The openai-java Responses calls the end-to-end tests make: create, stream, and a tool-call round trip. */
final class ResponsesSdk {
    private ResponsesSdk() {
    }

    static OpenAIClient client(String baseUrl) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-client").maxRetries(0).build();
    }

    /** The text of every output_text of the response's message items. */
    static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    static Response create(OpenAIClient c, String model, String input) {
        return c.responses().create(ResponseCreateParams.builder().model(model).instructions("Be brief.").input(input)
                .maxOutputTokens(200L).build());
    }

    /** What a stream delivered: its events' types, sequence numbers, the text deltas and the final response. */
    record Streamed(List<String> types, List<Long> sequence, String text, Response completed) {
    }

    static Streamed stream(OpenAIClient c, String model, String input) {
        List<String> types = new ArrayList<>();
        List<Long> seq = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        Response[] done = {null};
        try (StreamResponse<ResponseStreamEvent> s = c.responses().createStreaming(ResponseCreateParams.builder()
                .model(model).input(input).build())) {
            s.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> {
                    text.append(d.delta());
                    types.add("response.output_text.delta");
                    seq.add(d.sequenceNumber());
                });
                e.created().ifPresent(x -> {
                    types.add("response.created");
                    seq.add(x.sequenceNumber());
                });
                e.completed().ifPresent(x -> {
                    types.add("response.completed");
                    seq.add(x.sequenceNumber());
                    done[0] = x.response();
                });
                e.outputItemDone().ifPresent(x -> {
                    types.add("response.output_item.done");
                    seq.add(x.sequenceNumber());
                });
            });
        }
        return new Streamed(types, seq, text.toString(), done[0]);
    }

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_current_weather").description("Get the current weather in a given location")
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"),
                                "unit", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location", "unit"))).build())
                .strict(true).build();
    }

    /** First call: the model calls the tool. Returns it. */
    static ResponseFunctionToolCall askForTool(OpenAIClient c, String model) {
        Response r = c.responses().create(ResponseCreateParams.builder().model(model)
                .input("What is the weather like in Boston today?").addTool(weatherTool()).build());
        return r.output().stream().flatMap(i -> i.functionCall().stream()).findFirst()
                .orElseThrow(() -> new AssertionError("no function_call in " + r.output()));
    }

    /** Second call: the conversation with the call and its output; returns the answer. */
    static Response answerTool(OpenAIClient c, String model, ResponseFunctionToolCall call) {
        List<ResponseInputItem> input = List.of(
                ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                        .role(com.openai.models.responses.EasyInputMessage.Role.USER)
                        .content("What is the weather like in Boston today?").build()),
                ResponseInputItem.ofFunctionCall(call),
                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("{\"temperature\": 22, \"unit\": \"celsius\"}").build()));
        return c.responses().create(ResponseCreateParams.builder().model(model).inputOfResponse(input)
                .addTool(weatherTool()).build());
    }
}

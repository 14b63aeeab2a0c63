package dev.aigw.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.BackendResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in {@code mock} provider: answers OpenAI Chat Completions by itself, plain or
 * streamed, by echoing the last user message. It lets the gateway be tried, and wired into an
 * app, with no provider account. It is a real provider kind, not a test double: see docs/providers.md.
 */
public record MockProvider(String name, BackendResource.Mock spec) implements Provider {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final AtomicLong IDS = new AtomicLong();
    private static final Target TARGET = new Target("builtin", 0, Optional.empty(), "Authorization", "",
            new Credential.None());

    public String kind() {
        return "mock";
    }

    public Optional<String> model() {
        return spec.model();
    }

    public Target target() {
        return TARGET;
    }

    /** Validates the request; the proxy answers it with {@link #completion} or {@link #chunks}. */
    @Override
    public UpstreamRequest prepare(ClientCall call) throws ProviderException {
        ObjectNode body = Providers.requireBody(call, kind());
        if (!body.path("messages").isArray()) {
            throw new ProviderException(400, "invalid_request_error",
                    "the mock provider answers OpenAI Chat Completions: the body needs a \"messages\" array");
        }
        return new UpstreamRequest(TARGET.host(), 0, false, "/v1/chat/completions", Map.of(), body,
                Providers.streamFlag(body));
    }

    private String modelFor(ObjectNode request) {
        return spec.model().orElse(Providers.bodyModel(request).orElse("mock-1"));
    }

    /** The reply text: the last user message, echoed. */
    static String reply(ObjectNode request) {
        String last = "";
        for (JsonNode m : request.path("messages")) {
            if (!m.path("role").asText().equals("user")) continue;
            JsonNode c = m.path("content");
            if (c.isTextual()) last = c.asText();
            else if (c.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : c) if (part.path("type").asText().equals("text")) sb.append(part.path("text").asText());
                last = sb.toString();
            }
        }
        return last.isEmpty() ? "Hello from the mock provider." : "Mock reply to: " + last;
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static int promptWords(ObjectNode request) {
        int n = 0;
        for (JsonNode m : request.path("messages")) n += words(m.path("content").isTextual() ? m.path("content").asText() : "");
        return n;
    }

    public ObjectNode completion(ObjectNode request) {
        String text = reply(request);
        ObjectNode out = NODES.objectNode();
        out.put("id", "chatcmpl-mock-" + IDS.incrementAndGet());
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", modelFor(request));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", text);
        choice.put("finish_reason", "stop");
        out.set("usage", usage(promptWords(request), words(text)));
        return out;
    }

    /** The SSE data payloads of a streamed answer, one word per chunk, ending with {@code [DONE]}. */
    public List<String> chunks(ObjectNode request) {
        String id = "chatcmpl-mock-" + IDS.incrementAndGet();
        long created = System.currentTimeMillis() / 1000;
        String model = modelFor(request);
        String text = reply(request);
        List<String> out = new ArrayList<>();
        out.add(chunk(id, created, model, NODES.objectNode().put("role", "assistant").put("content", ""), null).toString());
        String[] parts = text.split("(?<= )");
        for (String p : parts) out.add(chunk(id, created, model, NODES.objectNode().put("content", p), null).toString());
        out.add(chunk(id, created, model, NODES.objectNode(), "stop").toString());
        if (request.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode u = NODES.objectNode();
            u.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
            u.putArray("choices");
            u.set("usage", usage(promptWords(request), words(text)));
            out.add(u.toString());
        }
        out.add("[DONE]");
        return out;
    }

    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finish) {
        ObjectNode c = NODES.objectNode();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        ArrayNode choices = c.putArray("choices");
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        ch.set("delta", delta);
        if (finish == null) ch.putNull("finish_reason");
        else ch.put("finish_reason", finish);
        return c;
    }

    private static ObjectNode usage(int in, int out) {
        return NODES.objectNode().put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    }
}

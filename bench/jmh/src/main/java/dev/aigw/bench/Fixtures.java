package dev.aigw.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Benchmark inputs. Requests and non-streamed responses are the golden fixtures' hand-written
 * {@code full} cases (bundled from {@code src/test/resources/golden} by the pom), sent compact as
 * a client would (1.6–2.0 KB). Streams are generated: 100 upstream events in each backend's wire
 * format, shaped like the golden {@code upstream-stream.*} fixtures (start events, text deltas of
 * one or two words, stop, usage), one event per network chunk, as an LLM streams them.
 */
public final class Fixtures {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Events per generated stream, counting the events that carry no text (start, stop, usage, [DONE]). */
    public static final int STREAM_EVENTS = 100;

    private static final String TEXT = "The forecast for Paris calls for overcast skies with a high of fourteen "
            + "degrees Celsius and light winds from the west. Rain is unlikely before the evening, when a band "
            + "of showers may move in from the Atlantic coast. Tomorrow looks brighter, with sunny spells in the "
            + "morning and temperatures rising to seventeen degrees. Pack a light jacket and an umbrella if you "
            + "plan to stay out late, and check the radar before heading home since the timing of the rain "
            + "could still shift by an hour or two.";

    private Fixtures() {
    }

    /** {@code golden/<client>_to_<backend>/<case>/<file>} from the classpath. */
    public static byte[] golden(String pairDir, String caseName, String file) {
        String path = "/golden/" + pairDir + "/" + caseName + "/" + file;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and re-serializes compactly (the fixtures are pretty-printed; clients send compact JSON). */
    public static byte[] compact(byte[] json) {
        try {
            return MAPPER.writeValueAsBytes(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object(byte[] json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} text pieces of one or two words each (with their spaces), cycling through {@link #TEXT}. */
    static List<String> pieces(int n) {
        String[] words = TEXT.split(" ");
        List<String> out = new ArrayList<>(n);
        int w = 0;
        for (int i = 0; i < n; i++) {
            int take = i % 3 == 2 ? 2 : 1;
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < take; k++) {
                sb.append(i == 0 && k == 0 ? "" : " ").append(words[w++ % words.length]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String str(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sse(String event, String data) {
        String s = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A 100-event upstream stream in {@code backend}'s format, one byte array per event. */
    public static List<byte[]> stream(Schema backend) {
        List<byte[]> out = switch (backend) {
            case OPENAI_CHAT -> openAiStream();
            case ANTHROPIC_MESSAGES -> anthropicStream();
            case GEMINI_GENERATE -> geminiStream();
            case BEDROCK_CONVERSE -> bedrockStream();
            // Clients' formats only here: no benchmark streams from a Responses or embeddings upstream.
            case OPENAI_RESPONSES, OPENAI_EMBEDDINGS -> throw new IllegalArgumentException(backend + " has no generated stream");
        };
        if (out.size() != STREAM_EVENTS) {
            throw new IllegalStateException(backend + " stream has " + out.size() + " events");
        }
        return out;
    }

    private static List<byte[]> openAiStream() {
        String head = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_f9f4fb6dbf\",\"choices\":";
        List<byte[]> out = new ArrayList<>();
        out.add(sse(null, head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
        for (String p : pieces(STREAM_EVENTS - 4)) {
            out.add(sse(null, head + "[{\"index\":0,\"delta\":{\"content\":" + str(p)
                    + "},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
        }
        out.add(sse(null, head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}"));
        out.add(sse(null, head + "[],\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":131,\"total_tokens\":543,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":128,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                + "\"rejected_prediction_tokens\":0}}}"));
        out.add(sse(null, "[DONE]"));
        return out;
    }

    private static List<byte[]> anthropicStream() {
        List<byte[]> out = new ArrayList<>();
        out.add(sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":284,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":128,\"output_tokens\":2}}}"));
        out.add(sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.add(sse("ping", "{\"type\":\"ping\"}"));
        for (String p : pieces(STREAM_EVENTS - 6)) {
            out.add(sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + str(p) + "}}"));
        }
        out.add(sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        out.add(sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":131}}"));
        out.add(sse("message_stop", "{\"type\":\"message_stop\"}"));
        return out;
    }

    private static List<byte[]> geminiStream() {
        List<byte[]> out = new ArrayList<>();
        List<String> ps = pieces(STREAM_EVENTS);
        for (int i = 0; i < ps.size(); i++) {
            boolean last = i == ps.size() - 1;
            int outTokens = 2 + i * 4 / 3;
            out.add(sse(null, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + str(ps.get(i))
                    + "}],\"role\":\"model\"}," + (last ? "\"finishReason\":\"STOP\"," : "") + "\"index\":0}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":412,\"candidatesTokenCount\":" + outTokens
                    + ",\"totalTokenCount\":" + (412 + outTokens) + ",\"promptTokensDetails\":[{\"modality\":\"TEXT\","
                    + "\"tokenCount\":412}]},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abcStream\"}"));
        }
        return out;
    }

    private static byte[] awsEvent(String type, String payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).encode(bytes);
        return bytes.toByteArray();
    }

    private static List<byte[]> bedrockStream() {
        List<byte[]> out = new ArrayList<>();
        out.add(awsEvent("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefgh\"}"));
        String pad = "abcdefghijklmnopqrstuvwxyz";
        int i = 0;
        for (String p : pieces(STREAM_EVENTS - 4)) {
            out.add(awsEvent("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":" + str(p)
                    + "},\"p\":\"" + pad.substring(0, 2 + (i++ * 7) % 20) + "\"}"));
        }
        out.add(awsEvent("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcdefghijklmn\"}"));
        out.add(awsEvent("messageStop", "{\"stopReason\":\"end_turn\",\"p\":\"abcdefghijklmnopqrstu\"}"));
        out.add(awsEvent("metadata", "{\"usage\":{\"inputTokens\":412,\"outputTokens\":131,\"totalTokens\":543},"
                + "\"metrics\":{\"latencyMs\":1830},\"p\":\"abcdefghijklmnopqrs\"}"));
        return out;
    }

    /** Total bytes of a stream, for the report. */
    public static int size(List<byte[]> chunks) {
        return chunks.stream().mapToInt(c -> c.length).sum();
    }

}

package dev.aigw.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.SseWriter;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamParser;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedRequest;
import dev.aigw.translate.TranslatedResponse;
import dev.aigw.translate.TranslationException;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Translation cost per pair, doing what {@code proxy.AiExchange} does around the translator:
 * <ul>
 *   <li>{@link #request}: parse the client's ~2 KB body ({@code readTree(byte[])}), copy it (the
 *       proxy deep-copies the client body per attempt, for failover), create the translator,
 *       translate, serialize ({@code body.toString().getBytes(UTF_8)}, as {@code UpstreamRequest.bytes()});</li>
 *   <li>{@link #response}: parse the upstream's JSON response, translate, serialize the client body
 *       (for identity the proxy relays the raw bytes, so only parse + usage extraction);</li>
 *   <li>{@link #stream}: a 100-event upstream stream, fed one event per chunk through the backend's
 *       framing parser ({@code SseParser} or {@code EventStreamParser}), translated and encoded per
 *       chunk ({@code SseWriter.encode}), then {@code finish()}/{@code onEnd()}; reported per event
 *       ({@code @OperationsPerInvocation(100)}), so stream set-up and end are spread over the events.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class TranslationBench {

    /** {@code <client>><backend>} schema ids, every pair {@link Translators} supports plus OpenAI identity. */
    @Param({
            "openai-chat>anthropic-messages",
            "openai-chat>gemini-generate",
            "openai-chat>bedrock-converse",
            "anthropic-messages>openai-chat",
            "anthropic-messages>gemini-generate",
            "anthropic-messages>bedrock-converse",
            "openai-chat>openai-chat",
            "openai-responses>anthropic-messages",
            "openai-responses>gemini-generate",
            "openai-responses>openai-chat",
    })
    public String pair;

    private Schema client;
    private Schema backend;
    private byte[] requestBytes;
    private byte[] responseBytes;
    /** Used by {@link #response}: had its {@link Translator#request} called, as in the proxy. */
    private Translator responseTranslator;
    /** Used by {@link #stream}: had {@link Translator#request} called with a streaming body. */
    private Translator streamTranslator;
    private StreamFraming framing;
    private List<byte[]> streamChunks;

    @Setup
    public void setup() throws Exception {
        String[] p = pair.split(">");
        client = Schema.fromId(p[0]).orElseThrow();
        backend = Schema.fromId(p[1]).orElseThrow();
        framing = backend.streamFraming();
        boolean identity = client == backend;
        // Identity has no "full" golden case: it gets the same OpenAI request as openai-chat>anthropic-messages.
        String dir = identity ? "openai-chat_to_anthropic-messages" : p[0] + "_to_" + p[1];
        ObjectNode req = Fixtures.object(Fixtures.golden(dir, "full", "request.json"));
        if (identity) {
            req.put("model", "gpt-4o");
        }
        req.put("stream", false);
        requestBytes = Fixtures.MAPPER.writeValueAsBytes(req);
        responseBytes = Fixtures.compact(identity
                ? Fixtures.golden("openai-chat_to_openai-chat", "basic", "upstream-response.json")
                : Fixtures.golden(dir, "full", "upstream-response.json"));

        responseTranslator = Translators.create(client, backend).orElseThrow();
        responseTranslator.request(Fixtures.object(requestBytes), RequestContext.defaults());

        // The typical streaming client: stream true, and (OpenAI) no stream_options.include_usage.
        ObjectNode streamReq = Fixtures.object(requestBytes);
        streamReq.put("stream", true);
        streamReq.remove("stream_options");
        streamTranslator = Translators.create(client, backend).orElseThrow();
        streamTranslator.request(streamReq, RequestContext.defaults());
        streamChunks = Fixtures.stream(backend);

        check();
    }

    /** Fails the run when an input does not translate cleanly, so no figure measures an error path. */
    private void check() throws Exception {
        byte[] a = request();
        TranslatedResponse r = responseTranslator.response(Fixtures.object(responseBytes));
        if (r.usage().input() <= 0 || r.usage().output() <= 0) {
            throw new IllegalStateException(pair + ": response usage not read: " + r.usage());
        }
        StreamTranslator st = streamTranslator.stream();
        StreamParser parser = framing.newParser();
        int events = 0;
        int outEvents = 0;
        for (byte[] chunk : streamChunks) {
            for (SseEvent e : parser.feed(chunk)) {
                events++;
                outEvents += st.onEvent(e).size();
            }
        }
        for (SseEvent e : parser.finish()) {
            events++;
            outEvents += st.onEvent(e).size();
        }
        outEvents += st.onEnd().size();
        if (events != Fixtures.STREAM_EVENTS || !st.completed() || st.usage().output() <= 0 || outEvents < 90) {
            throw new IllegalStateException(pair + ": stream not translated cleanly: parsed " + events + " events, "
                    + outEvents + " out, completed " + st.completed() + ", usage " + st.usage());
        }
        System.out.printf("%s: request %d B -> %d B, response %d B, stream %d events %d B -> %d events, passthrough %s%n",
                pair, requestBytes.length, a.length, responseBytes.length, events, Fixtures.size(streamChunks),
                outEvents, st.passthrough());
    }

    @Benchmark
    public byte[] request() throws IOException, TranslationException {
        ObjectNode clientBody = (ObjectNode) Fixtures.MAPPER.readTree(requestBytes);
        Translator tr = Translators.create(client, backend).orElseThrow();
        TranslatedRequest t = tr.request(clientBody.deepCopy(), RequestContext.defaults());
        return t.body().toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public Object response() throws IOException {
        ObjectNode upstream = (ObjectNode) Fixtures.MAPPER.readTree(responseBytes);
        TranslatedResponse r = responseTranslator.response(upstream);
        if (responseTranslator.identity()) {
            return r.usage(); // the proxy relays the upstream's bytes unchanged
        }
        return r.body().toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    @OperationsPerInvocation(Fixtures.STREAM_EVENTS)
    public void stream(Blackhole bh) {
        StreamTranslator st = streamTranslator.stream();
        StreamParser parser = framing.newParser();
        boolean raw = st.passthrough();
        for (byte[] chunk : streamChunks) {
            if (raw) {
                // The proxy writes the raw bytes and parses only for accounting.
                for (SseEvent e : parser.feed(chunk)) {
                    bh.consume(st.onEvent(e));
                }
                continue;
            }
            List<SseEvent> out = new ArrayList<>();
            for (SseEvent e : parser.feed(chunk)) {
                out.addAll(st.onEvent(e));
            }
            if (!out.isEmpty()) {
                bh.consume(SseWriter.encode(out));
            }
        }
        List<SseEvent> tail = new ArrayList<>();
        for (SseEvent e : parser.finish()) {
            tail.addAll(st.onEvent(e));
        }
        tail.addAll(st.onEnd());
        bh.consume(st.usage());
        if (!raw && !tail.isEmpty()) {
            bh.consume(SseWriter.encode(tail));
        }
    }
}

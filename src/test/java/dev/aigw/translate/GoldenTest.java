package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks {@code golden/<client>_to_<backend>/<case>/} and checks every translation the case has
 * files for. Run with {@code -Dgolden.update=true} to rewrite the expected files from the
 * current output (then review the diff).
 */
class GoldenTest {

    private static final Path ROOT = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final long NOW = 1_700_000_000L;

    /** Fixed clock and a counter for ids, so outputs are byte-for-byte reproducible. */
    static RequestContext deterministicContext() {
        AtomicInteger n = new AtomicInteger();
        return new RequestContext(() -> NOW, () -> String.format("gen%04d", n.incrementAndGet()),
                Optional.empty(), RequestContext.DEFAULT_MAX_TOKENS);
    }

    /**
     * The deterministic context, plus what a case's optional {@code context.json} sets:
     * {@code {"model": ..., "stream": true, "guardrail": {"identifier", "version", "trace"}}}; {@code stream}
     * is what a Gemini client's streamGenerateContent path says.
     */
    static RequestContext contextFor(Path dir) throws IOException {
        RequestContext ctx = deterministicContext();
        Path file = dir.resolve("context.json");
        if (!Files.exists(file)) {
            return ctx;
        }
        JsonNode c = MAPPER.readTree(Files.readString(file));
        if (c.has("model")) {
            ctx = ctx.withModel(c.get("model").asText());
        }
        if (c.path("stream").asBoolean(false)) {
            ctx = ctx.withClientStream(true);
        }
        JsonNode g = c.get("guardrail");
        if (g != null) {
            ctx = ctx.withGuardrail(new RequestContext.Guardrail(g.path("identifier").asText(), g.path("version").asText(),
                    Optional.ofNullable(g.get("trace")).map(JsonNode::asText)));
        }
        return ctx;
    }

    /**
     * A case's {@code context.json} {@code promptCaching} (agentgateway's policy, its defaults for
     * absent fields) applied to the provider body as the proxy does after translation.
     */
    static void applyPromptCaching(Path dir, Schema backend, ObjectNode body, String model) throws IOException {
        Path file = dir.resolve("context.json");
        if (!Files.exists(file)) {
            return;
        }
        JsonNode pc = MAPPER.readTree(Files.readString(file)).get("promptCaching");
        if (pc == null) {
            return;
        }
        PromptCaching.Config c = new PromptCaching.Config(pc.path("cacheSystem").asBoolean(true),
                pc.path("cacheMessages").asBoolean(true), pc.path("cacheTools").asBoolean(false),
                java.util.OptionalInt.of(pc.path("minTokens").asInt(1024)), pc.path("cacheMessageOffset").asInt(0));
        if (backend == Schema.BEDROCK_CONVERSE) {
            PromptCaching.bedrock(body, model, c);
        } else if (backend == Schema.ANTHROPIC_MESSAGES) {
            PromptCaching.anthropic(body, c);
        }
    }

    @TestFactory
    Stream<DynamicNode> golden() throws IOException {
        List<DynamicNode> pairs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path pairDir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String[] ids = pairDir.getFileName().toString().split("_to_");
                Schema client = Schema.fromId(ids[0]).orElseThrow(() -> new IllegalStateException("bad dir " + pairDir));
                Schema backend = Schema.fromId(ids[1]).orElseThrow(() -> new IllegalStateException("bad dir " + pairDir));
                List<DynamicNode> cases = new ArrayList<>();
                try (Stream<Path> caseDirs = Files.list(pairDir)) {
                    for (Path c : caseDirs.filter(Files::isDirectory).sorted().toList()) {
                        cases.add(DynamicContainer.dynamicContainer(c.getFileName().toString(), tests(client, backend, c)));
                    }
                }
                pairs.add(DynamicContainer.dynamicContainer(pairDir.getFileName().toString(), cases));
            }
        }
        return pairs.stream();
    }

    private List<DynamicNode> tests(Schema client, Schema backend, Path dir) {
        List<DynamicNode> t = new ArrayList<>();
        if (!Files.exists(dir.resolve("request.json"))) {
            t.add(DynamicTest.dynamicTest("has request.json", () -> fail("every case needs request.json: " + dir)));
            return t;
        }
        t.add(DynamicTest.dynamicTest("request", () -> checkRequest(client, backend, dir)));
        if (Files.exists(dir.resolve("upstream-response.json"))) {
            t.add(DynamicTest.dynamicTest("response", () -> checkResponse(client, backend, dir)));
        }
        if (Files.exists(dir.resolve("upstream-stream.sse")) || Files.exists(dir.resolve("upstream-stream.events.json"))) {
            t.add(DynamicTest.dynamicTest("stream", () -> checkStream(client, backend, dir)));
        }
        if (Files.exists(dir.resolve("upstream-error.json"))) {
            t.add(DynamicTest.dynamicTest("error", () -> checkError(client, backend, dir)));
        }
        t.add(DynamicTest.dynamicTest("canonical", () -> checkCanonical(client, backend, dir)));
        return t;
    }

    private static Translator begin(Schema client, Schema backend, Path dir) throws TranslationException, IOException {
        Translator tr = Translators.create(client, backend).orElseThrow();
        tr.request(readObject(dir.resolve("request.json")), contextFor(dir));
        return tr;
    }

    private void checkRequest(Schema client, Schema backend, Path dir) throws IOException {
        Translator tr = Translators.create(client, backend).orElseThrow();
        ObjectNode actual;
        Path expected;
        try {
            TranslatedRequest r = tr.request(readObject(dir.resolve("request.json")), contextFor(dir));
            actual = r.body();
            applyPromptCaching(dir, backend, actual, r.model());
            if (Files.exists(dir.resolve("upstream-path.txt")) || UPDATE && !java.util.Objects.equals(r.path(), defaultPath(backend))) {
                comparePath(dir.resolve("upstream-path.txt"), r.path() + (r.streaming() ? " (streaming)" : ""));
            }
            expected = dir.resolve("upstream-request.json");
            if (!Files.exists(expected) && !UPDATE) {
                fail("translation succeeded but the case expects request-error.json: " + Json.write(actual));
            }
        } catch (TranslationException e) {
            TranslatedError err = tr.error(e);
            actual = statusAndBody(err.status(), err.body());
            expected = dir.resolve("request-error.json");
            if (!Files.exists(expected) && !UPDATE) {
                fail("translation failed: " + e.getMessage());
            }
        }
        compareJson(expected, actual);
    }

    private void checkResponse(Schema client, Schema backend, Path dir) throws Exception {
        Translator tr = begin(client, backend, dir);
        TranslatedResponse r = tr.response(readObject(dir.resolve("upstream-response.json")));
        compareJson(dir.resolve("response.json"), r.body());
        compareJson(dir.resolve("usage.json"), usageJson(r.usage(), r.model(), r.finishReason(), Optional.empty()));
        // The proxy's path, from the upstream's bytes to the client's: the same answer, byte for byte.
        TranslatedBytes b = begin(client, backend, dir).response(Files.readAllBytes(dir.resolve("upstream-response.json")))
                .orElseThrow();
        assertThat(new String(b.body(), StandardCharsets.UTF_8)).as("response from bytes").isEqualTo(Json.write(r.body()));
        assertThat(b.usage()).isEqualTo(r.usage());
        assertThat(b.model()).isEqualTo(r.model());
        assertThat(b.finishReason()).isEqualTo(r.finishReason());
    }

    private void checkStream(Schema client, Schema backend, Path dir) throws Exception {
        // The same bytes chunked three ways must give identical client streams.
        List<byte[]> perEvent = new ArrayList<>();
        byte[] upstream;
        if (Files.exists(dir.resolve("upstream-stream.events.json"))) {
            assertThat(backend.streamFraming()).isEqualTo(StreamFraming.AWS_EVENT_STREAM);
            perEvent.addAll(EventStreamFixtures.encode(MAPPER.readTree(Files.readString(dir.resolve("upstream-stream.events.json")))));
            upstream = EventStreamFixtures.concat(perEvent);
        } else {
            assertThat(backend.streamFraming()).isEqualTo(StreamFraming.SSE);
            upstream = Files.readAllBytes(dir.resolve("upstream-stream.sse"));
            SseParser splitter = new SseParser();
            List<SseEvent> events = new ArrayList<>(splitter.feed(upstream));
            events.addAll(splitter.finish());
            for (SseEvent e : events) {
                perEvent.add(e.bytes());
            }
        }
        StreamRun whole = runStream(begin(client, backend, dir), backend, List.of(upstream));
        StreamRun byEvent = runStream(begin(client, backend, dir), backend, perEvent);
        List<byte[]> perByte = new ArrayList<>();
        for (byte b : upstream) {
            perByte.add(new byte[] {b});
        }
        StreamRun byByte = runStream(begin(client, backend, dir), backend, perByte);
        assertThat(byEvent.wire).as("event-by-event output").isEqualTo(whole.wire);
        assertThat(byByte.wire).as("byte-by-byte output").isEqualTo(whole.wire);
        assertThat(byEvent.framingError).isEqualTo(whole.framingError);
        assertThat(byByte.framingError).isEqualTo(whole.framingError);
        if (backend.streamFraming() == StreamFraming.SSE && client != backend) {
            // The relay's byte path (blocks read in place, events written as bytes): the same stream, byte for byte.
            for (List<byte[]> chunks : List.of(List.of(upstream), perEvent, perByte)) {
                StreamRun bytes = runBlocks(begin(client, backend, dir), chunks);
                assertThat(bytes.wire).as("byte path, %d chunks", chunks.size()).isEqualTo(whole.wire);
                assertThat(bytes.framingError).isEqualTo(whole.framingError);
                StreamTranslator a = bytes.translator;
                StreamTranslator b = whole.translator;
                assertThat(List.of(a.usage(), a.model(), a.finishReason(), a.completed(), a.streamedText().text()))
                        .as("byte path's accounting").isEqualTo(List.of(b.usage(), b.model(), b.finishReason(), b.completed(),
                                b.streamedText().text()));
            }
        }

        Path expected = dir.resolve("stream.sse");
        if (UPDATE) {
            Files.writeString(expected, whole.wire);
        } else {
            List<SseEvent> want = parseAll(Files.readAllBytes(expected));
            List<SseEvent> got = parseAll(whole.wire.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                SseEvent w = want.get(i);
                SseEvent g = got.get(i);
                assertThat(g.event()).as("event %d name", i).isEqualTo(w.event());
                Optional<JsonNode> wj = Json.parse(w.data());
                if (wj.isPresent() && !w.isDone()) {
                    assertThat(normalize(Json.parse(g.data()).orElse(null))).as("event %d data", i).isEqualTo(wj.get());
                } else {
                    assertThat(g.data()).as("event %d data", i).isEqualTo(w.data());
                }
            }
            assertThat(got).as("event count").hasSameSizeAs(want);
            if (client == Schema.OPENAI_CHAT) {
                // Chunks are written as text: each must be what Jackson writes for its tree, byte for byte.
                for (SseEvent g : got) {
                    if (!g.isDone()) {
                        assertThat(g.data()).isEqualTo(Json.write(Json.parse(g.data()).orElseThrow()));
                    }
                }
            }
        }
        if (!Files.exists(dir.resolve("upstream-response.json"))) {
            StreamTranslator st = whole.translator;
            ObjectNode usage = usageJson(st.usage(), st.model(), st.finishReason(), Optional.of(st.completed()));
            if (whole.framingError) {
                usage.put("framing_error", true);
            }
            compareJson(dir.resolve("usage.json"), usage);
        }
    }

    /**
     * {@code canonical.json}: what the case passes through the canonical model, each codec half on
     * its own fixture: the client codec's decoded request (and the warnings the provider codec
     * adds), and the provider codec's decoded response, stream events (fed whole) and error.
     * Same-format cases pin their codecs this way too, though they relay bytes.
     */
    private void checkCanonical(Schema client, Schema backend, Path dir) throws Exception {
        ClientCodec cc = Translators.client(client).orElseThrow();
        ProviderCodec pc = Translators.provider(backend).orElseThrow();
        RequestContext ctx = contextFor(dir);
        Warnings w = new Warnings();
        ObjectNode out = Json.obj();
        dev.aigw.translate.canonical.ChatRequest r;
        try {
            r = cc.decodeRequest(readObject(dir.resolve("request.json")), ctx, w);
        } catch (TranslationException e) {
            out.put("request_error", e.getMessage());
            compareJson(dir.resolve("canonical.json"), out);
            return;
        }
        out.set("request", CanonicalJson.of(r));
        String model = ctx.model().or(r::model).orElse("");
        if (client != backend) {
            try {
                pc.encodeRequest(new dev.aigw.translate.canonical.ChatRequest(Optional.of(model), r.system(), r.messages(),
                        r.tools(), r.toolChoice(), r.parallelToolCalls(), r.sampling(), r.reasoning(), r.output(), r.stream(),
                        r.user(), r.extensions()), ctx, w);
            } catch (TranslationException e) {
                out.put("encode_error", e.getMessage());
            }
        }
        if (!w.list().isEmpty()) {
            out.set("warnings", CanonicalJson.of(w.list()));
        }
        Exchange x = new Exchange(ctx, r, model);
        if (Files.exists(dir.resolve("upstream-response.json"))) {
            out.set("response", CanonicalJson.of(pc.decodeResponse(readObject(dir.resolve("upstream-response.json")), x)));
        }
        List<SseEvent> upstream = upstreamEvents(backend, dir);
        if (upstream != null) {
            ProviderCodec.StreamDecoder d = pc.decodeStream(x);
            List<dev.aigw.translate.canonical.StreamEvent> events = new ArrayList<>();
            for (SseEvent e : upstream) {
                d.decode(e, events);
            }
            out.set("stream", CanonicalJson.of(events));
        }
        if (Files.exists(dir.resolve("upstream-error.json"))) {
            ObjectNode up = readObject(dir.resolve("upstream-error.json"));
            out.set("error", CanonicalJson.of(pc.decodeError(up.path("status").asInt(),
                    up.get("body") instanceof ObjectNode o ? o : null)));
        }
        compareJson(dir.resolve("canonical.json"), out);
    }

    /** The upstream stream's events as the proxy's parser gives them, up to a framing error; null without a stream. */
    private static List<SseEvent> upstreamEvents(Schema backend, Path dir) throws IOException {
        byte[] bytes;
        if (Files.exists(dir.resolve("upstream-stream.events.json"))) {
            bytes = EventStreamFixtures.concat(EventStreamFixtures.encode(MAPPER.readTree(
                    Files.readString(dir.resolve("upstream-stream.events.json")))));
        } else if (Files.exists(dir.resolve("upstream-stream.sse"))) {
            bytes = Files.readAllBytes(dir.resolve("upstream-stream.sse"));
        } else {
            return null;
        }
        StreamParser parser = backend.streamFraming().newParser();
        List<SseEvent> out = new ArrayList<>();
        try {
            out.addAll(parser.feed(bytes));
            out.addAll(parser.finish());
        } catch (StreamFramingException e) {
            // the events before the broken frame are what the translator saw
        }
        return out;
    }

    /** Paths that hold no per-request information are not worth a file per case. */
    private static String defaultPath(Schema backend) {
        return switch (backend) {
            case OPENAI_CHAT -> OpenAiChatProvider.PATH;
            case ANTHROPIC_MESSAGES -> AnthropicMessagesProvider.PATH;
            default -> "";
        };
    }

    private static void comparePath(Path expected, String actual) throws IOException {
        if (UPDATE) {
            Files.writeString(expected, actual + "\n");
        } else {
            assertThat(actual).as(expected.toString()).isEqualTo(Files.readString(expected).strip());
        }
    }

    private record StreamRun(String wire, StreamTranslator translator, boolean framingError) {
    }

    /** Feeds chunks as the proxy would: a framing error stops the feed and the translator is ended. */
    private static StreamRun runStream(Translator tr, Schema backend, List<byte[]> chunks) {
        StreamTranslator st = tr.stream();
        StreamParser parser = backend.streamFraming().newParser();
        List<SseEvent> out = new ArrayList<>();
        boolean framingError = false;
        try {
            for (byte[] chunk : chunks) {
                for (SseEvent e : parser.feed(chunk)) {
                    out.addAll(st.onEvent(e));
                }
            }
            for (SseEvent e : parser.finish()) {
                out.addAll(st.onEvent(e));
            }
        } catch (StreamFramingException e) {
            framingError = true;
        }
        out.addAll(st.onEnd());
        return new StreamRun(SseWriter.encodeToString(out), st, framingError);
    }

    /** As {@link #runStream}, through the relay's byte path: {@link SseSplitter} blocks to {@link SseBytesTranslator#onBlock}. */
    private static StreamRun runBlocks(Translator tr, List<byte[]> chunks) {
        SseBytesTranslator st = (SseBytesTranslator) tr.stream();
        SseSplitter splitter = new SseSplitter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        SseBytesTranslator.Output o = (a, from, to) -> out.write(a, from, to - from);
        boolean framingError = false;
        try {
            for (byte[] chunk : chunks) {
                splitter.feed(chunk, 0, chunk.length, b -> st.onBlock(b, o));
            }
            splitter.finish(b -> st.onBlock(b, o));
        } catch (StreamFramingException e) {
            framingError = true;
        }
        out.writeBytes(SseWriter.encode(st.onEnd()));
        return new StreamRun(out.toString(StandardCharsets.UTF_8), st, framingError);
    }

    private void checkError(Schema client, Schema backend, Path dir) throws Exception {
        Translator tr = begin(client, backend, dir);
        ObjectNode up = readObject(dir.resolve("upstream-error.json"));
        JsonNode body = up.get("body");
        TranslatedError err = tr.error(up.path("status").asInt(), body instanceof ObjectNode o ? o : null);
        compareJson(dir.resolve("error.json"), statusAndBody(err.status(), err.body()));
    }

    private static ObjectNode statusAndBody(int status, ObjectNode body) {
        ObjectNode o = Json.obj();
        o.put("status", status);
        o.set("body", body);
        return o;
    }

    private static ObjectNode usageJson(Usage u, Optional<String> model, Optional<String> finish, Optional<Boolean> completed) {
        ObjectNode o = Json.obj();
        ObjectNode usage = o.putObject("usage");
        usage.put("input", u.input());
        usage.put("output", u.output());
        usage.put("total", u.total());
        usage.put("cache_read", u.cacheRead());
        usage.put("cache_write", u.cacheWrite());
        usage.put("reasoning", u.reasoning());
        model.ifPresentOrElse(m -> o.put("model", m), () -> o.putNull("model"));
        finish.ifPresentOrElse(f -> o.put("finish_reason", f), () -> o.putNull("finish_reason"));
        completed.ifPresent(c -> o.put("completed", c));
        return o;
    }

    private static List<SseEvent> parseAll(byte[] bytes) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>(p.feed(bytes));
        out.addAll(p.finish());
        return out;
    }

    private static void compareJson(Path expected, JsonNode actual) {
        try {
            if (UPDATE) {
                Files.writeString(expected, MAPPER.writeValueAsString(actual) + "\n");
                return;
            }
            if (!Files.exists(expected)) {
                fail("missing " + expected + "; actual:\n" + MAPPER.writeValueAsString(actual));
            }
            JsonNode want = MAPPER.readTree(Files.readString(expected));
            JsonNode got = normalize(actual);
            if (!got.equals(want)) {
                assertThat(MAPPER.writeValueAsString(got)).as(expected.toString())
                        .isEqualTo(MAPPER.writeValueAsString(want));
                fail(expected + " differs (key order only?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-parses so that int/long node kinds compare equal with parsed files. */
    private static JsonNode normalize(JsonNode n) {
        return n == null ? null : Json.parse(Json.write(n)).orElseThrow();
    }

    private static ObjectNode readObject(Path p) throws IOException {
        return (ObjectNode) MAPPER.readTree(Files.readString(p));
    }
}

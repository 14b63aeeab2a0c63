package dev.aigw.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON floor under {@link TranslationBench#request}: Jackson tree parse alone, and parse +
 * deep copy + {@code toString()} serialize, of the same ~2 KB client bodies, with no translation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class JsonBaselineBench {

    @Param({"openai-chat", "anthropic-messages"})
    public String client;

    private byte[] body;

    @Setup
    public void setup() {
        String dir = client.equals("openai-chat") ? "openai-chat_to_anthropic-messages" : "anthropic-messages_to_openai-chat";
        body = Fixtures.compact(Fixtures.golden(dir, "full", "request.json"));
    }

    @Benchmark
    public JsonNode parse() throws IOException {
        return Fixtures.MAPPER.readTree(body);
    }

    @Benchmark
    public byte[] parseCopySerialize() throws IOException {
        ObjectNode n = (ObjectNode) Fixtures.MAPPER.readTree(body);
        return n.deepCopy().toString().getBytes(StandardCharsets.UTF_8);
    }
}

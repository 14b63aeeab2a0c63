package dev.aigw.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.BodyText;
import dev.aigw.policy.PromptText;
import dev.aigw.translate.Identity;
import dev.aigw.translate.RequestContext;
import dev.aigw.translate.Schema;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming scan reads what the tree would say, or declines; its bytes with a new model are the tree with that model. */
class BodyScanTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> bodies() throws Exception {
        List<String> out = new ArrayList<>(List.of(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2}",
                " {\n  \"messages\": [ {\"content\": \"role after\", \"role\": \"assistant\"} ],\n  \"model\" : \"m\\u002dx\" , \"n\": 1e2 }  ",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"text\":\"b\",\"type\":\"input_text\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},\"bare\",3,{\"type\":\"text\",\"text\":7},{\"type\":1,\"text\":\"t\"}]}]}",
                "{\"model\":\"m\",\"messages\":[1,\"s\",null,{\"content\":\"no role\"},{\"role\":\"tool\",\"content\":null},{\"role\":\"user\",\"content\":{\"a\":\"b\"}}]}",
                "{\"model\":\"é ünï \\\"q\\\"\",\"stream\":false,\"messages\":[]}",
                "{\"model\":\"m\",\"stream\":null}",
                "{\"model\":\"m\"} trailing",
                "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources/golden"))) {
            for (Path p : s.filter(f -> f.toString().contains("openai-chat_to_") && f.getFileName().toString().equals("request.json")).toList()) {
                out.add(Files.readString(p));
            }
        }
        // Streams: stream_options absent, empty, with other members, include_usage false, null or true, before or after.
        List<String> streams = new ArrayList<>();
        for (String b : out) {
            if (b.contains("\"stream\"")) continue;
            int open = b.indexOf('{') + 1;
            int close = b.lastIndexOf('}');
            streams.add(b.substring(0, open) + "\"stream\":true," + b.substring(open));
            streams.add(b.substring(0, close) + " ,\n \"stream\" : true " + b.substring(close));
        }
        for (String opts : List.of("{}", "{ }", "{\"x\":[1,{}]}", "{\"include_usage\":false}", "{\"include_usage\" : null , \"y\":2}",
                "{\"include_usage\":true}", "{\"a\":1,\"include_usage\":true}")) {
            streams.add("{\"stream_options\":" + opts + ",\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            streams.add("{\"model\":\"m\",\"stream\":true,\"stream_options\":" + opts + "}");
            streams.add("{\"model\":\"m\",\"stream\":false,\"stream_options\":" + opts + "}");
        }
        out.addAll(streams);
        out.add("{\"model\":\"m\",\"stream\":false,\"stream_options\":null}");
        return out;
    }

    /** What an OpenAI Chat passthrough sends for this client body with model {@code m}: Identity's request of the tree. */
    private static ObjectNode upstreamBody(ObjectNode clientTree, String m) {
        return new Identity(Schema.OPENAI_CHAT).request(clientTree.deepCopy().put("model", m), RequestContext.defaults()).body();
    }

    @Test
    void whatTheScanReadsIsWhatTheTreeSays() throws Exception {
        int scanned = 0;
        int streams = 0;
        for (String body : bodies()) {
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            ObjectNode tree = (ObjectNode) JSON.readTree(raw);
            BodyScan s = BodyScan.of(raw, true);
            assertThat(s).as(body).isNotNull();
            scanned++;
            assertThat(s.model()).isEqualTo(tree.get("model").asText());
            boolean stream = tree.path("stream").asBoolean(false);
            assertThat(s.stream()).as(body).isEqualTo(stream);
            if (stream) streams++;
            List<PromptText> want = BodyText.request(Schema.OPENAI_CHAT, tree).stream()
                    .map(t -> new PromptText(t.role(), t.text())).toList();
            assertThat(s.texts()).as(body).isEqualTo(want);

            ClientBody cb = ClientBody.scanned(raw, s);
            assertThat(cb.stream()).isEqualTo(stream);
            // The stand-in tells Identity what the tree would: whether the client asked for stream usage.
            Identity fromTree = new Identity(Schema.OPENAI_CHAT);
            fromTree.request(tree.deepCopy(), RequestContext.defaults());
            Identity fromStandIn = new Identity(Schema.OPENAI_CHAT);
            ObjectNode standIn = fromStandIn.request(cb.standIn(), RequestContext.defaults()).body();
            assertThat(fromStandIn.clientAskedForUsage()).as(body).isEqualTo(fromTree.clientAskedForUsage());
            assertThat(standIn.path("stream").asBoolean(false)).isEqualTo(stream);
            assertThat(standIn.path("model").asText()).isEqualTo(s.model());
            // The bytes are what the tree's passthrough sends: the model pinned, include_usage asked for.
            assertThat(JSON.readTree(cb.bytesWithModel("pinned \"ü\"\n"))).as(body).isEqualTo(upstreamBody(tree, "pinned \"ü\"\n"));
            assertThat(JSON.readTree(cb.bytesWithModel(s.model()))).as(body).isEqualTo(upstreamBody(tree, s.model()));
            if (fromTree.clientAskedForUsage()) assertThat(cb.bytesWithModel(s.model())).isSameAs(raw);
            assertThat(cb.treeBuilt()).isFalse();
            assertThat(cb.tree()).isEqualTo(tree);
            assertThat(cb.promptTexts()).as("once there is a tree, it is the body").isEmpty();
        }
        assertThat(scanned).isGreaterThan(8);
        assertThat(streams).isGreaterThan(20);
    }

    @Test
    void outOfTheOrdinaryShapesTakeTheTree() throws Exception {
        for (String body : List.of("{\"model\":\"a\",\"model\":\"b\"}", "{\"model\":3}", "{\"messages\":[]}", "{\"model\":null}",
                "{\"model\":\"m\",\"stream\":1}", "{\"model\":\"m\",\"stream\":\"false\"}",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":null}", "{\"model\":\"m\",\"stream\":true,\"stream_options\":[]}",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":\"true\"}}",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":1}}",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"include_usage\":true}}",
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{},\"stream_options\":{}}", "{\"model\":\"m\",\"stream\":false,\"stream\":true}",
                "{\"model\":\"m\",\"messages\":{\"a\":{\"content\":\"x\"}}}", "{\"model\":\"m\",\"messages\":[],\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":\"x\"}]}", "{\"model\":\"m\",\"messages\":[{\"role\":null,\"content\":\"x\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"content\":\"x\",\"content\":\"y\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"content\":[{\"type\":\"text\",\"text\":\"a\",\"text\":\"b\"}]}]}", "[1]", "\"s\"")) {
            assertThat(BodyScan.of(body.getBytes(StandardCharsets.UTF_8), true)).as(body).isNull();
        }
    }

    @Test
    void badJsonIsAnsweredAsTheParseAnswersIt() {
        for (String body : List.of("{\"model\": \"m\", \"messages\": [", "{\"model\": \"m\",\n  x}", "{\"a\": tru}", "[1]", "\"text\"", "",
                "{\"model\":\"gpt\\nX: y\"}", "{\"model\":\"a\\u0000\"}", "{\"model\":\"m\",\"x\":[1,}", "{\"model\":\"m\"")) {
            BodyStage.Read r = BodyStage.read(Buffer.buffer(body), true);
            BodyStage.Parsed p = BodyStage.parse(Buffer.buffer(body));
            if (p instanceof BodyStage.Parsed.Bad want) {
                assertThat(r).as(body).isInstanceOf(BodyStage.Read.Bad.class);
                assertThat(((BodyStage.Read.Bad) r).error()).as(body).isEqualTo(want.error());
            } else {
                assertThat(r).as(body).isInstanceOf(BodyStage.Read.Body.class);
            }
        }
    }
}

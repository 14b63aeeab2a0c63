package dev.aigw.translate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The skeleton yields the same usage, model and finish reason as the whole body, for every recorded response. */
class UsageSkeletonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameAccountingAsTheWholeBody() throws Exception {
        Path golden = Path.of("src/test/resources/golden");
        List<Path> responses;
        try (Stream<Path> s = Files.walk(golden)) {
            responses = s.filter(p -> p.getFileName().toString().equals("upstream-response.json")).toList();
        }
        assertThat(responses).hasSizeGreaterThan(10);
        int checked = 0;
        int readByHand = 0;
        for (Path p : responses) {
            String pair = golden.relativize(p).getName(0).toString();
            Schema backend = Schema.fromId(pair.substring(pair.indexOf("_to_") + 4)).orElseThrow();
            byte[] bytes = Files.readAllBytes(p);
            ObjectNode whole = (ObjectNode) JSON.readTree(bytes);
            ObjectNode skeleton = UsageSkeleton.read(bytes);
            ObjectNode byHand = UsageSkeleton.byHand(bytes);
            if (byHand != null) {
                assertThat(byHand).as(p.toString()).isEqualTo(UsageSkeleton.parse(bytes));
                readByHand++;
            }
            Translator a = Translators.create(backend, backend).orElseThrow();
            Translator b = Translators.create(backend, backend).orElseThrow();
            TranslatedResponse full = a.response(whole);
            TranslatedResponse skel = b.response(skeleton);
            assertThat(skel.usage()).as(p.toString()).isEqualTo(full.usage());
            assertThat(skel.model()).as(p.toString()).isEqualTo(full.model());
            assertThat(skel.finishReason()).as(p.toString()).isEqualTo(full.finishReason());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(readByHand).as("responses read without Jackson").isGreaterThan(checked / 2);
        assertThat(UsageSkeleton.read("[1]".getBytes())).isNull();
        assertThat(UsageSkeleton.read("{\"usage\":".getBytes())).isNull();
    }

    /** The kept fields are the very nodes readTree builds: numbers of every width, nesting, null and booleans. */
    @Test
    void keptFieldsAreWhatReadTreeBuilds() throws Exception {
        String deep = "[".repeat(40) + "1" + "]".repeat(40);
        String body = "{\"id\":\"x\",\"skip\":{\"a\":[1,2]},\"model\":\"m\",\"usage\":{\"i\":7,\"l\":12345678901,"
                + "\"big\":123456789012345678901234567890,\"d\":0.25,\"e\":1e3,\"n\":null,\"t\":true,\"f\":false,"
                + "\"s\":\"\\u00e9\\n\",\"arr\":[{\"x\":[]},{}],\"deep\":" + deep + "},"
                + "\"choices\":[{\"index\":0,\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"},3]}";
        ObjectNode whole = (ObjectNode) JSON.readTree(body);
        ObjectNode skeleton = UsageSkeleton.read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(skeleton.get("usage")).isEqualTo(whole.get("usage"));
        assertThat(skeleton.get("usage").get("i").getClass()).isEqualTo(whole.get("usage").get("i").getClass());
        assertThat(skeleton.get("usage").get("l").getClass()).isEqualTo(whole.get("usage").get("l").getClass());
        assertThat(skeleton.get("usage").get("big").getClass()).isEqualTo(whole.get("usage").get("big").getClass());
        assertThat(skeleton.get("usage").get("d").getClass()).isEqualTo(whole.get("usage").get("d").getClass());
        assertThat(skeleton.get("model")).isEqualTo(whole.get("model"));
        assertThat(skeleton.has("skip")).isFalse();
        assertThat(skeleton.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(skeleton.get("choices").get(0).has("message")).isFalse();
    }

    /** By hand, the same nodes as Jackson's reading; what it does not read (fractions, escaped names) goes to Jackson. */
    @Test
    void theReadingByHandBuildsWhatJacksonBuilds() throws Exception {
        String body = " {\"id\":\"x\",\"skip\":{\"a\":[1,2.5,\"\\\"}\"]},\"model\":\"m\\u00e9\",\"usage\":{\"i\":7,"
                + "\"l\":12345678901,\"neg\":-3,\"n\":null,\"t\":true,\"f\":false,\"arr\":[{\"x\":[]},{}],"
                + "\"d\":{\"cached_tokens\":2}},\"choices\":[7,{\"index\":0,\"message\":{\"content\":\"a \\\"quoted\\\" }\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"i\":8}} ";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ObjectNode byHand = UsageSkeleton.byHand(bytes);
        ObjectNode parsed = UsageSkeleton.parse(bytes);
        assertThat(byHand).isNotNull().isEqualTo(parsed);
        assertThat(byHand.get("usage").get("i").asInt()).isEqualTo(8); // the last of a repeated member, as a tree keeps it
        assertThat(byHand.get("model").asText()).isEqualTo("m\u00e9");
        assertThat(byHand.get("choices")).hasSize(1);
        for (String f : List.of("i", "l", "neg")) {
            assertThat(UsageSkeleton.byHand(("{\"usage\":{\"i\":7,\"l\":12345678901,\"neg\":-3}}").getBytes())
                    .get("usage").get(f).getClass()).as(f).isEqualTo(JSON.readTree("{\"i\":7,\"l\":12345678901,\"neg\":-3}").get(f).getClass());
        }
        for (String n : List.of("0.5", "1e3", "01", "-", "1234567890123456789", "--1", "+1")) {
            assertThat(UsageSkeleton.byHand(("{\"usage\":{\"d\":" + n + "}}").getBytes())).as(n).isNull();
        }
        assertThat(UsageSkeleton.byHand("{\"usage\":{\"d\":0,\"e\":-0,\"f\":123456789012345678}}".getBytes()))
                .isEqualTo(JSON.readTree("{\"usage\":{\"d\":0,\"e\":-0,\"f\":123456789012345678}}"));
        assertThat(UsageSkeleton.byHand("{\"usage\":{\"d\":1}} x".getBytes())).isNull();
        assertThat(UsageSkeleton.byHand("{\"usage\":{\"d\":1}".getBytes())).isNull();
        assertThat(UsageSkeleton.read("{\"usage\":{\"d\":0.5}}".getBytes()).get("usage").get("d").asDouble()).isEqualTo(0.5);
    }
}

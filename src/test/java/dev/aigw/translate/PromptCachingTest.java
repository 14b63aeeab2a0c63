package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The edges of {@link PromptCaching} the golden cases do not show: the budget of four, minTokens, models. */
class PromptCachingTest {
    static final PromptCaching.Config ALL = new PromptCaching.Config(true, true, true, OptionalInt.empty(), 0);

    static ObjectNode json(String s) {
        return (ObjectNode) Json.parseObject(s).orElseThrow();
    }

    static int count(ObjectNode body, String marker) {
        int[] n = {0};
        body.findParents(marker).forEach(p -> n[0]++);
        return n[0];
    }

    @Test
    void clientBreakpointsCountFirstAgainstTheLimitOfFour() {
        ObjectNode converse = json("""
                {"system": [{"text": "s"}],
                 "messages": [{"role": "user", "content": [{"text": "a"}, {"cachePoint": {"type": "default"}}]},
                              {"role": "assistant", "content": [{"text": "b"}, {"cachePoint": {"type": "default"}}]},
                              {"role": "user", "content": [{"text": "c"}, {"cachePoint": {"type": "default"}}]}],
                 "toolConfig": {"tools": [{"toolSpec": {"name": "t"}}]}}""");
        PromptCaching.bedrock(converse, "anthropic.claude-sonnet-4-20250514-v1:0", ALL);
        assertThat(count(converse, "cachePoint")).isEqualTo(4);
        assertThat(converse.at("/system/1/cachePoint").isObject()).as("system first").isTrue();
        assertThat(converse.at("/toolConfig/tools").size()).as("no room left for tools").isEqualTo(1);
        assertThat(converse.at("/messages/1/content").size()).as("already marked: no second point").isEqualTo(2);
    }

    @Test
    void minTokensGatesTheSystemBoundaryByBedrocksEstimate() {
        String words = "word ".repeat(788); // 788 * 1.3 = 1024.4
        ObjectNode enough = json("{\"system\": [{\"text\": \"" + words + "\"}], \"messages\": []}");
        ObjectNode shortOne = json("{\"system\": [{\"text\": \"" + "word ".repeat(787) + "\"}], \"messages\": []}");
        PromptCaching.bedrock(enough, "amazon.nova-lite-v1:0", PromptCaching.Config.DEFAULTS);
        PromptCaching.bedrock(shortOne, "amazon.nova-lite-v1:0", PromptCaching.Config.DEFAULTS);
        assertThat(enough.at("/system/1/cachePoint").isObject()).isTrue();
        assertThat(shortOne.at("/system").size()).isEqualTo(1);
    }

    @Test
    void onlyModelsThatCacheGetCachePoints() {
        assertThat(PromptCaching.bedrockSupports("us.anthropic.claude-3-7-sonnet-20250219-v1:0")).isTrue();
        assertThat(PromptCaching.bedrockSupports("amazon.nova-micro-v1:0")).isTrue();
        assertThat(PromptCaching.bedrockSupports("anthropic.claude-v2:1")).isFalse();
        assertThat(PromptCaching.bedrockSupports("anthropic.claude-instant-v1")).isFalse();
        assertThat(PromptCaching.bedrockSupports("meta.llama3-1-70b-instruct-v1:0")).isFalse();
    }

    @Test
    void anthropicKeepsTheClientsMarkerAndItsTtl() {
        ObjectNode req = json("""
                {"system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
                 "messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "reply"},
                              {"role": "user", "content": "second"}]}""");
        PromptCaching.anthropic(req, ALL);
        assertThat(req.at("/system/0/cache_control/ttl").asText()).isEqualTo("1h");
        assertThat(req.at("/messages/1/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(req.at("/messages/2/content").isTextual()).as("the current turn is not cached").isTrue();
    }
}

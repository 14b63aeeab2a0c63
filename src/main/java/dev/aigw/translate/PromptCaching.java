package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * agentgateway's {@code backend.ai.promptCaching}: cache breakpoints the gateway adds to a request
 * already in the provider's wire format, Bedrock Converse {@code cachePoint} blocks or Anthropic
 * Messages {@code cache_control} markers, at the boundaries agentgateway uses for both:
 * <ul>
 * <li>{@code cacheSystem}: after the system prompt, when its estimate (words × 1.3, Bedrock's
 * heuristic) reaches {@code minTokens} ({@code minTokens} gates this boundary only);</li>
 * <li>{@code cacheMessages}: after the second-to-last message (the history, not the current turn),
 * {@code cacheMessageOffset} messages further back, clamped at the first; none with one message;</li>
 * <li>{@code cacheTools}: after the last tool definition.</li>
 * </ul>
 * Breakpoints the client wrote stay and count first against the providers' limit of four; a
 * boundary that already has one gets no second. Bedrock takes cache points for the models that
 * support prompt caching only (Claude 3+ and Nova); the request is otherwise unchanged.
 */
public final class PromptCaching {
    /** Bedrock and Anthropic both refuse more than four breakpoints in one request. */
    static final int MAX_BREAKPOINTS = 4;
    private static final Set<String> ANTHROPIC_CACHEABLE = Set.of("text", "image", "document", "search_result",
            "tool_use", "tool_result", "server_tool_use", "web_search_tool_result");

    /** The policy; agentgateway's defaults are {@code true, true, false, 1024, 0}. */
    public record Config(boolean cacheSystem, boolean cacheMessages, boolean cacheTools, OptionalInt minTokens,
                         int cacheMessageOffset) {
        public static final Config DEFAULTS = new Config(true, true, false, OptionalInt.of(1024), 0);

        public Config {
            if (cacheMessageOffset < 0) throw new IllegalArgumentException("cacheMessageOffset must not be negative");
        }
    }

    private PromptCaching() {
    }

    /** Whether a Bedrock model takes cache points (agentgateway's list: Claude but not its first generations, Nova). */
    public static boolean bedrockSupports(String modelId) {
        String m = modelId.toLowerCase(Locale.ROOT);
        if (m.contains("anthropic.claude")) {
            return !(m.contains("claude-instant") || m.contains("claude-v1") || m.contains("claude-v2"));
        }
        return m.contains("amazon.nova");
    }

    /** Adds cache points to a Converse request for {@code modelId}, in place. */
    public static void bedrock(ObjectNode converse, String modelId, Config c) {
        if (!bedrockSupports(modelId)) return;
        int used = countBedrock(converse);
        if (c.cacheSystem() && used < MAX_BREAKPOINTS && converse.get("system") instanceof ArrayNode system
                && !system.isEmpty() && !isCachePoint(system.get(system.size() - 1))
                && meetsMinimum(bedrockWords(system), c.minTokens())) {
            system.add(Bedrock.cachePoint());
            used++;
        }
        if (c.cacheMessages() && used < MAX_BREAKPOINTS && converse.get("messages") instanceof ArrayNode messages
                && messages.size() >= 2) {
            JsonNode content = messages.get(Math.max(0, messages.size() - 2 - c.cacheMessageOffset())).get("content");
            if (content instanceof ArrayNode blocks && !blocks.isEmpty() && !isCachePoint(blocks.get(blocks.size() - 1))) {
                blocks.add(Bedrock.cachePoint());
                used++;
            }
        }
        if (c.cacheTools() && used < MAX_BREAKPOINTS && converse.path("toolConfig").get("tools") instanceof ArrayNode tools
                && !tools.isEmpty() && !isCachePoint(tools.get(tools.size() - 1))) {
            tools.add(Bedrock.cachePoint());
        }
    }

    /** Adds {@code cache_control} markers to an Anthropic Messages request, in place. */
    public static void anthropic(ObjectNode req, Config c) {
        int used = countAnthropic(req);
        if (c.cacheSystem() && used < MAX_BREAKPOINTS && req.hasNonNull("system")
                && meetsMinimum(anthropicWords(req.get("system")), c.minTokens()) && markLastBlock(req, "system")) {
            used++;
        }
        if (c.cacheMessages() && used < MAX_BREAKPOINTS && req.get("messages") instanceof ArrayNode messages
                && messages.size() >= 2
                && messages.get(Math.max(0, messages.size() - 2 - c.cacheMessageOffset())) instanceof ObjectNode m
                && markLastBlock(m, "content")) {
            used++;
        }
        if (c.cacheTools() && used < MAX_BREAKPOINTS && req.get("tools") instanceof ArrayNode tools && !tools.isEmpty()
                && tools.get(tools.size() - 1) instanceof ObjectNode last && !last.hasNonNull("cache_control")) {
            last.putObject("cache_control").put("type", "ephemeral");
        }
    }

    private static boolean meetsMinimum(int words, OptionalInt minTokens) {
        return minTokens.isEmpty() || words * 13 / 10 >= minTokens.getAsInt();
    }

    private static boolean isCachePoint(JsonNode block) {
        return block.has("cachePoint");
    }

    private static int countBedrock(ObjectNode converse) {
        int n = 0;
        for (JsonNode b : converse.path("system")) if (isCachePoint(b)) n++;
        for (JsonNode m : converse.path("messages")) for (JsonNode b : m.path("content")) if (isCachePoint(b)) n++;
        for (JsonNode t : converse.path("toolConfig").path("tools")) if (isCachePoint(t)) n++;
        return n;
    }

    private static int bedrockWords(ArrayNode system) {
        int n = 0;
        for (JsonNode b : system) if (b.path("text").isTextual()) n += words(b.get("text").asText());
        return n;
    }

    private static int anthropicWords(JsonNode system) {
        if (system.isTextual()) return words(system.asText());
        int n = 0;
        for (JsonNode b : system) if (b.path("text").isTextual()) n += words(b.get("text").asText());
        return n;
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static int countAnthropic(ObjectNode req) {
        int n = markers(req.get("system")) + markers(req.get("tools"));
        for (JsonNode m : req.path("messages")) n += markers(m.get("content"));
        return n;
    }

    private static int markers(JsonNode blocks) {
        int n = 0;
        if (blocks instanceof ArrayNode a) for (JsonNode b : a) if (b.hasNonNull("cache_control")) n++;
        return n;
    }

    /**
     * Marks the last cacheable block of {@code owner.field} (a string becomes one text block, the
     * form that can carry a marker); false when there is none or it is already marked.
     */
    private static boolean markLastBlock(ObjectNode owner, String field) {
        JsonNode v = owner.get(field);
        if (v != null && v.isTextual()) {
            ArrayNode blocks = owner.putArray(field);
            blocks.addObject().put("type", "text").put("text", v.asText());
            v = blocks;
        }
        if (!(v instanceof ArrayNode blocks)) return false;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            if (blocks.get(i) instanceof ObjectNode b && ANTHROPIC_CACHEABLE.contains(b.path("type").asText())) {
                if (b.hasNonNull("cache_control")) return false;
                b.putObject("cache_control").put("type", "ephemeral");
                return true;
            }
        }
        return false;
    }
}

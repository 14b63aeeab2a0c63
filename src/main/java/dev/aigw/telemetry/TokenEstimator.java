package dev.aigw.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigw.translate.StreamTranslator.StreamedText;
import dev.aigw.translate.Usage;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Token counts for when a provider reports none (an aborted stream, an old or minimal server):
 * OpenAI's tokenizers via jtokkit, {@code cl100k_base} for gpt-4 and gpt-3.5, {@code o200k_base}
 * for gpt-4o, gpt-4.1, the o-series and every other model (for non-OpenAI models this is an
 * approximation, which is what {@link Estimate#estimated()} says). Thread-safe; encodings load
 * lazily on first use.
 */
public final class TokenEstimator {
    /** Fields whose string values are not prompt text (ids, enums, binary data, URLs). */
    private static final Set<String> NOT_TEXT = Set.of("model", "role", "type", "id", "tool_call_id", "data", "url",
            "image_url", "media_type", "mime_type", "mimeType", "fileUri", "file_id", "detail", "format",
            "stream_options", "cache_control", "service_tier", "reasoning_effort", "user", "metadata");
    /** OpenAI's chat framing: about 3 tokens per message plus 3 to prime the reply. */
    private static final int PER_MESSAGE = 3;
    private static final int PER_REPLY = 3;
    private static final int MAX_DEPTH = 64;

    private static final TokenEstimator SHARED = new TokenEstimator(Encodings.newLazyEncodingRegistry());

    private final EncodingRegistry registry;

    public TokenEstimator(EncodingRegistry registry) {
        this.registry = registry;
    }

    public static TokenEstimator shared() {
        return SHARED;
    }

    /** A usage figure and whether any part of it was estimated here rather than reported. */
    public record Estimate(Usage usage, boolean estimated) {
    }

    /** The encoding used for a model (null or unknown: o200k_base). */
    public static EncodingType encodingFor(String model) {
        if (model == null) {
            return EncodingType.O200K_BASE;
        }
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            m = m.substring(slash + 1); // openai/gpt-4, models/gpt-3.5-turbo
        }
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5")) {
            return EncodingType.O200K_BASE;
        }
        if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5") || m.startsWith("gpt-35")
                || m.startsWith("text-embedding-ada-002") || m.startsWith("text-embedding-3")) {
            return EncodingType.CL100K_BASE;
        }
        return EncodingType.O200K_BASE;
    }

    public long countTokens(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        Encoding enc = registry.getEncoding(encodingFor(model));
        return enc.countTokensOrdinary(text); // special-token text from a client is just text
    }

    /**
     * Prompt tokens of a request body in any supported schema: every text value (messages,
     * system, contents parts, tool definitions), skipping ids, enums and binary data, plus
     * OpenAI's per-message framing.
     */
    public long promptTokens(String model, JsonNode requestBody) {
        if (requestBody == null) {
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        collect(requestBody, sb, 0);
        long messages = requestBody.path("messages").size() + requestBody.path("contents").size()
                + (requestBody.has("system") ? 1 : 0);
        return countTokens(model, sb.toString()) + messages * PER_MESSAGE + (messages > 0 ? PER_REPLY : 0);
    }

    /** Completion tokens of streamed text; text beyond what was kept is extrapolated by length. */
    public long completionTokens(String model, StreamedText streamed) {
        if (streamed == null || streamed.chars() == 0) {
            return 0;
        }
        long counted = countTokens(model, streamed.text());
        int kept = streamed.text().length();
        if (kept == 0 || streamed.chars() <= kept) {
            return counted;
        }
        return Math.round(counted * (double) streamed.chars() / kept);
    }

    /**
     * The usage to record: what the provider reported, with a side it left at zero estimated
     * from the request body or the streamed text. When the stream did not complete, output is
     * the larger of reported and estimated (Anthropic reports 1 output token at the start).
     */
    public Estimate resolve(Usage reported, String model, JsonNode requestBody, StreamedText streamed,
                            boolean completed) {
        Usage r = reported == null ? Usage.ZERO : reported;
        long input = r.input();
        long output = r.output();
        boolean estimated = false;
        try {
            if (input == 0) {
                long e = promptTokens(model, requestBody);
                if (e > 0) {
                    input = e;
                    estimated = true;
                }
            }
            if (output == 0 || !completed) {
                long e = completionTokens(model, streamed);
                if (e > output) {
                    output = e;
                    estimated = true;
                }
            }
        } catch (RuntimeException e) {
            return new Estimate(r, false); // estimation is best effort and never fails a request
        }
        if (!estimated) {
            return new Estimate(r, false);
        }
        return new Estimate(new Usage(input, output, input + output, r.cacheRead(), r.cacheWrite(), r.reasoning()), true);
    }

    private static void collect(JsonNode n, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (n.isTextual()) {
            String s = n.asText();
            if (!s.startsWith("data:")) {
                sb.append(s).append('\n');
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                collect(c, sb, depth + 1);
            }
        } else if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!NOT_TEXT.contains(e.getKey()) && !"inlineData".equals(e.getKey())
                        && !"source".equals(e.getKey())) {
                    collect(e.getValue(), sb, depth + 1);
                }
            }
        }
    }
}

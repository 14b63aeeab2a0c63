package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Usage as the Responses API and the embeddings API report it: Responses has
 * {@code input_tokens}, {@code output_tokens} and their details (cached, reasoning); embeddings
 * have {@code prompt_tokens} and {@code total_tokens} and no output.
 */
public final class ResponsesUsage {
    private ResponsesUsage() {
    }

    /** {@code usage} of a Responses response object (also inside {@code response.completed}). */
    public static Usage responses(JsonNode u) {
        if (u == null || !u.isObject()) return Usage.ZERO;
        long in = Json.longOr0(u, "input_tokens");
        long out = Json.longOr0(u, "output_tokens");
        long total = Json.longOr0(u, "total_tokens");
        return of(in, out, total, Json.longOr0(u.path("input_tokens_details"), "cached_tokens"),
                Json.longOr0(u.path("output_tokens_details"), "reasoning_tokens"));
    }

    /** The counts of a Responses usage object, however read (a total of 0 is the sum of the others). */
    static Usage of(long in, long out, long total, long cached, long reasoning) {
        return new Usage(in, out, total > 0 ? total : in + out, cached, 0, reasoning);
    }

    /** {@code usage} of an embeddings response: every token is input. */
    public static Usage embeddings(JsonNode u) {
        if (u == null || !u.isObject()) return Usage.ZERO;
        long in = Json.longOr0(u, "prompt_tokens");
        long total = Json.longOr0(u, "total_tokens");
        return new Usage(in, 0, total > 0 ? total : in, 0, 0, 0);
    }
}

package dev.aigw.limit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limits' answer for one request, and what is left to charge after its response.
 *
 * @param status  0 when admitted; 429 over a limit or budget; 500 when a FailClosed limiter is unreachable
 * @param message the refusal's text (which limit or budget, and when it resets); "" when admitted
 * @param headers {@code x-ratelimit-limit/-remaining/-reset} (seconds), plus {@code retry-after} on 429
 */
public record Admission(int status, String message, Map<String, String> headers, RouteLimits limits, List<Hit> pending) {
    public static final Admission NONE = new Admission(0, "", Map.of(), null, List.of());

    public Admission {
        headers = Map.copyOf(new LinkedHashMap<>(headers));
        pending = List.copyOf(pending);
    }

    public boolean allowed() {
        return status == 0;
    }

    /**
     * Charges what the response used: tokens to local token buckets, amounts to post-charged global
     * descriptors. @param vars the CEL variables with {@code llm.totalTokens}, {@code llm.cost}. Call once.
     */
    public void settle(Map<String, ?> vars) {
        if (limits != null && allowed()) limits.settle(vars, pending);
    }
}

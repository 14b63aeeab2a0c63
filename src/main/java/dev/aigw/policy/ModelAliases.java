package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * agentgateway's {@code backend.ai.modelAliases}: the client's {@code model} is replaced by the
 * aliased one. An exact key first, then keys with {@code *} (any run of characters), the longest
 * key first. Runs before {@code defaults}/{@code overrides}, so an override still wins.
 */
final class ModelAliases {
    private ModelAliases() {
    }

    static void apply(ObjectNode body, Map<String, String> aliases) {
        if (aliases.isEmpty() || !body.path("model").isTextual()) return;
        String model = body.get("model").asText();
        String target = resolve(model, aliases);
        if (target != null) body.put("model", target);
    }

    static String resolve(String model, Map<String, String> aliases) {
        String exact = aliases.get(model);
        if (exact != null) return exact;
        String best = null;
        for (String key : aliases.keySet()) {
            if (key.indexOf('*') < 0 || !glob(key, model)) continue;
            if (best == null || key.length() > best.length()) best = key;
        }
        return best == null ? null : aliases.get(best);
    }

    private static boolean glob(String pattern, String s) {
        String[] parts = pattern.split("\\*", -1);
        if (!s.startsWith(parts[0])) return false;
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = s.indexOf(parts[i], at);
            if (found < 0) return false;
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return s.length() - last.length() >= at && s.endsWith(last);
    }
}

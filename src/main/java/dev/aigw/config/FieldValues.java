package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code defaults[].value}: kgateway's API types it as a string "which can be any JSON Data
 * Type", so {@code "0.5"}, {@code "100"}, {@code "[1,2,3]"} and {@code '["one","two"]'} reach the
 * provider as a number, a number and arrays. A string that is not JSON (e.g. {@code gpt-4}) stays
 * a string; so does a JSON string literal's content ({@code '"x"'} is the string {@code x}).
 */
public final class FieldValues {
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private FieldValues() {
    }

    public static JsonNode typed(JsonNode v) {
        if (v == null || !v.isTextual()) return v;
        String s = v.asText().strip();
        if (s.isEmpty()) return v;
        char first = s.charAt(0);
        boolean looksJson = first == '{' || first == '[' || first == '"' || first == '-' || Character.isDigit(first)
                || s.equals("true") || s.equals("false") || s.equals("null");
        if (!looksJson) return v;
        try {
            JsonNode parsed = JSON.readTree(s);
            return parsed == null || parsed.isMissingNode() ? v : parsed;
        } catch (java.io.IOException e) {
            return v;
        }
    }
}

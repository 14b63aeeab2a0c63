package dev.aigw.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one translation notes about its request: the client fields it dropped or changed, as
 * {@code field: why} (the proxy reports them in {@code x-gateway-warning}), and where each decoded
 * element came from in the client's body, so a provider encoder that refuses or drops something
 * names the client's own field ({@code messages[2].content[0].image_url.url}), not a canonical one.
 * One per request, filled by the client decoder and read by the provider encoder.
 */
public final class Warnings {
    private final List<String> list = new ArrayList<>();
    private final Map<Object, String> origins = new IdentityHashMap<>();
    private final Map<String, String> fields = new HashMap<>();

    public void add(String field, String why) {
        String w = field + ": " + why;
        if (!list.contains(w)) {
            list.add(w);
        }
    }

    public List<String> list() {
        return List.copyOf(list);
    }

    /** Records the client path of a decoded element (a part, tool or message instance). */
    public void origin(Object element, String clientPath) {
        origins.putIfAbsent(element, clientPath); // the innermost, most precise path wins
    }

    /** The client path of an element, or {@code fallback} when the decoder recorded none. */
    public String at(Object element, String fallback) {
        String p = origins.get(element);
        return p == null ? fallback : p;
    }

    /**
     * Records the client's name of a canonical request field ({@code maxTokens} is
     * {@code max_completion_tokens} for one OpenAI client, {@code generationConfig.maxOutputTokens}
     * for a Gemini client).
     */
    public void field(String canonical, String clientName) {
        fields.put(canonical, clientName);
    }

    /** The client's name of a canonical field, or the canonical name. */
    public String name(String canonical) {
        return fields.getOrDefault(canonical, canonical);
    }
}

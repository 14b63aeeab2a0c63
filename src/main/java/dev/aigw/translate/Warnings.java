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
    private final List<String> list = new ArrayList<>(2);
    private Map<Object, String> origins; // made on first use: most requests refuse and drop nothing
    private Map<String, String> names = Map.of();
    private Map<String, String> fields;

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
        if (origins == null) {
            origins = new IdentityHashMap<>();
        }
        origins.putIfAbsent(element, clientPath); // the innermost, most precise path wins
    }

    /** The client path of an element, or {@code fallback} when the decoder recorded none. */
    public String at(Object element, String fallback) {
        String p = origins == null ? null : origins.get(element);
        return p == null ? fallback : p;
    }

    /**
     * Records the client's name of a canonical request field ({@code maxTokens} is
     * {@code max_completion_tokens} for one OpenAI client, {@code generationConfig.maxOutputTokens}
     * for a Gemini client).
     */
    public void field(String canonical, String clientName) {
        if (fields == null) {
            fields = new HashMap<>(4);
        }
        fields.put(canonical, clientName);
    }

    /** The client format's names of the canonical fields, as one table ({@link #field} overrides). */
    public void names(Map<String, String> table) {
        names = table;
    }

    /** The client's name of a canonical field, or the canonical name. */
    public String name(String canonical) {
        String n = fields == null ? null : fields.get(canonical);
        return n != null ? n : names.getOrDefault(canonical, canonical);
    }
}

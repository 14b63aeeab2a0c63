package dev.aigw.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * Client fields a translation dropped or changed, as {@code field: why}; the proxy reports them in
 * {@code x-gateway-warning}. One per request, filled by the client decoder and the provider encoder.
 */
public final class Warnings {
    private final List<String> list = new ArrayList<>();

    public void add(String field, String why) {
        String w = field + ": " + why;
        if (!list.contains(w)) {
            list.add(w);
        }
    }

    public List<String> list() {
        return List.copyOf(list);
    }
}

package dev.aigw.telemetry;

import dev.aigw.provider.Provider;
import dev.aigw.route.Snapshot;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps model label values bounded: a client can put any string in {@code model}, so a name the
 * configuration does not know is recorded as {@value #OTHER}. A dated variant of a known model
 * ({@code gpt-4o-2024-08-06} for {@code gpt-4o}, {@code claude-sonnet-4-5-20250929} for
 * {@code claude-sonnet-4-5}) counts as known, since providers answer with those; at most
 * {@value #MAX_VARIANTS} such variants are admitted per process, so even a server that echoes
 * whatever the client sent cannot grow the series without bound.
 */
public final class ModelLabels {
    public static final String OTHER = "other";
    /** Label value when no model is known at all (for example Gemini without a pinned model). */
    public static final String NONE = "";
    private static final int MAX_LENGTH = 128;
    static final int MAX_VARIANTS = 200;

    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> variants = new java.util.concurrent.ConcurrentHashMap<>();

    private final Supplier<Set<String>> known;

    public ModelLabels(Supplier<Set<String>> known) {
        this.known = known;
    }

    /**
     * Label for a model the client asked for: known exactly (or as {@code models/<known>}), else
     * {@value #OTHER}. Strict, since the client chooses the string.
     */
    public String label(String model) {
        return label(model, false);
    }

    /**
     * Label for the model a provider says answered: also a dated or versioned variant of a known
     * model, up to {@value #MAX_VARIANTS} distinct variants per process.
     */
    public String responseLabel(String model) {
        return label(model, true);
    }

    private String label(String model, boolean variantsAllowed) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        if (model.length() > MAX_LENGTH) {
            return OTHER;
        }
        Set<String> k = known.get();
        if (k == null || k.isEmpty()) {
            return OTHER;
        }
        if (k.contains(model)) {
            return model;
        }
        String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (k.contains(m)) {
            return m;
        }
        if (!variantsAllowed) {
            return OTHER;
        }
        if (variants.containsKey(m)) {
            return m;
        }
        for (String base : k) {
            if (m.length() > base.length() + 1 && m.startsWith(base) && (m.charAt(base.length()) == '-'
                    || m.charAt(base.length()) == '@') && isVersionSuffix(m.substring(base.length() + 1))) {
                return variants.size() < MAX_VARIANTS && variants.putIfAbsent(m, Boolean.TRUE) == null ? m : OTHER;
            }
        }
        return OTHER;
    }

    /** Dates and version tags: digits, dashes, dots, "latest", "preview", "exp". */
    private static boolean isVersionSuffix(String s) {
        return s.matches("[0-9][0-9.\\-]{0,15}|latest|preview(-[0-9.\\-]{1,16})?|exp(-[0-9.\\-]{1,16})?|v[0-9.:]{1,8}");
    }

    /** The models a snapshot's AI Backends pin (a Backend without one contributes nothing). */
    public static Set<String> fromSnapshot(Snapshot s) {
        Set<String> out = new HashSet<>();
        for (Provider p : s.aiProviders()) p.model().ifPresent(out::add);
        return Set.copyOf(out);
    }
}

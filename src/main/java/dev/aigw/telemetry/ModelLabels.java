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

    /** Admitted variants, each mapped to itself: the one instance of its text that labels it. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> variants = new java.util.concurrent.ConcurrentHashMap<>();

    private final Supplier<Set<String>> known;

    /**
     * The last answer of each kind, for the set of known models it was read from. Under steady
     * traffic the same model comes request after request (a response's, in a fresh string each
     * time): one comparison of its text instead of two hashes and up to three set and map probes.
     * Immutable records in plain fields: a race between event loops only makes one of them look
     * the label up again.
     */
    private record Last(Set<String> known, String model, String label) {
    }

    private Last lastRequest;
    private Last lastResponse;

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
        Last last = variantsAllowed ? lastResponse : lastRequest;
        if (last != null && last.known() == k && last.model().equals(model)) {
            return last.label();
        }
        // Under one known set a model's label never changes (admitted variants stay admitted, and
        // the list of them only grows), so the last answer is the answer.
        String label = lookUp(k, model, variantsAllowed);
        Last now = new Last(k, model, label);
        if (variantsAllowed) lastResponse = now;
        else lastRequest = now;
        return label;
    }

    /**
     * The label of a model under the known set {@code k}: the model itself, or without
     * {@code models/}, or an admitted variant (always the same instance of its text, so the
     * meters keyed by label identity find it), or {@value #OTHER}.
     */
    private String lookUp(Set<String> k, String model, boolean variantsAllowed) {
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
        String admitted = variants.get(m);
        if (admitted != null) {
            return admitted;
        }
        for (String base : k) {
            if (m.length() > base.length() + 1 && m.startsWith(base) && (m.charAt(base.length()) == '-'
                    || m.charAt(base.length()) == '@') && isVersionSuffix(m.substring(base.length() + 1))) {
                if (variants.size() >= MAX_VARIANTS) return OTHER;
                String before = variants.putIfAbsent(m, m);
                return before == null ? m : before;
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

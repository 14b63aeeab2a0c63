package dev.aigw.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A cheap test in front of a custom guard pattern: the literal words every match of it must
 * contain, when the pattern is only words ({@code (?i)\bpassword\b}, {@code secret|token},
 * {@code \b(api key|access token)\b}). A text that holds none of them cannot match, so RE2 is not
 * run over it (its set-up per text cost more than the scan of a short prompt). A pattern of any
 * other shape (classes, quantifiers, dots, other flags) gets no test and always runs.
 *
 * <p>Under {@code (?i)} RE2 folds case as Unicode's simple folding does: besides ASCII's pairs,
 * {@code ſ} (U+017F) matches {@code s} and the Kelvin sign (U+212A) matches {@code k}; the test
 * folds the same way, so it never says "no" to a text RE2 would match.
 */
final class RegexLiterals {
    private final String[] words;
    private final boolean ignoreCase;

    private RegexLiterals(String[] words, boolean ignoreCase) {
        this.words = words;
        this.ignoreCase = ignoreCase;
    }

    /** The test for {@code pattern}, or null when the pattern is not only words. */
    static RegexLiterals of(String pattern) {
        boolean ci = false;
        String p = pattern;
        if (p.startsWith("(?i)")) {
            ci = true;
            p = p.substring(4);
        }
        List<String> words = alternatives(p, ci);
        if (words == null || words.isEmpty()) return null;
        return new RegexLiterals(words.toArray(String[]::new), ci);
    }

    /**
     * The words of {@code p}: a top-level alternation of sequences, each of literal characters,
     * {@code \b} and at most one group of alternatives of literal characters; null for anything else.
     */
    private static List<String> alternatives(String p, boolean ci) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i <= p.length(); i++) {
            char c = i < p.length() ? p.charAt(i) : '|';
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0) {
                List<String> seq = sequence(p.substring(from, i), ci);
                if (seq == null) return null;
                out.addAll(seq);
                from = i + 1;
            }
        }
        return depth == 0 ? out : null;
    }

    /** The words of one sequence (prefix, one group's alternatives, suffix), or null. */
    private static List<String> sequence(String s, boolean ci) {
        StringBuilder prefix = new StringBuilder();
        StringBuilder suffix = new StringBuilder();
        List<String> group = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            StringBuilder into = group == null ? prefix : suffix;
            if (c == '\\') {
                if (i + 1 >= s.length()) return null;
                char e = s.charAt(++i);
                if (e == 'b') continue; // a word boundary: zero width
                if (Character.isLetterOrDigit(e) || e > 0x7e) return null; // a class or another escape
                into.append(e);
            } else if (c == '(') {
                if (group != null) return null;
                int close = s.indexOf(')', i);
                if (close < 0) return null;
                String inner = s.substring(i + 1, close);
                if (inner.startsWith("?:")) inner = inner.substring(2);
                group = new ArrayList<>();
                for (String alt : inner.split("\\|", -1)) {
                    String lit = literal(alt);
                    if (lit == null) return null;
                    group.add(lit);
                }
                i = close;
            } else if (plain(c)) {
                into.append(c);
            } else {
                return null;
            }
        }
        List<String> out = new ArrayList<>();
        if (group == null) {
            if (prefix.isEmpty()) return null;
            out.add(prefix.toString());
        } else {
            for (String g : group) out.add(prefix + g + suffix);
        }
        for (int i = 0; i < out.size(); i++) {
            String w = out.get(i);
            if (w.isEmpty()) return null;
            if (ci) {
                // Only ASCII folds simply enough to test by hand.
                for (int k = 0; k < w.length(); k++) if (w.charAt(k) > 0x7e) return null;
                out.set(i, w.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    /** An alternative inside a group: literal characters (escaped punctuation allowed), or null. */
    private static String literal(String alt) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < alt.length(); i++) {
            char c = alt.charAt(i);
            if (c == '\\') {
                if (i + 1 >= alt.length()) return null;
                char e = alt.charAt(++i);
                if (Character.isLetterOrDigit(e) || e > 0x7e) return null;
                b.append(e);
            } else if (plain(c)) {
                b.append(c);
            } else {
                return null;
            }
        }
        return b.toString();
    }

    /** A character that is itself outside a class: no metacharacter. */
    private static boolean plain(char c) {
        return switch (c) {
            case '.', '*', '+', '?', '{', '}', '[', ']', '(', ')', '|', '^', '$', '\\' -> false;
            default -> c >= 0x20;
        };
    }

    /** Whether {@code text[from, to)} holds one of the words (folded as RE2 folds under {@code (?i)}). */
    boolean mayMatch(CharSequence text, int from, int to) {
        for (String w : words) {
            if (contains(text, from, to, w)) return true;
        }
        return false;
    }

    private boolean contains(CharSequence text, int from, int to, String w) {
        int n = w.length();
        char first = w.charAt(0);
        // The scan compares raw characters with the first one's forms (no folding per character).
        char upper = ignoreCase && first >= 'a' && first <= 'z' ? (char) (first - 32) : first;
        char other = !ignoreCase ? first : first == 's' ? '\u017f' : first == 'k' ? '\u212a' : first;
        for (int i = from, last = to - n; i <= last; i++) {
            char c = text.charAt(i);
            if (c != first && c != upper && c != other) continue;
            int k = 1;
            while (k < n && fold(text.charAt(i + k)) == w.charAt(k)) k++;
            if (k == n) return true;
        }
        return false;
    }

    private char fold(char c) {
        if (!ignoreCase) return c;
        if (c >= 'A' && c <= 'Z') return (char) (c + 32);
        if (c == '\u017f') return 's';
        if (c == '\u212a') return 'k';
        return c;
    }

    /** The words, for tests. */
    List<String> words() {
        return List.of(words);
    }
}

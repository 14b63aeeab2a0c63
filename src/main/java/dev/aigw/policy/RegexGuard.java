package dev.aigw.policy;

import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.Builtin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled {@code regex} guard: the builtins and custom patterns of one policy, compiled once
 * per snapshot. Matches of all rules are found in one pass over the original text; overlapping
 * matches keep the earliest (then the first rule). Credit card matches count only when their
 * digits pass the Luhn check, so order numbers and other long digit runs stay as they are.
 *
 * <p>For streams, {@link #safeCut} says how much of a text can be released now: everything
 * before the earliest place where a match could still grow with more text (found with
 * {@link Matcher#hitEnd()}), and never more than the longest possible match is held back.
 *
 * <p>Custom patterns come from config and run on RE2 ({@code com.google.re2j}): linear time, so a
 * hostile or careless pattern cannot stall an event loop (RE2 has no look-around, back-references
 * or {@code hitEnd}, so on a stream a custom pattern holds back its {@link #UNBOUNDED_HOLD} last
 * characters). The builtins are our own, fixed patterns; they keep java.util.regex for their
 * look-arounds, and none of them can backtrack without bound.
 */
public final class RegexGuard {
    /** How far back a custom pattern (whose longest match is unknown) or an e-mail can reach on a stream. */
    public static final int UNBOUNDED_HOLD = 256;

    /** One pattern: its mask label, whether hits need a Luhn check, and its longest match (for streams). */
    record Rule(String label, Pattern pattern, com.google.re2j.Pattern custom, RegexLiterals words, boolean luhn,
                int maxLength) {
        Rule(String label, Pattern pattern, boolean luhn, int maxLength) {
            this(label, pattern, null, null, luhn, maxLength);
        }
    }

    /** A match: [start, end) of the text, and the rule's label (e.g. {@code CREDIT_CARD}). */
    public record Hit(int start, int end, String label) {
    }

    // Credit cards: 13 to 19 digits, optionally grouped by single spaces or dashes.
    static final Pattern CREDIT_CARD = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?!\\d)");
    // US social security numbers: AAA-GG-SSSS (dashes or spaces), excluding never-issued areas/groups/serials.
    static final Pattern SSN = Pattern.compile(
            "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}([- ])(?!00)\\d{2}\\1(?!0000)\\d{4}(?![\\d-])");
    // Phone numbers: NANP with optional +1 and separators, or E.164 (+ and 8 to 15 digits).
    static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+])(?:(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)|\\d{3})[ .-]?\\d{3}[ .-]?\\d{4}|\\+[1-9]\\d{7,14})(?![\\w-])");
    static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}(?![\\w-])");

    private final List<Rule> rules;
    private final Action action;
    private final java.util.Set<String> roles;
    private final int maxHold;

    private RegexGuard(List<Rule> rules, Action action, java.util.Set<String> roles) {
        this.rules = List.copyOf(rules);
        this.action = action;
        this.roles = roles;
        this.maxHold = rules.stream().mapToInt(Rule::maxLength).max().orElse(0);
    }

    public static RegexGuard compile(TrafficPolicyResource.Regex spec) {
        List<Rule> rules = new ArrayList<>();
        for (Builtin b : spec.builtins()) {
            rules.add(switch (b) {
                // Lengths include the one character of look-around past the match.
                case CREDIT_CARD -> new Rule("CREDIT_CARD", CREDIT_CARD, true, 37 + 1);
                case SSN -> new Rule("SSN", SSN, false, 11 + 1);
                case PHONE_NUMBER -> new Rule("PHONE_NUMBER", PHONE, false, 17 + 1);
                // kgateway (presidio's entity names) and agentgateway both write <EMAIL_ADDRESS>.
                case EMAIL -> new Rule("EMAIL_ADDRESS", EMAIL, false, UNBOUNDED_HOLD);
            });
        }
        for (TrafficPolicyResource.RegexMatch m : spec.matches()) {
            String pattern = m.pattern().pattern();
            rules.add(new Rule(m.name().filter(n -> !n.isBlank()).orElse("CUSTOM"), null,
                    com.google.re2j.Pattern.compile(pattern), RegexLiterals.of(pattern), false, UNBOUNDED_HOLD));
        }
        return new RegexGuard(rules, spec.action(), spec.roles());
    }

    /** Always masking (the response side ignores the action). */
    public RegexGuard masking() {
        return action == Action.MASK ? this : new RegexGuard(rules, Action.MASK, roles);
    }

    public Action action() {
        return action;
    }

    /** The request roles it reads (empty: every role); {@code tool} and {@code tool_call} add tool traffic. */
    public java.util.Set<String> roles() {
        return roles;
    }

    /** Whether a request text of this OpenAI role is read (agentgateway's {@code scope}; none set: every role). */
    public boolean reads(String role) {
        return roles.isEmpty() || roles.contains(role);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Labels in order, for {@code /routes}. */
    public List<String> labels() {
        return rules.stream().map(Rule::label).toList();
    }

    /** Most characters a stream ever holds back. */
    public int maxHold() {
        return maxHold;
    }

    /** Non-overlapping matches of all rules in {@code text[from, to)}; look-arounds see past both ends. */
    public List<Hit> hits(CharSequence text, int from, int to) {
        List<Hit> all = new ArrayList<>();
        for (Rule r : rules) {
            if (r.custom() != null) {
                // A pattern of words cannot match a text without one of them: no RE2 run for it.
                if (r.words() != null && !r.words().mayMatch(text, from, to)) continue;
                com.google.re2j.Matcher m = r.custom().matcher(text.subSequence(from, to));
                while (m.find()) {
                    if (m.end() > m.start()) all.add(new Hit(from + m.start(), from + m.end(), r.label()));
                }
                continue;
            }
            Matcher m = r.pattern().matcher(text);
            m.useTransparentBounds(true).useAnchoringBounds(false).region(from, to);
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (r.luhn() && !luhn(text, m.start(), m.end())) continue;
                all.add(new Hit(m.start(), m.end(), r.label()));
            }
        }
        if (all.size() <= 1) return all;
        all.sort(Comparator.comparingInt(Hit::start));
        List<Hit> out = new ArrayList<>();
        int end = -1;
        for (Hit h : all) {
            if (h.start() >= end) {
                out.add(h);
                end = h.end();
            }
        }
        return out;
    }

    public List<Hit> hits(CharSequence text) {
        return hits(text, 0, text.length());
    }

    /** The label of the first match, if any. */
    public Optional<String> firstMatch(CharSequence text) {
        List<Hit> h = hits(text);
        return h.isEmpty() ? Optional.empty() : Optional.of(h.getFirst().label());
    }

    public String mask(String text) {
        return mask(text, 0, text.length());
    }

    /** {@code text[from, to)} with every match replaced by {@code <LABEL>}. */
    public String mask(CharSequence text, int from, int to) {
        List<Hit> hits = hits(text, from, to);
        StringBuilder sb = new StringBuilder(to - from);
        int at = from;
        for (Hit h : hits) {
            sb.append(text, at, h.start()).append('<').append(h.label()).append('>');
            at = h.end();
        }
        return sb.append(text, at, to).toString();
    }

    /**
     * How much of {@code text[from, length)} is final: the index before which no match can change
     * when more text is appended. That is the start of the earliest match or partial match that
     * reaches the end, moved back over any match it would cut in two, and never more than the
     * longest possible match before the end.
     */
    public int safeCut(CharSequence text, int from) {
        int len = text.length();
        int cut = len;
        for (Rule r : rules) {
            int floor = Math.max(from, len - r.maxLength());
            if (r.custom() != null) {
                // No hitEnd in RE2: whatever a match could still grow into lies within the hold.
                cut = Math.min(cut, floor);
                continue;
            }
            Matcher m = r.pattern().matcher(text);
            m.useTransparentBounds(true).useAnchoringBounds(false).region(from, len);
            int lastEnd = from;
            int candidate = len;
            boolean found = false;
            while (m.find()) {
                if (m.hitEnd()) {
                    candidate = m.start();
                    found = true;
                    break;
                }
                lastEnd = Math.max(m.end(), m.start() + 1);
            }
            if (!found && m.hitEnd()) {
                // Some attempt reached the end: find where the earliest still-open match starts.
                for (int p = Math.max(lastEnd, floor); p < len; p++) {
                    m.region(p, len);
                    boolean matched = m.lookingAt();
                    if (m.hitEnd() || matched && m.end() == len) {
                        candidate = p;
                        break;
                    }
                }
            }
            cut = Math.min(cut, Math.max(candidate, floor));
        }
        // Never cut through a finished match: hold it back whole with what follows.
        boolean moved = true;
        while (moved && cut > from) {
            moved = false;
            for (Hit h : hits(text, from, len)) {
                if (h.start() < cut && h.end() > cut) {
                    cut = h.start();
                    moved = true;
                }
            }
        }
        return cut;
    }

    /** The Luhn checksum of the digits in {@code s[start, end)}. */
    static boolean luhn(CharSequence s, int start, int end) {
        int sum = 0;
        int n = 0;
        for (int i = end - 1; i >= start; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') continue;
            int d = c - '0';
            if ((n++ & 1) == 1) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return n >= 13 && sum % 10 == 0;
    }
}

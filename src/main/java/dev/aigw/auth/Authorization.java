package dev.aigw.auth;

import dev.aigw.cel.CelExpression;

import java.util.List;
import java.util.Map;

/**
 * {@code authorization} rules (agentgateway's semantics, one rule per expression): if any Allow
 * rules exist, one must match; any matching Deny denies; every Require must match. An expression
 * that fails to evaluate (a missing claim) does not match. Rules of several policies combine.
 */
public final class Authorization {
    public enum Action { ALLOW, DENY, REQUIRE }

    public record Rule(Action action, CelExpression expression) {
    }

    static final String DENIED = "authorization failed";
    private final List<Rule> rules;

    public Authorization(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public Authorization and(Authorization other) {
        var all = new java.util.ArrayList<>(rules);
        all.addAll(other.rules);
        return new Authorization(all);
    }

    /** True when the request may go on. @param vars the CEL variables ({@link CelExpression#VARIABLES}) */
    public boolean allows(Map<String, ?> vars) {
        boolean anyAllow = false, allowed = false;
        for (Rule r : rules) {
            boolean m = r.expression().test(vars);
            switch (r.action()) {
                case DENY -> {
                    if (m) return false;
                }
                case REQUIRE -> {
                    if (!m) return false;
                }
                case ALLOW -> {
                    anyAllow = true;
                    allowed |= m;
                }
            }
        }
        return !anyAllow || allowed;
    }

    public static Action action(String s) {
        return switch (s == null ? "allow" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "allow" -> Action.ALLOW;
            case "deny" -> Action.DENY;
            case "require" -> Action.REQUIRE;
            default -> throw new IllegalArgumentException("authorization.action: " + s + " (expected: Allow, Deny or Require)");
        };
    }
}

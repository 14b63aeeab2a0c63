package dev.aigw.limit;

import java.util.Locale;

/** What a global limit does when its limiter cannot answer in time. */
public enum FailureMode {
    FAIL_OPEN, FAIL_CLOSED;

    /** agentgateway's default is FailClosed (an RLS error answers 500). */
    public static FailureMode parse(String s) {
        if (s == null || s.isEmpty()) return FAIL_CLOSED;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "failopen", "open" -> FAIL_OPEN;
            case "failclosed", "closed" -> FAIL_CLOSED;
            default -> throw new IllegalArgumentException("failureMode: " + s + " (expected: FailOpen or FailClosed)");
        };
    }
}

package dev.aigw.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes duration as written ({@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 1.5s}) and
 * its value. Binds from a string; a string that is not a duration fails its field's binding
 * with the reason.
 */
public record GoDuration(String text, Duration value) {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static GoDuration of(String text) {
        Duration d = parse(text);
        if (d == null) throw new IllegalArgumentException(text + " is not a duration (expected e.g. 30s, 1m, 500ms)");
        return new GoDuration(text, d);
    }

    /** The value of a duration text, or null when it is not one. */
    public static Duration parse(String s) {
        if (s == null || s.isEmpty()) return null;
        Matcher m = PART.matcher(s);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double num = Double.parseDouble(m.group(1));
            millis += (long) (num * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1_000;
                default -> 1;
            });
            end = m.end();
        }
        return end == s.length() ? Duration.ofMillis(millis) : null;
    }

    @JsonValue
    @Override
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}

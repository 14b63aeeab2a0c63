package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a provider asks to be left alone, from its response headers. In order of trust:
 * <ol>
 *   <li>{@code retry-after-ms} (OpenAI, Azure): milliseconds;</li>
 *   <li>{@code Retry-After}: seconds, or an HTTP date;</li>
 *   <li>rate-limit reset headers: OpenAI {@code x-ratelimit-reset-requests} / {@code
 *       -tokens} (durations such as {@code 1s}, {@code 6m0s}, {@code 20ms}) and Anthropic {@code
 *       anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset} (RFC 3339 times).
 *       The limits whose {@code remaining} header says 0 are the ones that were hit: the latest
 *       of their resets wins; when none says 0, the soonest reset.</li>
 * </ol>
 * Header lookup is a function so any header map fits (Vert.x {@code MultiMap::get} is
 * case-insensitive; so must the function be).
 */
public final class RateLimitHeaders {
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|h|m|s)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final String[] OPENAI = {"requests", "tokens"};
    private static final String[] ANTHROPIC = {"requests", "tokens", "input-tokens", "output-tokens"};
    // The header names, made once: every successful answer is read for them.
    private static final String[] OPENAI_RESET = names("x-ratelimit-reset-", OPENAI, "");
    private static final String[] OPENAI_REMAINING = names("x-ratelimit-remaining-", OPENAI, "");
    private static final String[] ANTHROPIC_RESET = names("anthropic-ratelimit-", ANTHROPIC, "-reset");
    private static final String[] ANTHROPIC_REMAINING = names("anthropic-ratelimit-", ANTHROPIC, "-remaining");

    private static String[] names(String prefix, String[] limits, String suffix) {
        String[] out = new String[limits.length];
        for (int i = 0; i < limits.length; i++) out[i] = prefix + limits[i] + suffix;
        return out;
    }

    private RateLimitHeaders() {
    }

    /** The wait the headers ask for; empty when they say nothing usable. Never negative. */
    public static Optional<Duration> retryAfter(Function<String, String> headers, Instant now) {
        if (headers == null) return Optional.empty();
        Optional<Duration> ms = number(headers.apply("retry-after-ms")).map(v -> Duration.ofNanos((long) (v * 1e6)));
        if (ms.isPresent()) return ms.map(RateLimitHeaders::nonNegative);
        String ra = trim(headers.apply("retry-after"));
        if (ra != null) {
            Optional<Double> secs = number(ra);
            if (secs.isPresent()) return Optional.of(nonNegative(Duration.ofNanos((long) (secs.get() * 1e9))));
            try {
                Instant at = ZonedDateTime.parse(ra, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(nonNegative(Duration.between(now, at)));
            } catch (DateTimeParseException ignored) {
                // fall through to the reset headers
            }
        }
        Duration hit = null;
        Duration soonest = null;
        for (int i = 0; i < OPENAI.length; i++) {
            Optional<Duration> reset = goDuration(headers.apply(OPENAI_RESET[i]));
            if (reset.isEmpty()) continue;
            soonest = min(soonest, reset.get());
            if (exhausted(headers.apply(OPENAI_REMAINING[i]))) hit = max(hit, reset.get());
        }
        for (int i = 0; i < ANTHROPIC.length; i++) {
            Optional<Duration> reset = instant(headers.apply(ANTHROPIC_RESET[i]))
                    .map(at -> nonNegative(Duration.between(now, at)));
            if (reset.isEmpty()) continue;
            soonest = min(soonest, reset.get());
            if (exhausted(headers.apply(ANTHROPIC_REMAINING[i]))) hit = max(hit, reset.get());
        }
        return Optional.ofNullable(hit != null ? hit : soonest);
    }

    /**
     * On a successful answer: when a {@code remaining} header says 0, the provider will refuse
     * the next request until its reset; that wait, else empty.
     */
    public static Optional<Duration> exhaustedFor(Function<String, String> headers, Instant now) {
        return exhaustedFor(headers, () -> now);
    }

    /**
     * As {@link #exhaustedFor(Function, Instant)}, with the wall clock read only when a reset time
     * must be set against it (an exhausted Anthropic limit): a successful answer without one, the
     * usual case, reads no clock.
     */
    public static Optional<Duration> exhaustedFor(Function<String, String> headers, java.util.function.Supplier<Instant> now) {
        if (headers == null) return Optional.empty();
        Duration hit = null;
        for (int i = 0; i < OPENAI.length; i++) {
            if (exhausted(headers.apply(OPENAI_REMAINING[i]))) {
                Optional<Duration> reset = goDuration(headers.apply(OPENAI_RESET[i]));
                if (reset.isPresent()) hit = max(hit, reset.get());
            }
        }
        for (int i = 0; i < ANTHROPIC.length; i++) {
            if (exhausted(headers.apply(ANTHROPIC_REMAINING[i]))) {
                Optional<Instant> at = instant(headers.apply(ANTHROPIC_RESET[i]));
                if (at.isPresent()) hit = max(hit, nonNegative(Duration.between(now.get(), at.get())));
            }
        }
        return Optional.ofNullable(hit);
    }

    /** A Go-style duration ({@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}, {@code 20ms}) or plain seconds. */
    static Optional<Duration> goDuration(String text) {
        String s = trim(text);
        if (s == null) return Optional.empty();
        Optional<Double> secs = number(s);
        if (secs.isPresent()) return Optional.of(nonNegative(Duration.ofNanos((long) (secs.get() * 1e9))));
        Matcher m = GO_DURATION.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "h" -> 3.6e12;
                case "m" -> 6e10;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs" -> 1e3;
                default -> 1;
            };
            end = m.end();
        }
        return end == s.length() ? Optional.of(Duration.ofNanos((long) nanos)) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        String s = trim(text);
        if (s == null) return Optional.empty();
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean exhausted(String remaining) {
        return number(remaining).map(v -> v <= 0).orElse(false);
    }

    private static Optional<Double> number(String text) {
        String s = trim(text);
        if (s == null || !NUMBER.matcher(s).matches()) return Optional.empty();
        return Optional.of(Double.parseDouble(s));
    }

    private static String trim(String s) {
        if (s == null) return null;
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    private static Duration max(Duration a, Duration b) {
        return a == null || b.compareTo(a) > 0 ? b : a;
    }
}

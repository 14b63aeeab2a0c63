package dev.aigw.limit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A counting window. Fixed windows aligned to UTC (as Envoy's ratelimit service does), so every
 * replica agrees on the current window without talking: second, minute, hour, day, month.
 */
public enum LimitUnit {
    SECOND(1), MINUTE(60), HOUR(3600), DAY(86400), MONTH(0);

    private final long seconds;

    LimitUnit(long seconds) {
        this.seconds = seconds;
    }

    public static LimitUnit parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "second", "seconds" -> SECOND;
            case "minute", "minutes" -> MINUTE;
            case "hour", "hours" -> HOUR;
            case "day", "days" -> DAY;
            case "month", "months" -> MONTH;
            default -> throw new IllegalArgumentException("unit: " + s + " (expected: second, minute, hour, day or month)");
        };
    }

    /** Length in seconds (months: 31 days, used only as a TTL bound). */
    public long seconds() {
        return this == MONTH ? 31 * 86400 : seconds;
    }

    /** The window holding {@code now}, as a key suffix. */
    public String window(Instant now) {
        if (this == MONTH) {
            LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate();
            return d.getYear() + "-" + (d.getMonthValue() < 10 ? "0" : "") + d.getMonthValue();
        }
        return Long.toString(now.getEpochSecond() / seconds);
    }

    /** When the window holding {@code now} ends. */
    public Instant resetAt(Instant now) {
        if (this == MONTH) {
            LocalDate first = now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).plusMonths(1);
            return first.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return Instant.ofEpochSecond((now.getEpochSecond() / seconds + 1) * seconds);
    }
}

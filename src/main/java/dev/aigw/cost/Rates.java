package dev.aigw.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A model's prices in US dollars per million tokens. {@code cacheRead} and {@code cacheWrite}
 * default to {@code input} when the catalog gives none (a provider that does not discount cache
 * reads bills them as input). Reasoning tokens are output tokens and priced as such.
 */
public record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {
    public Rates {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (cacheRead == null) cacheRead = input;
        if (cacheWrite == null) cacheWrite = input;
        for (BigDecimal b : new BigDecimal[]{input, output, cacheRead, cacheWrite}) {
            if (b.signum() < 0) throw new IllegalArgumentException("rates must not be negative: " + b);
        }
    }

    public static Rates of(String input, String output, String cacheRead, String cacheWrite) {
        return new Rates(new BigDecimal(input), new BigDecimal(output),
                cacheRead == null ? null : new BigDecimal(cacheRead), cacheWrite == null ? null : new BigDecimal(cacheWrite));
    }
}

package dev.aigw.cost;

import dev.aigw.translate.Usage;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The realized cost of one exchange in US dollars, in parts: uncached input, cache reads, cache
 * writes, output (reasoning included). Computed exactly in decimal, then exposed as doubles.
 *
 * <p>{@link Usage#input()} counts every prompt token; cache reads and writes are subsets of it
 * (see {@code Usage}), so the uncached part is {@code input - cacheRead - cacheWrite}.
 */
public record Cost(BigDecimal input, BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal output, boolean priced) {

    /** Budgets count micro-dollars: 1 unit = 0.000001 USD ({@code uint(llm.cost.total * 1000000)}). */
    public static final long MICRO_USD = 1_000_000L;
    public static final Cost UNPRICED = new Cost(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, false);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public static Cost of(Usage u, Rates r) {
        long uncached = Math.max(0, u.input() - u.cacheRead() - u.cacheWrite());
        return new Cost(per(uncached, r.input()), per(u.cacheRead(), r.cacheRead()), per(u.cacheWrite(), r.cacheWrite()),
                per(u.output(), r.output()), true);
    }

    private static BigDecimal per(long tokens, BigDecimal ratePerMillion) {
        BigDecimal x = BigDecimal.valueOf(tokens).multiply(ratePerMillion);
        if (x.signum() == 0) return x; // zero at the dividend's scale, as divide() answers
        // Dividing by 10^6 is exact: move the point, then drop trailing zeros down to the scale the
        // division prefers (the dividend's): the value and scale divide() returns, at a fraction of
        // its cost (divide was ~4% of a proxied request's CPU in bench/run.sh, once per usage part).
        BigDecimal q = x.movePointLeft(6).stripTrailingZeros();
        if (q.scale() < x.scale()) q = q.setScale(x.scale());
        return q.precision() <= MathContext.DECIMAL128.getPrecision() ? q : x.divide(MILLION, MathContext.DECIMAL128);
    }

    public BigDecimal total() {
        return input.add(cacheRead).add(cacheWrite).add(output);
    }

    public double totalUsd() {
        return total().doubleValue();
    }

    /** The total in micro-dollars, rounded up: a budget never undercounts. */
    public long micros() {
        return total().multiply(BigDecimal.valueOf(MICRO_USD)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code llm.cost} for CEL: {@code total}, {@code input}, {@code output}, {@code cacheRead}, {@code cacheWrite} (doubles, USD). */
    public Map<String, Object> toCel() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", totalUsd());
        m.put("input", input.doubleValue());
        m.put("output", output.doubleValue());
        m.put("cacheRead", cacheRead.doubleValue());
        m.put("cacheWrite", cacheWrite.doubleValue());
        m.put("priced", priced);
        return m;
    }
}

package dev.aigw.proxy.resilience;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link RetryBudget} per Backend, for the life of the gateway. */
public final class RetryBudgets {
    private final Ticker ticker;
    private final double ratio;
    private final int minPerSecond;
    private final Duration window;
    private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();

    public RetryBudgets() {
        this(Ticker.SYSTEM, 0.2, 5, Duration.ofSeconds(10));
    }

    public RetryBudgets(Ticker ticker, double ratio, int minPerSecond, Duration window) {
        this.ticker = ticker;
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.window = window;
    }

    /** The budget of a Backend ({@code namespace/name}). */
    public RetryBudget of(String backend) {
        RetryBudget b = budgets.get(backend);
        return b != null ? b : budgets.computeIfAbsent(backend, k -> new RetryBudget(ticker, ratio, minPerSecond, window));
    }

    /** Forgets Backends no longer configured. */
    public void retain(Collection<String> backends) {
        budgets.keySet().retainAll(backends);
    }
}

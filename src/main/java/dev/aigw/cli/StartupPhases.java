package dev.aigw.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a start-up's time goes, as one log line once the gateway serves: from the launcher's exec
 * (bin/ai-gateway exports {@code AIGW_LAUNCHED_AT}, bash's {@code $EPOCHREALTIME}) to main, then
 * each phase of {@link GatewayApp#start}. bench/run.sh collects the line; docs/benchmarks.md
 * explains the phases. Only the first start is timed (a config reload is not a start-up).
 */
final class StartupPhases {
    private static final List<String> phases = new ArrayList<>();
    private static long mainNanos;
    private static long lastNanos;
    private static long launchToMainMs = -1;
    private static boolean open;

    private StartupPhases() {
    }

    /** At main's entry: the clock starts. */
    static synchronized void mainEntered(String launchedAt) {
        mainNanos = lastNanos = System.nanoTime();
        launchToMainMs = sinceEpochSeconds(launchedAt, System.currentTimeMillis());
        open = true;
    }

    /** The time since the previous mark goes to {@code phase}. */
    static synchronized void mark(String phase) {
        if (!open) return;
        long now = System.nanoTime();
        phases.add(phase + " " + (now - lastNanos) / 1_000_000);
        lastNanos = now;
    }

    /** A phase that ran on another thread since {@code startNanos}, beside the main thread's. */
    static synchronized void beside(String phase, long startNanos) {
        if (!open) return;
        phases.add("(" + phase + " " + (System.nanoTime() - startNanos) / 1_000_000 + ")");
    }

    /** The line, once; null when the clock was never started (tests start GatewayApp directly) or already read. */
    static synchronized String summary() {
        if (!open) return null;
        open = false;
        long total = (lastNanos - mainNanos) / 1_000_000;
        String line = (launchToMainMs >= 0 ? "serving " + (launchToMainMs + total) + " ms after exec: launcher and JVM to main "
                + launchToMainMs + ", " : "serving " + total + " ms after main: ") + String.join(", ", phases) + " (ms)";
        phases.clear();
        return line;
    }

    /** Milliseconds from {@code epochSeconds} ("1733100000.123456") to {@code nowMs}; -1 when absent or odd. */
    static long sinceEpochSeconds(String epochSeconds, long nowMs) {
        if (epochSeconds == null || epochSeconds.isBlank()) return -1;
        try {
            long ms = Math.round(Double.parseDouble(epochSeconds.trim().replace(',', '.')) * 1000);
            long d = nowMs - ms;
            return d >= 0 && d < 600_000 ? d : -1;   // a stale or foreign value says nothing
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

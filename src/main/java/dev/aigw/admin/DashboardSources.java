package dev.aigw.admin;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the dashboard reads besides the snapshot, handed over by the wiring ({@code cli}) so that
 * this package needs neither the proxy nor the telemetry classes. Every supplier is called on
 * a worker thread, per request of the API.
 *
 * @param providers  the providers of the current config with their health as the planner sees it
 * @param traffic    the live figures (see {@code TrafficRing#traffic})
 * @param recent     the recent access records (see {@code TrafficRing#recent})
 * @param cluster    Kubernetes mode's state; empty outside it
 * @param spend      keys, teams and budgets; empty until a key store is configured
 * @param logPrompts whether prompts and completions are recorded (--log-prompts)
 */
public record DashboardSources(Supplier<List<ProviderRow>> providers, TrafficQuery traffic, RecentQuery recent,
                               Supplier<Optional<ClusterInfo>> cluster, Supplier<Optional<JsonNode>> spend,
                               boolean logPrompts) {

    /** {@code by}: route, model, provider or null; {@code key}: one value of {@code by}, or null for all. */
    public interface TrafficQuery {
        JsonNode traffic(int minutes, String by, String key);
    }

    /** Each filter null for any. */
    public interface RecentQuery {
        JsonNode recent(int limit, String status, String route, String provider, String model, String text);
    }

    /**
     * One provider. {@code status}: HEALTHY, RATE_LIMITED, EJECTED or PROBATION;
     * {@code availableInMs}: until requests may go to it again (0: now); {@code ttfbMs}: moving
     * average of time to first byte, null when unknown; {@code tried}: whether any request went to it.
     */
    public record ProviderRow(String backend, String name, String kind, String hostPort, String status,
                              long availableInMs, int failuresInARow, int ejections, String lastFailure,
                              Double ttfbMs, boolean tried) {
    }

    /**
     * Kubernetes mode. {@code synced}: the first list arrived; {@code staleSince}: the API server
     * has been unreachable since then (empty: reachable); {@code identity}: this replica's name
     * in the leader election; {@code leader}: whether it holds the Lease (and writes status);
     * {@code leaderIdentity}: who holds the Lease, as last read (empty: unknown or nobody).
     */
    public record ClusterInfo(boolean synced, Optional<Instant> staleSince, String identity, boolean leader,
                              Optional<String> leaderIdentity) {
    }
}

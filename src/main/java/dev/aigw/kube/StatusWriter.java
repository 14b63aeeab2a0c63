package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes what each compile found to the resources' {@code status} subresource (JSON merge patch
 * of {@code status} only), when this replica leads and the status differs from what the object
 * already says. Runs on its own thread and always works from the latest report, so a slow or
 * unreachable API server never holds up serving.
 *
 * <p>Statuses converge: every pass writes the latest report whole; a pass in which any write
 * failed (a timeout, a conflict, an API server error) is retried with back-off
 * ({@link #FIRST_RETRY} doubling to {@link #MAX_RETRY}) until one succeeds or a leader change
 * takes over, so a write lost under load is redone even when no further change comes.
 */
public final class StatusWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    static final Duration MAX_RETRY = Duration.ofSeconds(10);

    /** What one compile of the cluster's resources found. */
    public record Report(List<RawResource> resources, List<Problem> problems, boolean programmed) {
    }

    private final KubeSource source;
    private final Leadership leadership;
    private final AtomicReference<Report> latest = new AtomicReference<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    /** A pass is queued and has not yet read {@link #latest}: a report arriving now is carried by it. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-writer");
        t.setDaemon(true);
        return t;
    });
    // Touched only on the worker thread.
    private Duration nextRetry = FIRST_RETRY;
    private boolean retryScheduled;

    public StatusWriter(KubeSource source) {
        this.source = source;
        this.leadership = new Leadership(source.client(), source.options(), this::rewrite);
    }

    public void start() {
        leadership.start();
    }

    /** Records the outcome of a compile; the leader writes the statuses it implies. */
    public void report(Report report) {
        latest.set(report);
        rewrite();
    }

    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** Status writes done by this replica (for tests and the admin API). */
    public long writes() {
        return writes.get();
    }

    /** Status writes that failed and were (or will be) redone. */
    public long failedWrites() {
        return failedWrites.get();
    }

    private void rewrite() {
        if (!queued.compareAndSet(false, true)) return;
        try {
            worker.execute(this::pass);
        } catch (RejectedExecutionException e) {
            queued.set(false); // closed
        }
    }

    private void pass() {
        queued.set(false);
        Report r = latest.get();
        // Not leading: the pass that starts leadership writes the latest report.
        if (r == null || !leadership.isLeader()) return;
        boolean complete;
        try {
            complete = write(r);
        } catch (RuntimeException e) {
            log.warn("writing status failed: {}", e.toString());
            complete = false;
        }
        if (complete) {
            nextRetry = FIRST_RETRY;
        } else if (!retryScheduled) {
            retryScheduled = true;
            log.debug("status writes incomplete; retrying in {} ms", nextRetry.toMillis());
            worker.schedule(() -> {
                retryScheduled = false;
                rewrite();
            }, nextRetry.toMillis(), TimeUnit.MILLISECONDS);
            nextRetry = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
        }
    }

    /** Writes every status that differs; false if any write failed (the pass is then redone). */
    private boolean write(Report report) {
        var ser = source.client().getKubernetesSerialization();
        Statuses statuses = new Statuses(source.options().controllerName(), report.resources(), report.problems(),
                report.programmed(), key -> currentStatus(ser, key), Instant.now());
        Map<ResourceKey, ObjectNode> desired = statuses.all();
        boolean complete = true;
        for (ResourceKey key : Statuses.sorted(desired)) {
            if (!leadership.isLeader()) return true; // the next leader (maybe this replica again) rewrites all
            ObjectNode status = desired.get(key);
            if (status.equals(currentStatus(ser, key))) continue;
            Kind kind = Kind.of(key.kind());
            ObjectNode patch = JSON.createObjectNode();
            patch.set("status", status);
            try {
                source.client().genericKubernetesResources(kind.context()).inNamespace(key.namespace())
                        .withName(key.name()).subresource("status")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
                writes.incrementAndGet();
                log.debug("status of {} written", key);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) continue; // deleted meanwhile
                failedWrites.incrementAndGet();
                complete = false;
                log.warn("status of {} not written (retrying): {}", key, e.getMessage());
            }
        }
        return complete;
    }

    private JsonNode currentStatus(io.fabric8.kubernetes.client.utils.KubernetesSerialization ser, ResourceKey key) {
        return source.cached(key).map(obj -> {
            Object status = obj.getAdditionalProperties().get("status");
            if (status == null) return (JsonNode) MissingNode.getInstance();
            try {
                return JSON.readTree(ser.asJson(status));
            } catch (Exception e) {
                return (JsonNode) MissingNode.getInstance();
            }
        }).orElse(MissingNode.getInstance());
    }

    @Override
    public void close() {
        leadership.close();
        worker.shutdownNow();
    }
}

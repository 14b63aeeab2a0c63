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

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes what each compile found to the resources' {@code status} subresource (JSON merge patch
 * of {@code status} only), when this replica leads and the status differs from what the object
 * already says. Runs on its own thread and always works from the latest report, so a slow or
 * unreachable API server never holds up serving; a write that fails is retried with the next
 * report (the source sends one when its watches reconnect).
 */
public final class StatusWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one compile of the cluster's resources found. */
    public record Report(List<RawResource> resources, List<Problem> problems, boolean programmed) {
    }

    private final KubeSource source;
    private final Leadership leadership;
    private final AtomicReference<Report> latest = new AtomicReference<>();
    private final AtomicLong writes = new AtomicLong();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "status-writer");
        t.setDaemon(true);
        return t;
    });

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

    private void rewrite() {
        worker.execute(() -> {
            Report r = latest.get();
            if (r == null || !leadership.isLeader()) return;
            try {
                write(r);
            } catch (RuntimeException e) {
                log.warn("writing status failed: {}", e.toString());
            }
        });
    }

    private void write(Report report) {
        var ser = source.client().getKubernetesSerialization();
        Statuses statuses = new Statuses(source.options().controllerName(), report.resources(), report.problems(),
                report.programmed(), key -> currentStatus(ser, key), Instant.now());
        Map<ResourceKey, ObjectNode> desired = statuses.all();
        for (ResourceKey key : Statuses.sorted(desired)) {
            if (!leadership.isLeader()) return;
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
                log.warn("status of {} not written: {}", key, e.getMessage());
            }
        }
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

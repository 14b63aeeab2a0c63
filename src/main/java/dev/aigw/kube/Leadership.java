package dev.aigw.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Leader election over a {@code coordination.k8s.io} Lease (fabric8's LeaderElector): every
 * replica serves traffic; only the leader writes status, so replicas never fight over it.
 * A replica that loses the lease stands for election again.
 */
final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final KubeOptions options;
    private final String namespace;
    private final Runnable onStartLeading;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "leader-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean leader;
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    Leadership(KubernetesClient client, KubeOptions options, Runnable onStartLeading) {
        this.client = client;
        this.options = options;
        String ns = options.leaseNamespace();
        if (ns == null || ns.isEmpty()) ns = client.getNamespace();
        this.namespace = ns == null || ns.isEmpty() ? "default" : ns;
        this.onStartLeading = onStartLeading;
    }

    void start() {
        if (closed) return;
        Duration lease = options.leaseDuration();
        var config = new LeaderElectionConfigBuilder()
                .withName(options.leaseName())
                .withLock(new LeaseLock(namespace, options.leaseName(), options.identity()))
                .withLeaseDuration(lease)
                .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(lease.dividedBy(8))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leader = true;
                            log.info("{} leads (Lease {}/{}): writing status", options.identity(), namespace,
                                    options.leaseName());
                            onStartLeading.run();
                        },
                        () -> {
                            leader = false;
                            log.info("{} stopped leading", options.identity());
                        },
                        id -> log.debug("leader is now {}", id)))
                .build();
        running = client.leaderElector().withConfig(config).build().start();
        running.whenComplete((v, e) -> {
            leader = false;
            if (!closed) executor.execute(this::start);
        });
    }

    boolean isLeader() {
        return leader;
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> f = running;
        if (f != null) f.cancel(true);
        leader = false;
        executor.shutdownNow();
    }
}

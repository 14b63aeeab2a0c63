package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches the cluster and hands the whole set of resources to {@code onChange} after every
 * change, coalesced over {@link KubeOptions#debounce()} so a burst of events (an {@code kubectl
 * apply} of many files, a relist) compiles once. fabric8's informers list, watch, and on a lost
 * connection reconnect with back-off and relist; while any watch is down, {@link #staleSince()}
 * says since when, and the last set handed over keeps serving.
 *
 * <p>What is handed over: every watched object, except Gateways whose {@code gatewayClassName}
 * is not served by this deployment (filtered here, before compiling) and Secrets that no
 * Backend references (all Secrets of the watched namespaces are watched, so a Secret created
 * after its Backend, or rotated, is seen at once; only referenced ones reach the config).
 */
public final class KubeSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeSource.class);
    /** This source's name in the {@link dev.aigw.config.ResourceStore}. */
    public static final String SOURCE = KubeResources.SOURCE;

    private final KubeOptions options;
    private final KubernetesClient client;
    private final Consumer<List<RawResource>> onChange;
    private final Map<Kind, List<SharedIndexInformer<GenericKubernetesResource>>> informers = new EnumMap<>(Kind.class);
    private final ScheduledExecutorService loop;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Instant staleSince;
    private volatile boolean synced;
    private volatile boolean closed;

    public KubeSource(KubeOptions options, Consumer<List<RawResource>> onChange) {
        this.options = Objects.requireNonNull(options, "options");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        Config config = options.client() != null ? options.client() : Config.autoConfigure(null);
        this.client = new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(serialization()).build();
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubernetes-source");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * fabric8's serialization as its default one, minus the class-path scan. By default the first
     * watch event deserialized in a JVM loads and instantiates every model class fabric8 ships
     * (ServiceLoader over KubernetesResource: ~700 classes here, ~0.3 s of CPU, seconds on a busy
     * or throttled machine) so that a watch event's object can be typed; every first change after
     * start-up waited for that, and each typed object was then converted back to the
     * GenericKubernetesResource our informers hold. Without the scan the object is read as a
     * GenericKubernetesResource directly; Status stays typed, as the watch needs it to recognise an
     * ERROR event (410 Gone: relist). Typed calls (the Lease) name their class and need no scan.
     */
    static KubernetesSerialization serialization() {
        KubernetesSerialization s = new KubernetesSerialization(tools.jackson.databind.json.JsonMapper
                .builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule()).build(), false);
        s.registerKubernetesResource(Status.class);
        return s;
    }

    public KubernetesClient client() {
        return client;
    }

    public KubeOptions options() {
        return options;
    }

    /**
     * Starts the informers and waits up to {@code timeout} for their first list; then hands the
     * first set over (on the calling thread's behalf, before returning). Returns whether the
     * lists arrived in time; if not, the set is handed over once they do.
     */
    public boolean start(Duration timeout) {
        // While the first lists arrive: the binding's deserializers, which the first flush needs.
        loop.submit(dev.aigw.config.Binder::warm);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            List<SharedIndexInformer<GenericKubernetesResource>> list = new ArrayList<>();
            var op = client.genericKubernetesResources(kind.context());
            List<SharedIndexInformer<GenericKubernetesResource>> created = new ArrayList<>();
            if (!kind.namespaced || options.namespaces().isEmpty()) {
                created.add((kind.namespaced ? op.inAnyNamespace() : op).runnableInformer(0));
            } else {
                for (String ns : options.namespaces()) created.add(op.inNamespace(ns).runnableInformer(0));
            }
            for (SharedIndexInformer<GenericKubernetesResource> inf : created) {
                inf.addEventHandler(new Handler(kind));
                inf.exceptionHandler((isStarted, t) -> {
                    log.debug("watch of {} failed (retrying): {}", kind.kind, t.toString());
                    return true;
                });
                started.add(inf.start().toCompletableFuture());
                list.add(inf);
            }
            informers.put(kind, List.copyOf(list));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
        boolean inTime;
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            inTime = true;
        } catch (TimeoutException e) {
            inTime = false;
            log.warn("the Kubernetes API did not answer within {} ms; serving what the files define until it does",
                    timeout.toMillis());
        } catch (Exception e) {
            inTime = false;
            log.warn("the Kubernetes API cannot be listed yet ({}); retrying", e.getMessage());
        }
        if (inTime) {
            try {
                loop.submit(this::flush).get();
            } catch (Exception e) {
                throw new IllegalStateException("first Kubernetes sync failed: " + e.getMessage(), e);
            }
        } else {
            all.whenComplete((v, e) -> {
                if (e == null) schedule(Duration.ZERO);
            });
        }
        loop.scheduleWithFixedDelay(this::checkConnection, 250, 250, TimeUnit.MILLISECONDS);
        return inTime;
    }

    /** Whether the first full set has been handed over. */
    public boolean synced() {
        return synced;
    }

    /** When a watch was first seen down, while any is; empty while all are connected. */
    public Optional<Instant> staleSince() {
        return Optional.ofNullable(staleSince);
    }

    /** The current object of {@code key} as last seen by the informers (for status comparisons). */
    Optional<GenericKubernetesResource> cached(ResourceKey key) {
        Kind kind = Kind.of(key.kind());
        if (kind == null) return Optional.empty();
        for (SharedIndexInformer<GenericKubernetesResource> inf : informers.getOrDefault(kind, List.of())) {
            GenericKubernetesResource r = inf.getStore().getByKey(kind.namespaced ? key.namespace() + "/" + key.name()
                    : key.name());
            if (r != null) return Optional.of(r);
        }
        return Optional.empty();
    }

    private void checkConnection() {
        if (closed || !synced) return;
        boolean watching = informers.values().stream().flatMap(List::stream).allMatch(SharedIndexInformer::isWatching);
        if (!watching && staleSince == null) {
            staleSince = Instant.now();
            log.warn("lost the Kubernetes API watch; serving the last good config while reconnecting");
        } else if (watching && staleSince != null) {
            log.info("Kubernetes API watches reconnected (stale since {})", staleSince);
            staleSince = null;
            schedule(Duration.ZERO);
        }
    }

    /** Flushes after {@code delay} unless a flush is already pending (which then carries this change). */
    private void schedule(Duration delay) {
        if (closed || !pending.compareAndSet(false, true)) return;
        loop.schedule(this::flush, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void flush() {
        pending.set(false);
        if (closed) return;
        try {
            synced = true; // from here on, events schedule flushes: none is lost between this read and the next
            List<RawResource> set = current();
            onChange.accept(set);
        } catch (RuntimeException e) {
            log.error("applying the Kubernetes resources failed", e);
        }
    }

    /** Every watched object, filtered as the class comment says. */
    List<RawResource> current() {
        var ser = client.getKubernetesSerialization();
        List<RawResource> out = new ArrayList<>();
        List<RawResource> secrets = new ArrayList<>();
        Set<ResourceKey> referenced = new HashSet<>();
        for (Kind kind : Kind.values()) {
            for (SharedIndexInformer<GenericKubernetesResource> inf : informers.getOrDefault(kind, List.of())) {
                for (GenericKubernetesResource obj : inf.getStore().list()) {
                    RawResource r = KubeResources.toRaw(ser, kind, obj);
                    switch (kind) {
                        case GATEWAY -> {
                            if (!options.gatewayClasses().contains(r.body().path("spec").path("gatewayClassName").asText())) {
                                continue;
                            }
                            // HTTPS listeners' certificates are Secrets too.
                            for (JsonNode l : r.body().path("spec").path("listeners")) {
                                for (JsonNode ref : l.path("tls").path("certificateRefs")) {
                                    if (ref.hasNonNull("name")) referenced.add(new ResourceKey("Secret",
                                            ref.path("namespace").asText(r.namespace()), ref.get("name").asText()));
                                }
                            }
                        }
                        // Backends' credentials; policies' (moderation keys, API-key and basic-auth Secrets).
                        case BACKEND, AGENTGATEWAY_BACKEND, TRAFFIC_POLICY, AGENTGATEWAY_POLICY ->
                                collectSecretRefs(r.body().path("spec"), r.namespace(), referenced);
                        case SECRET -> {
                            secrets.add(r);
                            continue;
                        }
                        default -> {
                        }
                    }
                    out.add(r);
                }
            }
        }
        for (RawResource s : secrets) if (referenced.contains(s.key())) out.add(s);
        return out;
    }

    /** Every {@code secretRef: {name}} under a Backend's spec (same namespace only, as kgateway reads them). */
    private static void collectSecretRefs(JsonNode node, String namespace, Set<ResourceKey> out) {
        if (node.isObject()) {
            JsonNode ref = node.get("secretRef");
            if (ref != null && ref.hasNonNull("name")) {
                out.add(new ResourceKey("Secret", namespace, ref.get("name").asText()));
            }
            node.forEach(child -> collectSecretRefs(child, namespace, out));
        } else if (node.isArray()) {
            node.forEach(child -> collectSecretRefs(child, namespace, out));
        }
    }

    /** Any change to what a resource defines schedules a flush; our own status writes do not. */
    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        private final Kind kind;

        Handler(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(GenericKubernetesResource obj) {
            if (synced) schedule(options.debounce());
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            if (!synced || sameDefinition(oldObj, newObj)) return;
            schedule(options.debounce());
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            if (synced) schedule(options.debounce());
        }

        /** True when only status or bookkeeping metadata changed (e.g. our own status write). */
        private boolean sameDefinition(GenericKubernetesResource a, GenericKubernetesResource b) {
            if (kind == Kind.SECRET) return false;
            var ma = a.getMetadata();
            var mb = b.getMetadata();
            return Objects.equals(ma.getGeneration(), mb.getGeneration()) && ma.getGeneration() != null
                    && Objects.equals(ma.getLabels(), mb.getLabels())
                    && Objects.equals(ma.getAnnotations(), mb.getAnnotations())
                    && Objects.equals(a.getAdditionalProperties().get("spec"), b.getAdditionalProperties().get("spec"));
        }
    }

    @Override
    public void close() {
        closed = true;
        informers.values().forEach(l -> l.forEach(SharedIndexInformer::stop));
        loop.shutdownNow();
        client.close();
    }
}

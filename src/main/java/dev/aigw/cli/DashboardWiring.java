package dev.aigw.cli;

import dev.aigw.admin.DashboardSources;
import dev.aigw.kube.KubeSource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import dev.aigw.proxy.GatewayServer;
import dev.aigw.proxy.resilience.ProviderHealth;
import dev.aigw.proxy.resilience.ProviderKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** What the dashboard reads from the proxy, turned into the admin package's own records. */
final class DashboardWiring {
    static final String TOKEN_ENV = "AIGW_ADMIN_TOKEN";

    private DashboardWiring() {
    }

    /** Every provider of the current config (tried or not) and any still remembered, with its health. */
    static List<DashboardSources.ProviderRow> providers(GatewayServer server) {
        ProviderHealth health = server.health();
        Set<ProviderKey> known = health.known();
        Set<ProviderKey> all = new TreeSet<>(Comparator.comparing(ProviderKey::toString));
        all.addAll(ProviderKey.allIn(server.snapshot()));
        all.addAll(known);
        return all.stream().map(k -> {
            ProviderHealth.View v = health.view(k);
            return new DashboardSources.ProviderRow(k.backend(), k.name(), k.kind(), k.hostPort(), v.status().name(),
                    v.availableIn().toMillis(), v.consecutiveFailures(), v.ejections(),
                    v.lastFailure().map(Enum::name).orElse(null), v.ttfbMillis().orElse(null), known.contains(k));
        }).toList();
    }

    /**
     * Who holds the leader-election Lease, read from the API server at most every 5 seconds (the
     * dashboard polls); while the API server is unreachable, the last answer.
     */
    static final class LeaseHolder {
        private static final long EVERY_NANOS = 5_000_000_000L;
        private volatile Optional<String> last = Optional.empty();
        private volatile long readAt = Long.MIN_VALUE;

        Optional<String> read(KubeSource k) {
            long now = System.nanoTime();
            if (readAt != Long.MIN_VALUE && now - readAt < EVERY_NANOS || k.staleSince().isPresent()) return last;
            readAt = now;
            try {
                String ns = k.options().leaseNamespace();
                if (ns == null || ns.isEmpty()) ns = k.client().getNamespace();
                if (ns == null || ns.isEmpty()) ns = "default";
                Lease lease = k.client().leases().inNamespace(ns).withName(k.options().leaseName()).get();
                last = Optional.ofNullable(lease).map(Lease::getSpec).map(s -> s.getHolderIdentity())
                        .filter(h -> !h.isEmpty());
            } catch (RuntimeException e) {
                // unreachable or forbidden: keep the last answer
            }
            return last;
        }
    }

    /**
     * The admin token: the file's content (for example a mounted Secret's key) when given, else
     * the environment variable; empty when neither is set.
     */
    static Optional<String> adminToken(Path file, Function<String, String> env) throws IOException {
        String t = file != null ? Files.readString(file, StandardCharsets.UTF_8) : env.apply(TOKEN_ENV);
        if (t == null || t.isBlank()) {
            if (file != null) throw new IOException("the admin token file " + file + " is empty");
            return Optional.empty();
        }
        if (t.strip().length() < 16) {
            throw new IOException("the admin token " + (file != null ? "in " + file : "in $" + TOKEN_ENV)
                    + " is shorter than 16 characters; use a long random string (e.g. openssl rand -hex 24)");
        }
        return Optional.of(t.strip());
    }
}

package dev.aigw.proxy.resilience;

import dev.aigw.provider.Provider;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteTable;
import dev.aigw.route.Snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Names a provider across config reloads: its Backend ({@code namespace/name}), its name in the
 * Backend, its kind and where it sends requests. A reload that keeps these keeps the provider's
 * health; changing any of them starts afresh. {@code equals} and {@code hashCode} are written out
 * (component by component, as a record's): a record's own are linked through an invokedynamic
 * (ObjectMethods) on first use, which spins LambdaForms the AOT cache does not hold, and the first
 * request hashes a key.
 */
public record ProviderKey(String backend, String name, String kind, String hostPort) {

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ProviderKey k && Objects.equals(backend, k.backend) && Objects.equals(name, k.name)
                && Objects.equals(kind, k.kind) && Objects.equals(hostPort, k.hostPort);
    }

    @Override
    public int hashCode() {
        return ((Objects.hashCode(backend) * 31 + Objects.hashCode(name)) * 31 + Objects.hashCode(kind)) * 31
                + Objects.hashCode(hostPort);
    }

    public static ProviderKey of(String backend, Provider p) {
        return new ProviderKey(backend, p.name(), p.kind(), p.target().host() + ":" + p.target().port());
    }

    public static ProviderKey of(Destination.Ai backend, Provider p) {
        return of(backend.name(), p);
    }

    /** Every provider a snapshot can send to; for {@link ProviderHealth#retain} after a reload. */
    public static Set<ProviderKey> allIn(Snapshot snapshot) {
        Set<ProviderKey> out = new HashSet<>();
        for (RouteTable table : snapshot.ports().values()) {
            for (RouteTable.Entry e : table.entries()) {
                for (CompiledRule.Weighted w : e.rule().destinations()) {
                    if (!(w.destination() instanceof Destination.Ai ai)) continue;
                    for (List<Provider> group : ai.groups()) for (Provider p : group) out.add(of(ai, p));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return backend + "/" + name + " (" + kind + " " + hostPort + ")";
    }
}

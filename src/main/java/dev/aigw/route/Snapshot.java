package dev.aigw.route;

import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.provider.Provider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a request needs, compiled from one consistent set of resources. Immutable: a
 * reload builds a new one and swaps it in; requests in flight keep the one they started with.
 */
public record Snapshot(long generation, Instant loadedAt, Map<Integer, RouteTable> ports,
                       List<ListenerInfo> listeners, List<Problem> problems, List<RawResource> resources,
                       Map<Integer, TlsCertificate> tls) {

    public Snapshot(long generation, Instant loadedAt, Map<Integer, RouteTable> ports, List<ListenerInfo> listeners,
                    List<Problem> problems, List<RawResource> resources) {
        this(generation, loadedAt, ports, listeners, problems, resources, Map.of());
    }

    /** The certificate and key (PEM) an HTTPS port serves. Never printed. */
    public record TlsCertificate(String certPem, String keyPem) {
        @Override
        public String toString() {
            return "TlsCertificate[<redacted>]";
        }
    }

    /** A Gateway listener as served. */
    public record ListenerInfo(String gateway, String name, int port, boolean implicit) {
    }

    /** Every provider an AI destination of a rule names, in each port's rule order (repeats kept; read at a swap, not per request). */
    public List<Provider> aiProviders() {
        List<Provider> out = new ArrayList<>();
        for (RouteTable t : ports.values()) {
            for (RouteTable.Entry e : t.entries()) {
                for (CompiledRule.Weighted w : e.rule().destinations()) {
                    if (w.destination() instanceof Destination.Ai ai) ai.groups().forEach(out::addAll);
                }
            }
        }
        return out;
    }

    public static Snapshot empty() {
        return new Snapshot(0, Instant.EPOCH, Map.of(), List.of(), List.of(), List.of());
    }
}

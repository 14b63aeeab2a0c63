package dev.aigw.config.gateway;

import dev.aigw.config.Checker;
import dev.aigw.config.GatewayResource;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.Values;
import dev.aigw.config.gateway.GatewaySpec.Listener;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bound {@link GatewaySpec} into the {@link GatewayResource} the snapshot compiler opens
 * sockets for, in one validation pass: HTTP and HTTPS (Terminate) listeners, unique names,
 * certificate Secrets in the Gateway's own namespace.
 */
public final class GatewayConversion {
    private GatewayConversion() {
    }

    /** The Gateway, or null after an error (reported through {@code c}). */
    public static GatewayResource convert(GatewaySpec spec, Checker c) {
        String ns = c.resource().namespace();
        List<GatewayResource.Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.listeners().size(); i++) {
            Listener l = spec.listeners().get(i);
            String at = "/spec/listeners/" + i;
            String name = Values.required(c, at, l.name(), "name");
            int port = Values.port(c, at, l.port(), "port");
            String protocol = Values.required(c, at, l.protocol(), "protocol");
            if (protocol != null && !protocol.equals("HTTP") && !protocol.equals("HTTPS")) {
                c.fail(at + "/protocol", "listener " + name + ": protocol " + protocol
                        + " is not supported (expected HTTP or HTTPS)");
            }
            Optional<ResourceKey> certificate = "HTTPS".equals(protocol) ? certificate(c, l, at, name, ns) : Optional.empty();
            if (name != null && !names.add(name)) c.fail(at, "listener name " + name + " is used twice");
            Optional<GatewaySpec.Namespaces> from = l.allowedRoutes().flatMap(GatewaySpec.AllowedRoutes::namespaces);
            GatewayResource.From f = switch (from.flatMap(GatewaySpec.Namespaces::from).orElse("Same")) {
                case "All" -> GatewayResource.From.ALL;
                case "Same" -> GatewayResource.From.SAME;
                case "Selector" -> GatewayResource.From.SELECTOR;
                case String other -> {
                    c.fail(at + "/allowedRoutes/namespaces/from", "allowedRoutes.namespaces.from: " + other
                            + " (expected All, Same or Selector)");
                    yield GatewayResource.From.SAME;
                }
            };
            Map<String, String> selector = new TreeMap<>(from.flatMap(GatewaySpec.Namespaces::selector)
                    .map(GatewaySpec.Selector::matchLabels).orElse(Map.of()));
            listeners.add(new GatewayResource.Listener(name, port, protocol, Optional.ofNullable(Values.orNull(l.hostname())),
                    f, Map.copyOf(selector), certificate));
        }
        if (listeners.isEmpty()) c.fail("/spec", "spec.listeners is empty (expected at least one HTTP listener)");
        return new GatewayResource(c.resource().key(), spec.gatewayClassName().orElse(""), List.copyOf(listeners),
                c.resource().location());
    }

    /** An HTTPS listener's {@code tls}: Terminate with the first certificate Secret. */
    private static Optional<ResourceKey> certificate(Checker c, Listener l, String at, String name, String ns) {
        Optional<GatewaySpec.Tls> tls = l.tls();
        String mode = tls.flatMap(GatewaySpec.Tls::mode).orElse("Terminate");
        List<GatewaySpec.CertificateRef> refs = tls.map(GatewaySpec.Tls::certificateRefs).orElse(List.of());
        if (!mode.equals("Terminate")) {
            c.fail(at + "/tls/mode", "listener " + name + ": tls.mode " + mode + " is not supported (expected Terminate)");
            return Optional.empty();
        }
        if (refs.isEmpty()) {
            c.fail(at, "listener " + name + ": an HTTPS listener needs tls.certificateRefs with the name of a "
                    + "Secret holding tls.crt and tls.key");
            return Optional.empty();
        }
        GatewaySpec.CertificateRef ref = refs.getFirst();
        String refAt = at + "/tls/certificateRefs/0";
        String kind = ref.kind().orElse("Secret");
        if (!kind.equals("Secret")) {
            c.fail(refAt, "listener " + name + ": certificateRefs kind " + kind + " is not supported (expected Secret)");
        }
        String refNs = ref.namespace().orElse(ns);
        if (!refNs.equals(ns)) {
            c.fail(refAt, "listener " + name + ": a certificate Secret in another namespace (" + refNs
                    + ") needs a ReferenceGrant, which this gateway does not read; put the Secret in " + ns);
        }
        return Optional.of(new ResourceKey("Secret", refNs, ref.name()));
    }
}

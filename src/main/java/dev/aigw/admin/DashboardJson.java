package dev.aigw.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.HttpRouteResource.Match;
import dev.aigw.config.HttpRouteResource.ValueMatch;
import dev.aigw.config.Problem;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteTable;
import dev.aigw.route.Snapshot;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of {@code /api/overview} and {@code /api/providers}, built from the snapshot and the
 * sources. Only names, hosts, ports and match rules: a provider's credential never leaves
 * {@code Target}, so nothing here can carry a secret.
 */
final class DashboardJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DashboardJson() {
    }

    static ObjectNode overview(Snapshot s, Map<Integer, Integer> bound, Optional<DashboardSources.ClusterInfo> cluster) {
        ObjectNode out = JSON.objectNode();
        out.put("generation", s.generation());
        out.put("loadedAt", s.loadedAt().toString());
        ArrayNode listeners = out.putArray("listeners");
        for (Snapshot.ListenerInfo l : s.listeners()) {
            ObjectNode n = listeners.addObject();
            n.put("gateway", l.gateway());
            n.put("name", l.name());
            n.put("port", l.port());
            Integer b = bound.get(l.port());
            if (b == null) n.putNull("boundPort");
            else n.put("boundPort", b);
            n.put("tls", s.tls().containsKey(l.port()));
            n.put("implicit", l.implicit());
        }
        ArrayNode routes = out.putArray("routes");
        ArrayNode unavailable = out.putArray("unavailable");
        s.ports().forEach((port, table) -> {
            int precedence = 0;
            for (RouteTable.Entry e : table.entries()) {
                ObjectNode r = route(e, port, bound.get(port), ++precedence);
                routes.add(r);
                for (CompiledRule.Weighted w : e.rule().destinations()) {
                    if (w.destination() instanceof Destination.Unavailable u) {
                        ObjectNode n = unavailable.addObject();
                        n.put("route", e.rule().id());
                        n.put("port", port);
                        n.put("backend", u.name());
                        n.put("reason", u.reason());
                    }
                }
                if (e.rule().destinations().isEmpty()) {
                    ObjectNode n = unavailable.addObject();
                    n.put("route", e.rule().id());
                    n.put("port", port);
                    n.putNull("backend");
                    n.put("reason", "the rule has no backends: requests get 500");
                }
            }
        });
        ArrayNode problems = out.putArray("problems");
        for (Problem p : s.problems()) {
            ObjectNode n = problems.addObject();
            n.put("severity", p.severity().name());
            n.put("location", p.location() == null ? null : p.location().toString());
            n.put("resource", p.resource());
            n.put("message", p.message());
            n.put("text", p.toString());
        }
        if (cluster.isPresent()) {
            DashboardSources.ClusterInfo c = cluster.get();
            ObjectNode k = out.putObject("kubernetes");
            k.put("synced", c.synced());
            k.put("apiReachable", c.staleSince().isEmpty());
            k.put("staleSince", c.staleSince().map(Object::toString).orElse(null));
            k.put("identity", c.identity());
            k.put("leader", c.leader());
            k.put("leaderIdentity", c.leader() ? c.identity() : c.leaderIdentity().orElse(null));
        } else {
            out.putNull("kubernetes");
        }
        return out;
    }

    private static ObjectNode route(RouteTable.Entry e, int port, Integer bound, int precedence) {
        ObjectNode r = JSON.objectNode();
        r.put("precedence", precedence);
        r.put("id", e.rule().id());
        r.put("port", port);
        if (bound == null) r.putNull("boundPort");
        else r.put("boundPort", bound);
        ArrayNode hosts = r.putArray("hostnames");
        e.hostnames().forEach(hosts::add);
        Match m = e.match();
        r.put("method", m.method().orElse(null));
        ObjectNode path = r.putObject("path");
        path.put("type", m.path().type().name());
        path.put("value", m.path().value());
        values(r.putArray("headers"), m.headers());
        values(r.putArray("queryParams"), m.queryParams());
        ArrayNode ds = r.putArray("destinations");
        for (CompiledRule.Weighted w : e.rule().destinations()) {
            ObjectNode d = ds.addObject();
            d.put("name", w.destination().name());
            d.put("weight", w.weight());
            switch (w.destination()) {
                case Destination.Ai ai -> {
                    d.put("type", "ai");
                    ArrayNode groups = d.putArray("priorityGroups");
                    for (List<Provider> g : ai.groups()) {
                        ArrayNode ga = groups.addArray();
                        for (Provider p : g) {
                            ObjectNode pn = ga.addObject();
                            pn.put("name", p.name());
                            pn.put("kind", p.kind());
                            pn.put("target", p instanceof MockProvider ? "built-in"
                                    : p.target().host() + ":" + p.target().port());
                        }
                    }
                }
                case Destination.Static st -> {
                    d.put("type", "static");
                    ArrayNode hs = d.putArray("hosts");
                    st.hosts().forEach(h -> hs.add(h.host() + ":" + h.port()));
                }
                case Destination.Unavailable u -> {
                    d.put("type", "unavailable");
                    d.put("reason", u.reason());
                }
            }
        }
        r.put("policy", e.rule().policy().map(p -> p.describe()).orElse(null));
        return r;
    }

    private static void values(ArrayNode out, List<ValueMatch> vs) {
        for (ValueMatch v : vs) {
            ObjectNode n = out.addObject();
            n.put("name", v.name());
            n.put("type", v.regex() == null ? "Exact" : "RegularExpression");
            n.put("value", v.value());
        }
    }

    static ObjectNode providers(List<DashboardSources.ProviderRow> rows) {
        ObjectNode out = JSON.objectNode();
        ArrayNode a = out.putArray("providers");
        for (DashboardSources.ProviderRow p : rows) {
            ObjectNode n = a.addObject();
            n.put("backend", p.backend());
            n.put("name", p.name());
            n.put("kind", p.kind());
            n.put("hostPort", p.hostPort());
            n.put("status", p.status());
            n.put("availableInMs", p.availableInMs());
            n.put("failuresInARow", p.failuresInARow());
            n.put("ejections", p.ejections());
            n.put("lastFailure", p.lastFailure());
            n.put("ttfbMs", p.ttfbMs());
            n.put("tried", p.tried());
        }
        return out;
    }
}

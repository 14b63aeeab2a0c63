package dev.aigw.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.ResourceKey;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The status each resource should have, from the problems its compile found: pure functions,
 * no I/O. Conditions follow Gateway API: {@code Accepted}/{@code Programmed} on Gateways and
 * their listeners, {@code Accepted}/{@code ResolvedRefs} per parent on HTTPRoutes (only for
 * parents this deployment serves; other controllers' entries are kept), {@code Accepted} on
 * Backends and TrafficPolicies. A condition keeps its {@code lastTransitionTime} while its
 * status stays the same.
 *
 * <p>Problems name their resource as {@code Kind ns/name} ({@link ResourceKey#toString()}):
 * {@code ERROR} means the resource was rejected; {@code UNRESOLVED} means it is served but a
 * reference is broken; warnings do not change a condition.
 */
final class Statuses {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SECRET_NOT_FOUND = Pattern.compile("secret \\S+ not found");
    static final String GATEWAY_API = "gateway.networking.k8s.io";

    private final String controller;
    private final Map<String, List<Problem>> byResource;
    private final List<RawResource> resources;
    private final boolean programmed;
    private final Function<ResourceKey, JsonNode> currentStatus;
    private final String now;

    /**
     * @param resources     the resources read from the cluster (rejected ones included)
     * @param problems      every problem found compiling them
     * @param programmed    whether the compiled config is being served (listeners bound)
     * @param currentStatus the status the object has now ({@code MissingNode} for none)
     */
    Statuses(String controller, List<RawResource> resources, List<Problem> problems, boolean programmed,
             Function<ResourceKey, JsonNode> currentStatus, Instant now) {
        this.controller = controller;
        this.resources = resources;
        this.programmed = programmed;
        this.currentStatus = currentStatus;
        this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
        this.byResource = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR
                        || p.severity() == Problem.Severity.UNRESOLVED)
                .collect(Collectors.groupingBy(p -> p.resource() == null ? "" : p.resource()));
    }

    /** The desired {@code status} of every resource this gateway reports on. */
    Map<ResourceKey, ObjectNode> all() {
        Map<ResourceKey, ObjectNode> out = new HashMap<>();
        Set<ResourceKey> gateways = resources.stream().filter(r -> r.kind().equals("Gateway")).map(RawResource::key)
                .collect(Collectors.toSet());
        for (RawResource r : resources) {
            ObjectNode status = switch (r.kind()) {
                case "Gateway" -> gateway(r);
                case "HTTPRoute" -> route(r, gateways);
                case "Backend" -> accepted(r, backendReason(r));
                case "TrafficPolicy" -> accepted(r, "Invalid");
                case "AgentgatewayBackend" -> agentgatewayBackend(r);
                case "AgentgatewayPolicy" -> agentgatewayPolicy(r);
                default -> null;
            };
            if (status != null) out.put(r.key(), status);
        }
        return out;
    }

    private List<Problem> problems(RawResource r, Problem.Severity severity) {
        return byResource.getOrDefault(r.key().toString(), List.of()).stream()
                .filter(p -> p.severity() == severity).toList();
    }

    private static String messages(List<Problem> ps) {
        return ps.stream().map(Problem::message).distinct().collect(Collectors.joining("; "));
    }

    // ---- Backend, TrafficPolicy ----

    private String backendReason(RawResource r) {
        List<Problem> unresolved = problems(r, Problem.Severity.UNRESOLVED);
        if (unresolved.stream().anyMatch(p -> SECRET_NOT_FOUND.matcher(p.message()).find())) return "SecretNotFound";
        if (unresolved.stream().anyMatch(p -> p.message().contains("secret "))) return "InvalidSecret";
        return "Invalid";
    }

    private ObjectNode accepted(RawResource r, String unresolvedReason) {
        List<Problem> errors = problems(r, Problem.Severity.ERROR);
        List<Problem> unresolved = problems(r, Problem.Severity.UNRESOLVED);
        ObjectNode cond;
        if (!errors.isEmpty()) cond = condition(r, "Accepted", false, "Invalid", messages(errors));
        else if (!unresolved.isEmpty()) cond = condition(r, "Accepted", false, unresolvedReason, messages(unresolved));
        else cond = condition(r, "Accepted", true, "Accepted", "accepted by " + controller);
        ObjectNode status = NODES.objectNode();
        status.putArray("conditions").add(keepTransition(currentStatus.apply(r.key()).path("conditions"), cond));
        return status;
    }

    // ---- agentgateway kinds (agentgateway-api.md §5) ----

    /** agentgateway's controller: the controllerName of AgentgatewayPolicy ancestors. */
    static final String AGENTGATEWAY_CONTROLLER = "agentgateway.dev/agentgateway";

    private ObjectNode agentgatewayBackend(RawResource r) {
        List<Problem> bad = new ArrayList<>(problems(r, Problem.Severity.ERROR));
        bad.addAll(problems(r, Problem.Severity.UNRESOLVED));
        ObjectNode cond = bad.isEmpty() ? condition(r, "Accepted", true, "Accepted", "Backend successfully accepted")
                : condition(r, "Accepted", false, "TranslationError", "failed to translate backend: " + messages(bad));
        ObjectNode status = NODES.objectNode();
        status.putArray("conditions").add(keepTransition(currentStatus.apply(r.key()).path("conditions"), cond));
        return status;
    }

    /**
     * {@code status.ancestors[]}: one entry per Gateway the policy's targets reach (a Gateway target,
     * an HTTPRoute's parents, the parents of routes that use a targeted AgentgatewayBackend), with
     * {@code Accepted} and {@code Attached}; when it reaches none, or was refused, the entry is
     * {@code {group: agentgateway.dev, name: StatusSummary}}. Other controllers' entries are kept.
     */
    private ObjectNode agentgatewayPolicy(RawResource r) {
        List<Problem> errors = problems(r, Problem.Severity.ERROR);
        List<Problem> unresolved = problems(r, Problem.Severity.UNRESOLVED);
        JsonNode current = currentStatus.apply(r.key()).path("ancestors");
        ObjectNode status = NODES.objectNode();
        ArrayNode ancestors = status.putArray("ancestors");
        for (JsonNode a : current) {
            if (!a.path("controllerName").asText().equals(AGENTGATEWAY_CONTROLLER)) ancestors.add(a.deepCopy());
        }
        List<ObjectNode> refs = new ArrayList<>();
        if (errors.isEmpty()) {
            for (ResourceKey gw : policyGateways(r)) {
                ObjectNode ref = NODES.objectNode();
                ref.put("group", GATEWAY_API).put("kind", "Gateway").put("name", gw.name()).put("namespace", gw.namespace());
                refs.add(ref);
            }
        }
        if (refs.isEmpty()) {
            ObjectNode summary = NODES.objectNode();
            summary.put("group", "agentgateway.dev").put("name", "StatusSummary");
            refs.add(summary);
        }
        for (ObjectNode ref : refs) {
            JsonNode prev = NODES.missingNode();
            for (JsonNode a : current) {
                if (a.path("controllerName").asText().equals(AGENTGATEWAY_CONTROLLER) && a.path("ancestorRef").equals(ref)) prev = a;
            }
            ObjectNode entry = ancestors.addObject();
            entry.set("ancestorRef", ref);
            entry.put("controllerName", AGENTGATEWAY_CONTROLLER);
            ArrayNode conds = entry.putArray("conditions");
            conds.add(keepTransition(prev.path("conditions"), errors.isEmpty()
                    ? condition(r, "Accepted", true, "Valid", "Policy accepted")
                    : condition(r, "Accepted", false, "Invalid", messages(errors))));
            conds.add(keepTransition(prev.path("conditions"), errors.isEmpty() && unresolved.isEmpty()
                    ? condition(r, "Attached", true, "Attached", "Attached to all targets")
                    : condition(r, "Attached", false, "Pending", errors.isEmpty() ? messages(unresolved)
                    : "not attached: the policy was refused")));
        }
        return status;
    }

    /** The Gateways an AgentgatewayPolicy's targetRefs (or what its targetSelectors pick) reach, in a stable order. */
    private List<ResourceKey> policyGateways(RawResource policy) {
        java.util.TreeSet<ResourceKey> out = new java.util.TreeSet<>();
        String ns = policy.namespace();
        for (dev.aigw.config.agentgateway.Refs.TargetRef t
                : dev.aigw.config.agentgateway.TargetSelection.rawTargets(policy, resources)) {
            String kind = t.kind();
            String name = t.name();
            for (RawResource r : resources) {
                if (kind.equals("Gateway") && r.kind().equals("Gateway") && r.namespace().equals(ns) && r.name().equals(name)) {
                    out.add(r.key());
                } else if (kind.equals("HTTPRoute") && r.kind().equals("HTTPRoute") && r.namespace().equals(ns)
                        && r.name().equals(name)) {
                    out.addAll(parents(r));
                } else if (kind.equals("AgentgatewayBackend") && r.kind().equals("HTTPRoute")) {
                    for (JsonNode rule : r.body().path("spec").path("rules")) {
                        for (JsonNode b : rule.path("backendRefs")) {
                            if (b.path("kind").asText().equals("AgentgatewayBackend") && b.path("name").asText().equals(name)
                                    && b.path("namespace").asText(r.namespace()).equals(ns)) {
                                out.addAll(parents(r));
                            }
                        }
                    }
                }
            }
        }
        Set<ResourceKey> known = resources.stream().filter(x -> x.kind().equals("Gateway")).map(RawResource::key)
                .collect(Collectors.toSet());
        out.retainAll(known);
        return List.copyOf(out);
    }

    private static List<ResourceKey> parents(RawResource route) {
        List<ResourceKey> out = new ArrayList<>();
        for (JsonNode p : route.body().path("spec").path("parentRefs")) {
            ResourceKey k = gatewayKey(p, route.namespace());
            if (k != null) out.add(k);
        }
        return out;
    }

    // ---- Gateway ----

    private ObjectNode gateway(RawResource r) {
        JsonNode current = currentStatus.apply(r.key());
        List<Problem> errors = problems(r, Problem.Severity.ERROR);
        boolean ok = errors.isEmpty();
        ObjectNode status = NODES.objectNode();
        ArrayNode conds = status.putArray("conditions");
        conds.add(keepTransition(current.path("conditions"), ok
                ? condition(r, "Accepted", true, "Accepted", "accepted by " + controller)
                : condition(r, "Accepted", false, "Invalid", messages(errors))));
        conds.add(keepTransition(current.path("conditions"), !ok
                ? condition(r, "Programmed", false, "Invalid", "not served: " + messages(errors))
                : programmed ? condition(r, "Programmed", true, "Programmed", "listeners are serving")
                : condition(r, "Programmed", false, "Pending", "listeners are not bound yet")));
        ArrayNode listeners = status.putArray("listeners");
        for (JsonNode l : r.body().path("spec").path("listeners")) {
            String name = l.path("name").asText();
            JsonNode currentListener = NODES.missingNode();
            for (JsonNode cl : current.path("listeners")) if (cl.path("name").asText().equals(name)) currentListener = cl;
            ObjectNode ls = listeners.addObject();
            ls.put("name", name);
            ls.putArray("supportedKinds").addObject().put("group", GATEWAY_API).put("kind", "HTTPRoute");
            ls.put("attachedRoutes", ok ? attachedRoutes(r.key(), name) : 0);
            ArrayNode lc = ls.putArray("conditions");
            JsonNode prev = currentListener.path("conditions");
            lc.add(keepTransition(prev, ok ? condition(r, "Accepted", true, "Accepted", "listener accepted")
                    : condition(r, "Accepted", false, "Invalid", messages(errors))));
            lc.add(keepTransition(prev, ok ? condition(r, "ResolvedRefs", true, "ResolvedRefs", "no references to resolve")
                    : condition(r, "ResolvedRefs", false, "Invalid", messages(errors))));
            lc.add(keepTransition(prev, ok && programmed ? condition(r, "Programmed", true, "Programmed", "listening")
                    : condition(r, "Programmed", false, ok ? "Pending" : "Invalid", ok ? "not bound yet" : messages(errors))));
        }
        return status;
    }

    /** Routes accepted on {@code listener} of {@code gateway} (by parentRef; rejected or detached ones not). */
    private int attachedRoutes(ResourceKey gateway, String listener) {
        int n = 0;
        for (RawResource r : resources) {
            if (!r.kind().equals("HTTPRoute") || !problems(r, Problem.Severity.ERROR).isEmpty()) continue;
            for (JsonNode p : r.body().path("spec").path("parentRefs")) {
                if (!refersTo(p, r.namespace(), gateway)) continue;
                if (p.hasNonNull("sectionName") && !p.get("sectionName").asText().equals(listener)) continue;
                if (detachedFrom(r, gateway) == null) n++;
                break;
            }
        }
        return n;
    }

    // ---- HTTPRoute ----

    private ObjectNode route(RawResource r, Set<ResourceKey> servedGateways) {
        ObjectNode status = NODES.objectNode();
        ArrayNode parents = status.putArray("parents");
        JsonNode current = currentStatus.apply(r.key()).path("parents");
        // Entries of other controllers are theirs to keep.
        for (JsonNode p : current) if (!p.path("controllerName").asText().equals(controller)) parents.add(p.deepCopy());
        List<Problem> errors = problems(r, Problem.Severity.ERROR);
        List<Problem> unresolvedRefs = problems(r, Problem.Severity.UNRESOLVED).stream()
                .filter(p -> !p.message().contains("parent Gateway") && !p.message().startsWith("not attached to Gateway"))
                .toList();
        for (JsonNode ref : r.body().path("spec").path("parentRefs")) {
            ResourceKey gw = gatewayKey(ref, r.namespace());
            if (gw == null || !servedGateways.contains(gw)) continue;
            JsonNode prev = NODES.missingNode();
            for (JsonNode p : current) {
                if (p.path("controllerName").asText().equals(controller) && p.path("parentRef").equals(ref)) prev = p;
            }
            ObjectNode entry = parents.addObject();
            entry.set("parentRef", ref.deepCopy());
            entry.put("controllerName", controller);
            ArrayNode conds = entry.putArray("conditions");
            Problem detached = detachedFrom(r, gw);
            ObjectNode accepted;
            if (!errors.isEmpty()) accepted = condition(r, "Accepted", false, "UnsupportedValue", messages(errors));
            else if (detached != null) accepted = condition(r, "Accepted", false, "NotAllowedByListeners", detached.message());
            else accepted = condition(r, "Accepted", true, "Accepted", "attached to Gateway " + gw.ref());
            conds.add(keepTransition(prev.path("conditions"), accepted));
            ObjectNode resolved;
            if (unresolvedRefs.isEmpty()) {
                resolved = condition(r, "ResolvedRefs", true, "ResolvedRefs", "all references resolved");
            } else {
                boolean kind = unresolvedRefs.stream().anyMatch(p -> p.message().contains("not supported"));
                resolved = condition(r, "ResolvedRefs", false, kind ? "InvalidKind" : "BackendNotFound",
                        messages(unresolvedRefs));
            }
            conds.add(keepTransition(prev.path("conditions"), resolved));
        }
        return status;
    }

    /** The problem saying the route did not attach to {@code gateway}, or null. */
    private Problem detachedFrom(RawResource route, ResourceKey gateway) {
        for (Problem p : problems(route, Problem.Severity.UNRESOLVED)) {
            if (p.message().startsWith("not attached to Gateway " + gateway.ref())) return p;
        }
        return null;
    }

    private static boolean refersTo(JsonNode parentRef, String routeNamespace, ResourceKey gateway) {
        ResourceKey k = gatewayKey(parentRef, routeNamespace);
        return gateway.equals(k);
    }

    private static ResourceKey gatewayKey(JsonNode ref, String routeNamespace) {
        if (!ref.path("kind").asText("Gateway").equals("Gateway")) return null;
        if (!ref.path("group").asText(GATEWAY_API).equals(GATEWAY_API)) return null;
        if (!ref.hasNonNull("name")) return null;
        return new ResourceKey("Gateway", ref.path("namespace").asText(routeNamespace), ref.get("name").asText());
    }

    // ---- conditions ----

    private ObjectNode condition(RawResource r, String type, boolean ok, String reason, String message) {
        ObjectNode c = NODES.objectNode();
        c.put("type", type);
        c.put("status", ok ? "True" : "False");
        c.put("reason", reason);
        c.put("message", message.length() > 32_000 ? message.substring(0, 32_000) : message);
        c.put("observedGeneration", r.generation());
        c.put("lastTransitionTime", now);
        return c;
    }

    /** {@code next} with the previous {@code lastTransitionTime} when its status did not change. */
    static ObjectNode keepTransition(JsonNode previous, ObjectNode next) {
        for (JsonNode p : previous) {
            if (p.path("type").asText().equals(next.path("type").asText())
                    && p.path("status").asText().equals(next.path("status").asText())
                    && p.hasNonNull("lastTransitionTime")) {
                next.put("lastTransitionTime", p.get("lastTransitionTime").asText());
            }
        }
        return next;
    }

    /** Keys of {@code all()} in a stable order, for logs and tests. */
    static List<ResourceKey> sorted(Map<ResourceKey, ?> m) {
        List<ResourceKey> keys = new ArrayList<>(m.keySet());
        keys.sort(null);
        return keys;
    }
}

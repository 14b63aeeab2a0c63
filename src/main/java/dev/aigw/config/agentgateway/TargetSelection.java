package dev.aigw.config.agentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.RawResource;
import dev.aigw.config.agentgateway.Refs.TargetRef;
import dev.aigw.config.agentgateway.Refs.TargetSelector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code targetSelectors}: the targets a policy's label selectors pick, as the {@code targetRefs}
 * that would name them, so every consumer attaches both forms the same way. A selector picks every
 * resource in the policy's namespace of its group and kind whose {@code metadata.labels} hold each
 * {@code matchLabels} entry (Kubernetes semantics: an empty {@code matchLabels} picks them all),
 * each with the selector's {@code sectionName} and {@code port}. Selection is redone with every
 * snapshot, so a label change on a route re-attaches on the next reload or watch event.
 */
public final class TargetSelection {
    private TargetSelection() {
    }

    /** What each of a bound policy's targetSelectors picks now, in the order they are written (each evaluated once). */
    public static List<List<TargetRef>> selections(AgentgatewayPolicy.Spec spec, String namespace, Collection<RawResource> all) {
        return spec.targetSelectors().stream().map(s -> select(s, namespace, all)).toList();
    }

    /** The targets of a bound policy: its targetRefs as written, or what its targetSelectors picked ({@link #selections}). */
    public static List<TargetRef> targets(AgentgatewayPolicy.Spec spec, List<List<TargetRef>> selections) {
        if (!spec.targetRefs().isEmpty()) return spec.targetRefs();
        LinkedHashSet<TargetRef> out = new LinkedHashSet<>();
        selections.forEach(out::addAll);
        return List.copyOf(out);
    }

    /** The resources one selector picks, by name. */
    public static List<TargetRef> select(TargetSelector s, String namespace, Collection<RawResource> all) {
        List<TargetRef> out = new ArrayList<>();
        for (RawResource r : all) {
            if (!r.kind().equals(s.kind()) || !r.namespace().equals(namespace) || !group(r).equals(s.group())) continue;
            Map<String, String> labels = r.labels();
            boolean match = s.matchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
            if (match) out.add(new TargetRef(s.group(), s.kind(), r.name(), s.sectionName(), s.port()));
        }
        out.sort(java.util.Comparator.comparing(TargetRef::name));
        return out;
    }

    /**
     * The targets read straight from a policy's raw body (for a policy that did not bind: its
     * targets still matter to status and to the routes it meant to govern).
     */
    public static List<TargetRef> rawTargets(RawResource policy, Collection<RawResource> all) {
        JsonNode spec = policy.body().path("spec");
        List<TargetRef> out = new ArrayList<>();
        for (JsonNode t : spec.path("targetRefs")) {
            out.add(new TargetRef(t.path("group").asText(""), t.path("kind").asText(""), t.path("name").asText(""),
                    text(t, "sectionName"), Optional.empty()));
        }
        if (!out.isEmpty()) return out;
        for (JsonNode t : spec.path("targetSelectors")) {
            Map<String, String> match = new LinkedHashMap<>();
            t.path("matchLabels").properties().forEach(e -> match.put(e.getKey(), e.getValue().asText()));
            out.addAll(select(new TargetSelector(t.path("group").asText(""), t.path("kind").asText(""), match,
                    text(t, "sectionName"), Optional.empty()), policy.namespace(), all));
        }
        return out;
    }

    private static String group(RawResource r) {
        String v = r.apiVersion();
        return v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}

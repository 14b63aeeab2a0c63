package dev.aigw.config.kgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.Checker;
import dev.aigw.config.EnvRefs;
import dev.aigw.config.RawJson;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.aigw.config.Values.GATEWAY_API;

/**
 * A bound kgateway {@link TrafficPolicySpec} (or {@code RoutePolicy}) into the
 * {@link TrafficPolicyResource} the AI policy engine attaches and merges, in one validation
 * pass: same-namespace {@code targetRefs} (or the older single {@code targetRef}) to HTTPRoutes
 * and Gateways, and {@code spec.ai} ({@code routeType}, {@code promptEnrichment},
 * {@code defaults}, {@code promptGuard}: see {@link PromptGuardConversion}). The other kgateway
 * fields are accepted and reported as not applied.
 */
public final class TrafficPolicyConversion {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private TrafficPolicyConversion() {
    }

    /** The policy, or null after an error (reported through {@code c}). */
    public static TrafficPolicyResource convert(TrafficPolicySpec spec, Checker c, EnvRefs env) {
        List<TrafficPolicyResource.TargetRef> targets = new ArrayList<>();
        // The older single-target spelling, when given, is the one read.
        List<TrafficPolicySpec.TargetRef> refs = spec.targetRef().map(List::of).orElse(spec.targetRefs());
        String refsAt = spec.targetRef().isPresent() ? "/spec/targetRef" : "/spec/targetRefs/";
        for (int i = 0; i < refs.size(); i++) {
            TrafficPolicyResource.TargetRef t = target(c, refs.get(i), spec.targetRef().isPresent() ? refsAt : refsAt + i);
            if (t != null) targets.add(t);
        }
        // No targetRefs: attached by HTTPRoute ExtensionRef filters (kgateway's e2e suites do); the
        // snapshot compiler warns when nothing references it.
        TrafficPolicyResource.Ai ai = TrafficPolicyResource.Ai.EMPTY;
        if (spec.ai().isEmpty()) {
            c.warn("/spec", "spec.ai is missing: this gateway applies only the ai policies of a TrafficPolicy; nothing to do");
        } else {
            ai = ai(c, spec.ai().get(), env);
        }
        notApplied(spec).forEach((field, present) -> {
            if (present) c.warn("/spec/" + field, "spec." + field + " is not applied by this gateway (only spec.ai); ignored");
        });
        return new TrafficPolicyResource(c.resource().key(), c.resource().created(), List.copyOf(targets), ai,
                c.resource().location());
    }

    private static TrafficPolicyResource.TargetRef target(Checker c, TrafficPolicySpec.TargetRef t, String at) {
        String ns = c.resource().namespace();
        String kind = t.kind().orElse("HTTPRoute");
        String name = Values.required(c, at, t.name(), "name");
        if (name == null) return null;
        if (!kind.equals("HTTPRoute") && !kind.equals("Gateway")) {
            c.fail(at + "/kind", "targetRefs: kind " + kind + " is not supported (expected HTTPRoute or Gateway)");
            return null;
        }
        String group = t.group().orElse(GATEWAY_API);
        if (!group.equals(GATEWAY_API)) {
            c.fail(at + "/group", "targetRefs: group " + group + " (expected " + GATEWAY_API + ")");
            return null;
        }
        // Policy attachment is same-namespace; a namespace field is read but must agree.
        String tns = t.namespace().orElse(ns);
        if (!tns.equals(ns)) {
            c.fail(at + "/namespace", "targetRefs: a policy attaches only to resources in its own namespace " + ns
                    + " (found " + tns + ")");
            return null;
        }
        return new TrafficPolicyResource.TargetRef(group, kind, ns, name, Optional.ofNullable(Values.orNull(t.sectionName())),
                c.at(at));
    }

    /** kgateway's fields this gateway does not apply, in the order of the API, and whether each is set. */
    private static Map<String, Boolean> notApplied(TrafficPolicySpec s) {
        Map<String, Boolean> m = new java.util.LinkedHashMap<>();
        m.put("transformation", s.transformation().isPresent());
        m.put("extProc", s.extProc().isPresent());
        m.put("extAuth", s.extAuth().isPresent());
        m.put("rateLimit", s.rateLimit().isPresent());
        m.put("cors", s.cors().isPresent());
        m.put("csrf", s.csrf().isPresent());
        m.put("headerModifiers", s.headerModifiers().isPresent());
        m.put("autoHostRewrite", s.autoHostRewrite().isPresent());
        m.put("buffer", s.buffer().isPresent());
        m.put("timeouts", s.timeouts().isPresent());
        m.put("retry", s.retry().isPresent());
        m.put("rbac", s.rbac().isPresent());
        m.put("jwtAuth", s.jwtAuth().isPresent());
        m.put("basicAuth", s.basicAuth().isPresent());
        m.put("apiKeyAuth", s.apiKeyAuth().isPresent());
        m.put("urlRewrite", s.urlRewrite().isPresent());
        m.put("compression", s.compression().isPresent());
        m.put("hashPolicies", s.hashPolicies().isPresent());
        m.put("oauth2", s.oauth2().isPresent());
        return m;
    }

    private static TrafficPolicyResource.Ai ai(Checker c, TrafficPolicySpec.Ai ai, EnvRefs env) {
        Optional<TrafficPolicyResource.RouteType> routeType = Optional.empty();
        if (ai.routeType().isPresent()) {
            String rt = ai.routeType().get();
            switch (rt) {
                case "CHAT" -> routeType = Optional.of(TrafficPolicyResource.RouteType.CHAT);
                case "CHAT_STREAMING" -> routeType = Optional.of(TrafficPolicyResource.RouteType.CHAT_STREAMING);
                default -> c.fail("/spec/ai/routeType", "spec.ai.routeType: " + rt + " (expected CHAT or CHAT_STREAMING)");
            }
        }
        Optional<TrafficPolicyResource.Enrichment> enrichment = ai.promptEnrichment().map(pe ->
                new TrafficPolicyResource.Enrichment(
                        messages(c, pe.prepend(), "/spec/ai/promptEnrichment/prepend", "spec.ai.promptEnrichment.prepend"),
                        messages(c, pe.append(), "/spec/ai/promptEnrichment/append", "spec.ai.promptEnrichment.append")));
        Optional<List<TrafficPolicyResource.FieldDefault>> defaults = ai.defaults().map(ds -> defaults(c, ds));
        PromptGuardConversion guard = new PromptGuardConversion(c, env);
        Optional<TrafficPolicyResource.RequestGuard> request = ai.promptGuard().flatMap(TrafficPolicySpec.PromptGuard::request)
                .map(guard::request);
        Optional<TrafficPolicyResource.ResponseGuard> response = ai.promptGuard()
                .flatMap(TrafficPolicySpec.PromptGuard::response).map(guard::response);
        return new TrafficPolicyResource.Ai(routeType, enrichment, defaults, request, response);
    }

    private static List<TrafficPolicyResource.FieldDefault> defaults(Checker c, List<TrafficPolicySpec.FieldDefault> ds) {
        List<TrafficPolicyResource.FieldDefault> out = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            TrafficPolicySpec.FieldDefault d = ds.get(i);
            String at = "/spec/ai/defaults/" + i;
            String field = Values.required(c, at, d.field(), "field");
            if (d.value().isEmpty()) {
                c.fail(at, "spec.ai.defaults: value is required for field " + field);
                continue;
            }
            if (field == null) continue;
            if (field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
                c.fail(at + "/field", "spec.ai.defaults: field " + field
                        + " is not a dotted path (e.g. temperature, generationConfig.topK)");
                continue;
            }
            boolean override = d.override().map(RawJson::tree).map(o -> o.asBoolean(false)).orElse(false);
            out.add(new TrafficPolicyResource.FieldDefault(field, d.value().get().tree().deepCopy(), override));
        }
        return List.copyOf(out);
    }

    private static List<TrafficPolicyResource.Message> messages(Checker c, List<TrafficPolicySpec.Message> list, String at,
                                                              String where) {
        List<TrafficPolicyResource.Message> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            TrafficPolicySpec.Message m = list.get(i);
            String role = m.role().orElse("user").toLowerCase(Locale.ROOT);
            if (!ROLES.contains(role)) {
                c.fail(at + "/" + i + "/role", where + ": role " + role + " (expected system, user or assistant)");
                continue;
            }
            JsonNode content = m.content().map(RawJson::tree).orElse(null);
            if (content == null || !content.isValueNode() || content.isNull()) {
                c.fail(at + "/" + i, where + ": content is required and must be text");
                continue;
            }
            out.add(new TrafficPolicyResource.Message(role, content.asText()));
        }
        return List.copyOf(out);
    }
}

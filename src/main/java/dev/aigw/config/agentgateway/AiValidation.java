package dev.aigw.config.agentgateway;

import dev.aigw.config.Checker;
import dev.aigw.config.agentgateway.AiBackendPolicy.RequestGuard;
import dev.aigw.config.agentgateway.AiBackendPolicy.ResponseGuard;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static dev.aigw.config.agentgateway.TrafficValidation.exactlyOne;

/**
 * The rules of {@code backend.ai} ({@code AgentgatewayPolicy.spec.backend.ai}, a Backend's
 * {@code policies.ai}): prompt, the prompt guards and the services they call, defaults and
 * overrides, transformations, model aliases, prompt caching, routes. The rest of a policy is
 * {@link PolicyValidation}'s.
 */
final class AiValidation {
    private AiValidation() {
    }

    static void ai(AiBackendPolicy ai, String p, Checker c) {
        ai.prompt().ifPresent(pr -> {
            messages(pr.prepend(), p + "/prompt/prepend", c);
            messages(pr.append(), p + "/prompt/append", c);
        });
        ai.promptGuard().ifPresent(g -> {
            if (g.request().size() > 8) c.error(p + "/promptGuard/request", "lists " + g.request().size() + " guards (at most 8)");
            if (g.response().size() > 8) c.error(p + "/promptGuard/response", "lists " + g.response().size() + " guards (at most 8)");
            for (int i = 0; i < g.request().size(); i++) {
                RequestGuard r = g.request().get(i);
                String rp = p + "/promptGuard/request/" + i;
                exactlyOne(c, rp, List.of("regex", "webhook", "openAIModeration", "bedrockGuardrails", "googleModelArmor"),
                        r.regex().isPresent(), r.webhook().isPresent(), r.openAIModeration().isPresent(),
                        r.bedrockGuardrails().isPresent(), r.googleModelArmor().isPresent());
                response(r.response(), rp + "/response", c);
                r.regex().ifPresent(x -> regex(x, rp + "/regex", c));
                r.webhook().ifPresent(w -> webhookHeaders(w, rp + "/webhook/headers", c));
                r.openAIModeration().ifPresent(m -> m.policies().flatMap(AiBackendPolicy.GuardPolicies::auth)
                        .ifPresent(a -> PolicyValidation.auth(a, rp + "/openAIModeration/policies/auth", c)));
                r.bedrockGuardrails().ifPresent(b -> bedrock(b, rp + "/bedrockGuardrails", c));
                r.googleModelArmor().ifPresent(m -> modelArmor(m, rp + "/googleModelArmor", c));
                // agentgateway's CRD lets the other guards name only what they always read: SystemPrompt and Messages.
                if (!r.scope().isEmpty() && r.regex().isEmpty() && r.bedrockGuardrails().isEmpty()
                        && !Set.copyOf(r.scope()).equals(Set.of(AiBackendPolicy.Scope.SystemPrompt, AiBackendPolicy.Scope.Messages))) {
                    c.error(rp + "/scope", "scope applies to regex and bedrockGuardrails guards only; the others always "
                            + "read the system prompt and the messages (scope: [SystemPrompt, Messages], or none)");
                }
                if (r.scope().size() > 4 || new java.util.HashSet<>(r.scope()).size() != r.scope().size()) {
                    c.error(rp + "/scope", "lists a scope twice (at most SystemPrompt, Messages, ToolOutput, ToolInput once each)");
                }
            }
            for (int i = 0; i < g.response().size(); i++) {
                ResponseGuard r = g.response().get(i);
                String rp = p + "/promptGuard/response/" + i;
                exactlyOne(c, rp, List.of("regex", "webhook", "bedrockGuardrails", "googleModelArmor"),
                        r.regex().isPresent(), r.webhook().isPresent(), r.bedrockGuardrails().isPresent(),
                        r.googleModelArmor().isPresent());
                response(r.response(), rp + "/response", c);
                r.regex().ifPresent(x -> regex(x, rp + "/regex", c));
                r.webhook().ifPresent(w -> webhookHeaders(w, rp + "/webhook/headers", c));
                r.bedrockGuardrails().ifPresent(b -> bedrock(b, rp + "/bedrockGuardrails", c));
                r.googleModelArmor().ifPresent(m -> modelArmor(m, rp + "/googleModelArmor", c));
            }
        });
        fields(ai.defaults(), p + "/defaults", c);
        fields(ai.overrides(), p + "/overrides", c);
        expressions(ai.transformations(), p + "/transformations", c);
        expressions(ai.finalTransformations(), p + "/finalTransformations", c);
        if (ai.modelAliases().size() > 64) c.error(p + "/modelAliases", "has " + ai.modelAliases().size() + " aliases (at most 64)");
        ai.modelAliases().forEach((k, v) -> {
            if (v.isEmpty()) c.error(p + "/modelAliases/" + k, "names no model");
        });
        ai.promptCaching().ifPresent(pc -> {
            c.range(p + "/promptCaching/minTokens", pc.minTokens(), 0, Integer.MAX_VALUE);
            c.range(p + "/promptCaching/cacheMessageOffset", pc.cacheMessageOffset(), 0, Integer.MAX_VALUE);
        });
        ai.routes().forEach((suffix, type) -> {
            if (!suffix.equals("*") && suffix.isEmpty()) c.error(p + "/routes", "a route suffix must not be empty");
            if (type == AiBackendPolicy.RouteType.Realtime) {
                c.error(p + "/routes/" + suffix.replace("~", "~0").replace("/", "~1"), "route type Realtime (the "
                        + "WebSocket Realtime API) is not served by this gateway; Completions, Messages, Responses, "
                        + "Embeddings, Models, AnthropicTokenCount, GenerateContent, Passthrough and Detect are "
                        + "(Rerank and GeminiCountTokens are relayed as Detect)");
            }
        });
    }

    /** AWS's own patterns for the ApplyGuardrail path parameters, and a region as agentgateway checks it. */
    private static final java.util.regex.Pattern GUARDRAIL_ID = java.util.regex.Pattern.compile(
            "[a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+");
    private static final java.util.regex.Pattern GUARDRAIL_VERSION = java.util.regex.Pattern.compile("[1-9][0-9]{0,7}|DRAFT");
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z0-9-]+");
    /** A Google Cloud project ID, template ID or location: one path segment. */
    private static final java.util.regex.Pattern GOOGLE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static void bedrock(AiBackendPolicy.BedrockGuardrails b, String p, Checker c) {
        if (!GUARDRAIL_ID.matcher(b.identifier()).matches()) {
            c.error(p + "/identifier", "identifier " + b.identifier() + " is not a guardrail ID or ARN (AWS's pattern "
                    + GUARDRAIL_ID.pattern() + ")");
        }
        if (!GUARDRAIL_VERSION.matcher(b.version()).matches()) {
            c.error(p + "/version", "version " + b.version() + " is not a guardrail version (1 to 99999999, or DRAFT)");
        }
        if (!REGION.matcher(b.region()).matches()) c.error(p + "/region", b.region() + " does not match ^[a-z0-9-]+$");
        b.policies().ifPresent(pol -> {
            connection(pol, p + "/policies", "bedrockGuardrails", c);
            pol.auth().ifPresent(a -> {
                PolicyValidation.auth(a, p + "/policies/auth", c);
                if (!a.sources().isEmpty() && a.aws().isEmpty()) {
                    c.error(p + "/policies/auth", "bedrockGuardrails authenticates with auth.aws (SigV4: aws: {} for the "
                            + "default AWS credential chain, or aws.secretRef), not " + String.join(", ", a.sources()));
                }
                a.aws().ifPresent(aws -> {
                    if (aws.region().isPresent() && !aws.region().get().equals(b.region())) {
                        c.error(p + "/policies/auth/aws/region", "aws.region " + aws.region().get() + " differs from the "
                                + "guardrail's region " + b.region() + "; the call is signed for the guardrail's region");
                    }
                    if (aws.serviceName().isPresent() && !aws.serviceName().get().equals("bedrock")) {
                        c.error(p + "/policies/auth/aws/serviceName", "ApplyGuardrail is signed for service bedrock, not "
                                + aws.serviceName().get());
                    }
                });
            });
        });
    }

    private static void modelArmor(AiBackendPolicy.GoogleModelArmor m, String p, Checker c) {
        if (!GOOGLE_ID.matcher(m.templateId()).matches()) c.error(p + "/templateId", "templateId " + m.templateId() + " is not a template ID");
        if (!GOOGLE_ID.matcher(m.projectId()).matches()) c.error(p + "/projectId", "projectId " + m.projectId() + " is not a project ID");
        m.location().ifPresent(l -> {
            if (!REGION.matcher(l).matches()) c.error(p + "/location", l + " does not match ^[a-z0-9-]+$");
        });
        m.policies().ifPresent(pol -> {
            connection(pol, p + "/policies", "googleModelArmor", c);
            pol.auth().ifPresent(a -> {
                PolicyValidation.auth(a, p + "/policies/auth", c, true);
                if (!a.sources().isEmpty() && a.gcp().isEmpty()) {
                    c.error(p + "/policies/auth", "googleModelArmor authenticates with auth.gcp (gcp: {} for Application "
                            + "Default Credentials, or gcp.secretRef), not " + String.join(", ", a.sources()));
                }
                a.gcp().ifPresent(g -> {
                    if (g.type().orElse(BackendPolicies.GcpTokenType.AccessToken) != BackendPolicies.GcpTokenType.AccessToken) {
                        c.error(p + "/policies/auth/gcp/type", "Model Armor takes an AccessToken, not an IdToken");
                    }
                    if (g.audience().isPresent()) c.error(p + "/policies/auth/gcp/audience", "audience is only valid with IdToken");
                });
            });
        });
    }

    /** A cloud guard is called over the gateway's upstream client (TLS verified, --ca-file, --connect-to): no overrides. */
    private static void connection(AiBackendPolicy.GuardPolicies pol, String p, String guard, Checker c) {
        for (String f : List.of("tls", "tcp", "http", "tunnel")) {
            boolean set = switch (f) {
                case "tls" -> pol.tls().isPresent();
                case "tcp" -> pol.tcp().isPresent();
                case "http" -> pol.http().isPresent();
                default -> pol.tunnel().isPresent();
            };
            if (set) {
                c.error(p + "/" + f, f + " of a " + guard + " guard is not served by this gateway (it is called with the "
                        + "upstream TLS settings: system roots and --ca-file); only auth is");
            }
        }
    }

    /** {@code webhook.headers}: header name → CEL expression that compiles. */
    private static void webhookHeaders(AiBackendPolicy.Webhook w, String p, Checker c) {
        w.headers().forEach((name, expr) -> {
            if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) c.error(p + "/" + name, "header name " + name + " is not a valid HTTP header name");
            try {
                dev.aigw.cel.CelExpression.compile(expr);
            } catch (IllegalArgumentException e) {
                c.error(p + "/" + name, e.getMessage());
            }
        });
    }

    /** {@code transformations[]}: 1–64 entries, a top-level key each, CEL that compiles. */
    private static void expressions(List<AiBackendPolicy.FieldExpression> fs, String p, Checker c) {
        if (fs.size() > 64) c.error(p, "lists " + fs.size() + " fields (at most 64)");
        for (int i = 0; i < fs.size(); i++) {
            AiBackendPolicy.FieldExpression f = fs.get(i);
            if (f.field() == null || f.field().isEmpty()) c.error(p + "/" + i + "/field", "field is required");
            if (f.expression() == null) {
                c.error(p + "/" + i + "/expression", "expression is required");
                continue;
            }
            try {
                dev.aigw.cel.CelExpression.compile(f.expression());
            } catch (IllegalArgumentException e) {
                c.error(p + "/" + i + "/expression", e.getMessage());
            }
        }
    }

    private static void messages(List<AiBackendPolicy.Message> ms, String p, Checker c) {
        for (int i = 0; i < ms.size(); i++) {
            String role = ms.get(i).role();
            if (!Set.of("system", "user", "assistant").contains(role)) {
                c.error(p + "/" + i + "/role", "role " + role + " (expected system, user or assistant)");
            }
        }
    }

    private static void response(java.util.Optional<AiBackendPolicy.CustomResponse> r, String p, Checker c) {
        r.ifPresent(cr -> c.range(p + "/statusCode", cr.statusCode(), 200, 599));
    }

    private static void regex(AiBackendPolicy.Regex x, String p, Checker c) {
        for (int i = 0; i < x.matches().size(); i++) {
            String m = x.matches().get(i);
            try {
                // Guards run on RE2 (policy.RegexGuard), as agentgateway's do: its syntax is what counts.
                com.google.re2j.Pattern.compile(m);
            } catch (com.google.re2j.PatternSyntaxException e) {
                c.error(p + "/matches/" + i, "invalid regular expression " + m + " (RE2 syntax: no look-around or "
                        + "back-references): " + e.getDescription());
                continue;
            }
            try {
                if (Pattern.compile(m).matcher("").matches()) c.error(p + "/matches/" + i, "pattern " + m + " matches empty text");
            } catch (PatternSyntaxException e) {
                c.error(p + "/matches/" + i, "invalid regular expression " + m + ": " + e.getDescription());
            }
        }
        if (x.matches().isEmpty() && x.builtins().isEmpty()) c.warning(p, "has no matches and no builtins; it does nothing");
    }

    private static void fields(List<AiBackendPolicy.FieldValue> fs, String p, Checker c) {
        if (fs.size() > 64) c.error(p, "lists " + fs.size() + " fields (at most 64)");
        for (int i = 0; i < fs.size(); i++) {
            String f = fs.get(i).field();
            if (f == null || f.isEmpty() || f.startsWith(".") || f.endsWith(".") || f.contains("..")) {
                c.error(p + "/" + i + "/field", "field " + f + " is not a dotted path (e.g. temperature)");
            }
            if (fs.get(i).value() == null) c.error(p + "/" + i + "/value", "value is required");
        }
    }
}

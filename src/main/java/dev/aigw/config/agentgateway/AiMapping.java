package dev.aigw.config.agentgateway;

import dev.aigw.config.BackendResource;
import dev.aigw.config.Checker;
import dev.aigw.config.SecretValue;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Ai;
import dev.aigw.config.agentgateway.AiBackendPolicy.CustomResponse;
import dev.aigw.config.agentgateway.AiBackendPolicy.RequestGuard;
import dev.aigw.config.agentgateway.AiBackendPolicy.ResponseGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps agentgateway's {@code backend.ai} onto the AI policy kgateway's {@code TrafficPolicy.spec.ai}
 * compiles to, so both APIs run on one engine:
 * <ul>
 * <li>{@code prompt} → {@code promptEnrichment}; {@code defaults[]} / {@code overrides[]} →
 * {@code defaults[]} with {@code override} false / true; {@code modelAliases} as they are;</li>
 * <li>{@code promptGuard.request[]}: the regex entries (same action) become one regex guard, one
 * {@code webhook}, one {@code openAIModeration}; the answer on reject is the first entry's
 * {@code response} (agentgateway's default otherwise). {@code bedrockGuardrails} and
 * {@code googleModelArmor} entries keep their order and their own {@code response}.
 * {@code promptGuard.response[]}: regex (masking), one webhook and the cloud guards.</li>
 * </ul>
 * Shapes this engine cannot hold (two webhooks, regexes with different actions, different reject
 * answers) are errors, never approximations. {@code routes} and {@code promptCaching} are bound
 * and validated here; the route types are served by the Responses work. {@code promptCaching} (its
 * defaults applied), {@code transformations} and {@code finalTransformations} pass through as they are.
 */
public final class AiMapping {
    /** A Canadian social insurance number written 3-3-3 with dashes or spaces (agentgateway's CA_SIN_FORMATTED). */
    static final Pattern CA_SIN = Pattern.compile("\\b[0-9]{3}[- ][0-9]{3}[- ][0-9]{3}\\b");

    private AiMapping() {
    }

    /** Where a {@code backendRef} leads: host and port, or empty when it does not resolve. */
    @FunctionalInterface
    public interface Resolver {
        /** {@code namespace}: the referrer's, used when the reference names none. */
        Optional<BackendResource.HostPort> resolve(String namespace, Refs.BackendObjectRef ref);
    }

    public static Ai toAi(AiBackendPolicy ai, String at, Checker c, Resolver resolve) {
        Optional<TrafficPolicyResource.Enrichment> enrichment = ai.prompt().map(p -> new TrafficPolicyResource.Enrichment(
                p.prepend().stream().map(m -> new TrafficPolicyResource.Message(m.role(), m.content())).toList(),
                p.append().stream().map(m -> new TrafficPolicyResource.Message(m.role(), m.content())).toList()));
        Optional<List<TrafficPolicyResource.FieldDefault>> defaults = Optional.empty();
        if (!ai.defaults().isEmpty() || !ai.overrides().isEmpty()) {
            List<TrafficPolicyResource.FieldDefault> ds = new ArrayList<>();
            for (AiBackendPolicy.FieldValue f : ai.defaults()) ds.add(new TrafficPolicyResource.FieldDefault(f.field(), f.value(), false));
            for (AiBackendPolicy.FieldValue f : ai.overrides()) ds.add(new TrafficPolicyResource.FieldDefault(f.field(), f.value(), true));
            defaults = Optional.of(List.copyOf(ds));
        }
        // agentgateway's defaults: cacheSystem true, cacheMessages true, cacheTools false, minTokens 1024, offset 0.
        Optional<TrafficPolicyResource.PromptCaching> caching = ai.promptCaching().map(pc -> new TrafficPolicyResource.PromptCaching(
                pc.cacheSystem().orElse(true), pc.cacheMessages().orElse(true), pc.cacheTools().orElse(false),
                java.util.OptionalInt.of(pc.minTokens().orElse(1024)), pc.cacheMessageOffset().orElse(0)));
        Optional<TrafficPolicyResource.RequestGuard> request = Optional.empty();
        Optional<TrafficPolicyResource.ResponseGuard> response = Optional.empty();
        if (ai.promptGuard().isPresent()) {
            AiBackendPolicy.PromptGuard g = ai.promptGuard().get();
            if (!g.request().isEmpty()) request = Optional.of(request(g.request(), at + "/promptGuard/request", c, resolve));
            if (!g.response().isEmpty()) response = Optional.of(response(g.response(), at + "/promptGuard/response", c, resolve));
        }
        return new Ai(Optional.empty(), enrichment, defaults, request, response,
                ai.modelAliases().isEmpty() ? Optional.empty() : Optional.of(new LinkedHashMap<>(ai.modelAliases())),
                caching, expressions(ai.transformations()), expressions(ai.finalTransformations()));
    }

    private static Optional<List<TrafficPolicyResource.FieldExpression>> expressions(List<AiBackendPolicy.FieldExpression> fs) {
        if (fs.isEmpty()) return Optional.empty();
        return Optional.of(fs.stream().map(f -> new TrafficPolicyResource.FieldExpression(f.field(), f.expression())).toList());
    }

    private static TrafficPolicyResource.RequestGuard request(List<RequestGuard> guards, String at, Checker c,
                                                              Resolver resolve) {
        List<AiBackendPolicy.Regex> regexes = new ArrayList<>();
        Optional<TrafficPolicyResource.Webhook> webhook = Optional.empty();
        Optional<TrafficPolicyResource.Moderation> moderation = Optional.empty();
        Optional<CustomResponse> answer = Optional.empty();
        java.util.Set<String> scope = null;
        List<TrafficPolicyResource.Guardrail> guardrails = new ArrayList<>();
        for (int i = 0; i < guards.size(); i++) {
            RequestGuard g = guards.get(i);
            String p = at + "/" + i;
            // A cloud guard answers with its own response; the engine's other guards share one.
            if (g.bedrockGuardrails().isPresent()) {
                guardrails.add(bedrock(g.bedrockGuardrails().get(), roles(g.scope()), answer(g.response()), p + "/bedrockGuardrails", c));
                continue;
            }
            if (g.googleModelArmor().isPresent()) {
                guardrails.add(modelArmor(g.googleModelArmor().get(), answer(g.response()), p + "/googleModelArmor", c));
                continue;
            }
            if (g.response().isPresent()) {
                if (answer.isPresent() && !answer.equals(g.response())) {
                    c.error(p + "/response", "request guards with different responses are not served by this gateway "
                            + "(one answer for every request guard of a policy); give them the same response");
                }
                answer = answer.or(g::response);
            }
            if (g.regex().isPresent()) {
                regexes.add(g.regex().get());
                java.util.Set<String> roles = roles(g.scope());
                if (scope != null && !scope.equals(roles)) {
                    c.error(p + "/scope", "regex guards with different scopes in one policy are not served by this gateway; "
                            + "give them the same scope");
                }
                scope = roles;
            }
            if (g.webhook().isPresent()) {
                if (webhook.isPresent()) c.error(p + "/webhook", "a second request webhook is not served by this gateway");
                webhook = webhook(g.webhook().get(), p + "/webhook", c, resolve);
            }
            if (g.openAIModeration().isPresent()) {
                if (moderation.isPresent()) c.error(p + "/openAIModeration", "a second openAIModeration is not served by this gateway");
                moderation = Optional.of(moderation(g.openAIModeration().get(), p + "/openAIModeration", c));
            }
        }
        Optional<CustomResponse> a = answer;
        return new TrafficPolicyResource.RequestGuard(a.map(r -> new TrafficPolicyResource.CustomResponse(
                r.message().orElse(TrafficPolicyResource.CustomResponse.DEFAULT_MESSAGE), r.statusCode().orElse(403))),
                regex(regexes, at, c, false, scope == null ? java.util.Set.of() : scope), webhook, moderation, guardrails);
    }

    /**
     * agentgateway's {@code scope} (default Messages) as the roles a guard reads: system, user and
     * assistant texts, {@code tool} for tool results (ToolOutput), {@code tool_call} for the
     * arguments of the tool calls in the conversation (ToolInput).
     */
    static java.util.Set<String> roles(List<AiBackendPolicy.Scope> scope) {
        java.util.Set<String> roles = new java.util.TreeSet<>();
        for (AiBackendPolicy.Scope sc : scope.isEmpty() ? List.of(AiBackendPolicy.Scope.Messages) : scope) {
            switch (sc) {
                case SystemPrompt -> roles.add("system");
                case Messages -> roles.addAll(List.of("user", "assistant"));
                case ToolOutput -> roles.add("tool");
                case ToolInput -> roles.add("tool_call");
            }
        }
        return roles;
    }

    private static TrafficPolicyResource.CustomResponse answer(Optional<CustomResponse> r) {
        return r.map(x -> new TrafficPolicyResource.CustomResponse(
                x.message().orElse(TrafficPolicyResource.CustomResponse.DEFAULT_MESSAGE), x.statusCode().orElse(403)))
                .orElse(TrafficPolicyResource.CustomResponse.DEFAULT);
    }

    /** {@code policies.auth}: absent or {@code aws {secretRef?}} (validated in GuardValidation). */
    private static TrafficPolicyResource.BedrockGuardrail bedrock(AiBackendPolicy.BedrockGuardrails b, java.util.Set<String> roles,
                                                                 TrafficPolicyResource.CustomResponse answer, String at, Checker c) {
        Optional<String> secret = b.policies().flatMap(AiBackendPolicy.GuardPolicies::auth).flatMap(BackendPolicies.Auth::aws)
                .flatMap(BackendPolicies.Aws::secretRef).map(Refs.SecretObjectRef::name);
        return new TrafficPolicyResource.BedrockGuardrail(b.identifier(), b.version(), b.region(), roles, answer, secret,
                secret.map(x -> fieldAt(at + "/policies/auth/aws/secretRef/name", c)));
    }

    /** {@code policies.auth}: absent or {@code gcp {secretRef?}}; the Secret's key defaults to credentials.json. */
    private static TrafficPolicyResource.ModelArmor modelArmor(AiBackendPolicy.GoogleModelArmor m,
                                                              TrafficPolicyResource.CustomResponse answer, String at, Checker c) {
        Optional<Refs.SecretKeyRef> ref = m.policies().flatMap(AiBackendPolicy.GuardPolicies::auth)
                .flatMap(BackendPolicies.Auth::gcp).flatMap(BackendPolicies.Gcp::secretRef);
        return new TrafficPolicyResource.ModelArmor(m.templateId(), m.projectId(), m.location().orElse("us-central1"), answer,
                ref.map(Refs.SecretKeyRef::name), ref.flatMap(Refs.SecretKeyRef::key).orElse("credentials.json"),
                ref.map(x -> fieldAt(at + "/policies/auth/gcp/secretRef/name", c)));
    }

    private static BackendResource.FieldAt fieldAt(String pointer, Checker c) {
        return new BackendResource.FieldAt(dev.aigw.config.Binder.path(pointer), c.resource().at(pointer));
    }

    private static TrafficPolicyResource.ResponseGuard response(List<ResponseGuard> guards, String at, Checker c,
                                                                Resolver resolve) {
        List<AiBackendPolicy.Regex> regexes = new ArrayList<>();
        Optional<TrafficPolicyResource.Webhook> webhook = Optional.empty();
        List<TrafficPolicyResource.Guardrail> guardrails = new ArrayList<>();
        for (int i = 0; i < guards.size(); i++) {
            ResponseGuard g = guards.get(i);
            String p = at + "/" + i;
            g.bedrockGuardrails().ifPresent(b -> guardrails.add(bedrock(b, java.util.Set.of(), answer(g.response()),
                    p + "/bedrockGuardrails", c)));
            g.googleModelArmor().ifPresent(m -> guardrails.add(modelArmor(m, answer(g.response()), p + "/googleModelArmor", c)));
            g.regex().ifPresent(regexes::add);
            if (g.webhook().isPresent()) {
                if (webhook.isPresent()) c.error(at + "/" + i + "/webhook", "a second response webhook is not served by this gateway");
                webhook = webhook(g.webhook().get(), at + "/" + i + "/webhook", c, resolve);
            }
        }
        return new TrafficPolicyResource.ResponseGuard(regex(regexes, at, c, true, java.util.Set.of()), webhook, guardrails);
    }

    private static Optional<TrafficPolicyResource.Regex> regex(List<AiBackendPolicy.Regex> regexes, String at, Checker c,
                                                               boolean response, java.util.Set<String> roles) {
        if (regexes.isEmpty()) return Optional.empty();
        List<TrafficPolicyResource.RegexMatch> matches = new ArrayList<>();
        List<TrafficPolicyResource.Builtin> builtins = new ArrayList<>();
        AiBackendPolicy.Action action = null;
        for (AiBackendPolicy.Regex r : regexes) {
            AiBackendPolicy.Action a = r.action().orElse(AiBackendPolicy.Action.Mask);
            if (action != null && action != a) {
                c.error(at, "regex guards with different actions (Mask and Reject) in one policy are not served by this "
                        + "gateway; put them in separate policies");
            }
            action = a;
            if (response && a == AiBackendPolicy.Action.Reject) {
                c.error(at, "a response regex with action Reject is not served by this gateway (responses are masked)");
            }
            // agentgateway masks its custom matches as <masked> (kgateway's unnamed ones are <CUSTOM>).
            for (String m : r.matches()) matches.add(new TrafficPolicyResource.RegexMatch(Pattern.compile(m), Optional.of("masked")));
            for (AiBackendPolicy.Builtin b : r.builtins()) {
                TrafficPolicyResource.Builtin bi = switch (b) {
                    case Ssn -> TrafficPolicyResource.Builtin.SSN;
                    case CreditCard -> TrafficPolicyResource.Builtin.CREDIT_CARD;
                    case PhoneNumber -> TrafficPolicyResource.Builtin.PHONE_NUMBER;
                    case Email -> TrafficPolicyResource.Builtin.EMAIL;
                    case CaSin -> {
                        // agentgateway's formatted SIN pattern, masked <CA_SIN>; its low-confidence bare
                        // nine-digit pattern is left out (it would mask every nine-digit number).
                        if (matches.stream().noneMatch(x -> x.name().equals(Optional.of("CA_SIN")))) {
                            matches.add(new TrafficPolicyResource.RegexMatch(CA_SIN, Optional.of("CA_SIN")));
                        }
                        yield null;
                    }
                };
                if (bi != null && !builtins.contains(bi)) builtins.add(bi);
            }
        }
        return Optional.of(new TrafficPolicyResource.Regex(List.copyOf(matches), List.copyOf(builtins),
                action == AiBackendPolicy.Action.Reject ? TrafficPolicyResource.Action.REJECT : TrafficPolicyResource.Action.MASK,
                roles));
    }

    private static Optional<TrafficPolicyResource.Webhook> webhook(AiBackendPolicy.Webhook w, String at, Checker c,
                                                                   Resolver resolve) {
        Optional<BackendResource.HostPort> hp = resolve.resolve(c.resource().namespace(), w.backendRef());
        if (hp.isEmpty()) {
            c.error(at + "/backendRef", "webhook backendRef " + w.backendRef().kind().orElse("Service") + " "
                    + w.backendRef().name() + " does not resolve (a Service with a port, or a static AgentgatewayBackend)");
            return Optional.empty();
        }
        List<TrafficPolicyResource.HeaderMatch> headers = new ArrayList<>();
        for (AiBackendPolicy.HeaderMatch m : w.forwardHeaderMatches()) {
            boolean regex = m.type().orElse("Exact").equals("RegularExpression");
            headers.add(new TrafficPolicyResource.HeaderMatch(m.name(), Optional.of(m.value()),
                    regex ? Optional.of(Pattern.compile(m.value())) : Optional.empty()));
        }
        return Optional.of(new TrafficPolicyResource.Webhook(hp.get().host(), hp.get().port(), List.copyOf(headers),
                TrafficPolicyResource.Webhook.DEFAULT_TIMEOUT,
                w.failureMode().orElse(Traffic.FailureMode.FailClosed) == Traffic.FailureMode.FailOpen, w.headers()));
    }

    /** A {@code secretRef} keeps where it was written, so a missing Secret is reported at that field. */
    private static TrafficPolicyResource.Moderation moderation(AiBackendPolicy.OpenAiModeration m, String at, Checker c) {
        Optional<BackendPolicies.Auth> auth = m.policies().flatMap(AiBackendPolicy.GuardPolicies::auth);
        BackendResource.AuthToken token = new BackendResource.AuthToken.Passthrough();
        if (auth.flatMap(BackendPolicies.Auth::key).isPresent()) {
            token = new BackendResource.AuthToken.Inline(new SecretValue.Present(auth.get().key().get()));
        } else if (auth.flatMap(BackendPolicies.Auth::secretRef).isPresent()) {
            token = new BackendResource.AuthToken.SecretRef(auth.get().secretRef().get().name(), Optional.empty(),
                    Optional.of(fieldAt(at + "/policies/auth/secretRef/name", c)));
        }
        return new TrafficPolicyResource.Moderation(token,
                m.model().orElse(TrafficPolicyResource.Moderation.DEFAULT_MODEL), Optional.empty(), Optional.empty());
    }
}

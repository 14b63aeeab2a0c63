package dev.aigw.policy;

import dev.aigw.config.Location;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.SecretResource;
import dev.aigw.config.SecretValue;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.provider.BedrockProvider;
import dev.aigw.provider.Credential;
import dev.aigw.provider.GoogleTokens;
import dev.aigw.provider.Providers;
import dev.aigw.provider.SigV4;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compiles the cloud guards of a policy with their credentials, once per snapshot and off the
 * event loop: AWS keys from the named Secret or the default AWS chain (resolved here), a Google
 * credential JSON from the named Secret or Application Default Credentials (the first token is
 * minted here, then refreshed in the background). A credential that does not resolve is an
 * UNRESOLVED problem at the field that names the Secret (else at the policy), and the guard
 * rejects what it guards with 500 rather than letting it through.
 */
final class CloudGuards {
    private CloudGuards() {
    }

    /** @param owner the policy that wrote the guard: its namespace finds the Secret, its line is the fallback */
    static CloudGuard compile(TrafficPolicyResource.Guardrail g, TrafficPolicyResource owner,
                              Function<ResourceKey, SecretResource> secrets, List<Problem> problems) {
        String ns = owner == null ? ResourceKey.DEFAULT_NAMESPACE : owner.key().namespace();
        List<String> reasons = new ArrayList<>();
        CloudGuard compiled = switch (g) {
            case TrafficPolicyResource.BedrockGuardrail b -> {
                SigV4.warm();
                Credential c = aws(b, ns, secrets, reasons);
                yield new BedrockGuardrail(b.identifier(), b.version(), b.region(),
                        "bedrock-runtime." + b.region() + ".amazonaws.com", 443, b.roles(), b.response(),
                        c == null ? new Credential.None() : c, reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons)));
            }
            case TrafficPolicyResource.ModelArmor m -> {
                Credential c = google(m, ns, secrets, reasons);
                yield new ModelArmorGuard(m.templateId(), m.projectId(), m.location(),
                        "modelarmor." + m.location() + ".rep.googleapis.com", 443, m.response(),
                        c == null ? new Credential.None() : c, reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons)));
            }
        };
        if (!reasons.isEmpty()) {
            String guard = g instanceof TrafficPolicyResource.BedrockGuardrail ? "bedrockGuardrails" : "googleModelArmor";
            Location at = g.secretAt().map(dev.aigw.config.BackendResource.FieldAt::location)
                    .orElse(owner == null ? Location.UNKNOWN : owner.location());
            String field = g.secretAt().map(f -> f.path() + ": ").orElse("promptGuard " + guard + ": ");
            problems.add(Problem.unresolved(at, owner == null ? "" : owner.key().toString(),
                    field + String.join("; ", reasons) + "; requests it guards are rejected with 500"));
        }
        return compiled;
    }

    private static Credential aws(TrafficPolicyResource.BedrockGuardrail b, String ns,
                                  Function<ResourceKey, SecretResource> secrets, List<String> reasons) {
        if (b.secret().isEmpty()) {
            Optional<String> missing = BedrockProvider.DefaultChain.warm();
            missing.ifPresent(m -> reasons.add("no secret named and the default AWS credential chain found no credentials: " + m));
            return missing.isPresent() ? null : new Credential.AwsDefaultChain();
        }
        SecretResource s = secrets.apply(new ResourceKey("Secret", ns, b.secret().get()));
        if (s == null) {
            reasons.add("secret " + b.secret().get() + " not found in " + ns);
            return null;
        }
        return Providers.awsKeys(s, reasons);
    }

    private static Credential google(TrafficPolicyResource.ModelArmor m, String ns,
                                     Function<ResourceKey, SecretResource> secrets, List<String> reasons) {
        if (m.secret().isEmpty()) {
            try {
                return new Credential.GoogleOAuth(GoogleTokens.applicationDefault());
            } catch (java.io.IOException | RuntimeException e) {
                reasons.add("no secret named, and Google Application Default Credentials gave no token (" + e.getMessage()
                        + "); set GOOGLE_APPLICATION_CREDENTIALS or name a Secret in policies.auth.gcp.secretRef");
                return null;
            }
        }
        String name = m.secret().get();
        SecretResource s = secrets.apply(new ResourceKey("Secret", ns, name));
        if (s == null) {
            reasons.add("secret " + name + " not found in " + ns);
            return null;
        }
        return switch (s.data().get(m.secretKey())) {
            case SecretValue.Present p when !p.value().isBlank() -> {
                try {
                    yield new Credential.GoogleOAuth(GoogleTokens.fromJson(p.value()));
                } catch (java.io.IOException | RuntimeException e) {
                    // The library's message can quote the key; say what failed, not what it read.
                    reasons.add("secret " + name + " key " + m.secretKey() + " is not a Google credential JSON that "
                            + "gives an access token (" + e.getClass().getSimpleName() + ")");
                    yield null;
                }
            }
            case SecretValue.Unresolved u -> {
                reasons.add("secret " + name + " " + u.reason());
                yield null;
            }
            case null, default -> {
                reasons.add("secret " + ns + "/" + name + " has no key " + m.secretKey()
                        + " (the Google credential JSON; set secretRef.key to read another key)");
                yield null;
            }
        };
    }
}

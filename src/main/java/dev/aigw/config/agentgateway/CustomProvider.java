package dev.aigw.config.agentgateway;

import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.AuthHeader;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.BackendResource.HostPort;
import dev.aigw.config.BackendResource.Llm;
import dev.aigw.config.BackendResource.ProviderSpec;
import dev.aigw.config.BackendResource.Upstream;
import dev.aigw.config.Checker;
import dev.aigw.config.agentgateway.AgentgatewayBackend.Provider;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** agentgateway's {@code custom} provider (1.x), validated and turned into one provider per listed format. */
final class CustomProvider {
    private CustomProvider() {
    }

    /**
     * agentgateway's {@code custom} provider: {@code host}+{@code port} or a Service
     * {@code backendRef}, and the formats it speaks, each at its path. The first listed format is
     * the provider as the rest of the gateway sees it; the others ride along in its policies.
     * Plain HTTP unless {@code policies.tls}; the credential as {@code Authorization: Bearer}.
     */
    static Llm llm(String name, Provider p, BackendPolicies policies, String at, Checker c,
                              AuthToken token, Optional<AuthHeader> header) {
        AgentgatewayBackend.Custom cu = p.custom().get();
        String cp = at + "/custom";
        if (p.host().isPresent() || p.port().isPresent() || p.path().isPresent() || p.pathPrefix().isPresent()) {
            c.error(at, "a custom provider sets its own host and port (custom.host, custom.port) and a path per format "
                    + "(custom.formats[].path); host, port, path and pathPrefix beside it are not used");
        }
        if (cu.backendRef().isPresent() == (cu.host().isPresent() || cu.port().isPresent())) {
            c.error(cp, "exactly one of backendRef or host and port must be set");
        }
        if (cu.host().isPresent() != cu.port().isPresent()) c.error(cp, "both host and port must be set together");
        c.range(cp + "/port", cu.port(), 1, 65535);
        Optional<HostPort> hp = cu.host().flatMap(h -> cu.port().map(pt -> new HostPort(h, pt)));
        if (cu.backendRef().isPresent()) {
            Refs.BackendObjectRef ref = cu.backendRef().get();
            String kind = ref.kind().orElse("Service");
            if (!kind.equals("Service") || !ref.group().orElse("").isEmpty()) {
                c.error(cp + "/backendRef", "a custom provider's backendRef " + kind + " is not served by this gateway "
                        + "(a Service is)");
            } else if (ref.port().isEmpty()) {
                c.error(cp + "/backendRef/port", "a Service backendRef needs a port");
            } else {
                hp = Optional.of(new HostPort(ref.name() + "." + ref.namespace().orElse(c.resource().namespace())
                        + ".svc.cluster.local", ref.port().get()));
            }
        }
        hp.ifPresent(h -> {
            if (h.host().isEmpty() || h.host().contains("/") || h.host().contains(" ")) {
                c.error(cp + "/host", h.host() + " is not a host name");
            }
        });
        if (cu.formats().isEmpty() || cu.formats().size() > 6) c.error(cp + "/formats", "must list 1 to 6 formats");
        Set<AgentgatewayBackend.FormatType> seen = new HashSet<>();
        boolean tls = policies.tls().isPresent();
        hp.ifPresent(h -> policies.tls().flatMap(BackendPolicies.Tls::sni).ifPresent(sni -> {
            if (!sni.equalsIgnoreCase(h.host())) {
                c.error(at, "policies.tls.sni " + sni + " differs from host " + h.host() + "; this gateway sends the host "
                        + "as SNI and verifies it (use --connect-to to reach another address)");
            }
        }));
        // A custom server takes the credential as a bearer token in every format, unless location says otherwise.
        Optional<AuthHeader> auth = header.or(() -> Optional.of(new AuthHeader("Authorization", Optional.of("Bearer "))));
        List<BackendResource.CustomFormat> formats = new ArrayList<>();
        for (int i = 0; i < cu.formats().size(); i++) {
            AgentgatewayBackend.Format f = cu.formats().get(i);
            String fp = cp + "/formats/" + i;
            if (!seen.add(f.type())) c.error(fp + "/type", "format " + f.type() + " is listed twice");
            f.path().ifPresent(x -> {
                if (!x.startsWith("/")) c.error(fp + "/path", "path " + x + " must start with /");
            });
            String path;
            ProviderSpec spec;
            switch (f.type()) {
                case Completions -> {
                    path = "/v1/chat/completions";
                    spec = new BackendResource.OpenAi(token, cu.model());
                }
                case Responses -> {
                    path = "/v1/responses";
                    spec = new BackendResource.OpenAi(token, cu.model());
                }
                case Embeddings -> {
                    path = "/v1/embeddings";
                    spec = new BackendResource.OpenAi(token, cu.model());
                    f.path().filter(x -> !x.contains("embed")).ifPresent(x -> c.error(fp + "/path", "an Embeddings "
                            + "path must name an embeddings endpoint (contain \"embed\"); found " + x));
                }
                case Messages -> {
                    path = "/v1/messages";
                    spec = new BackendResource.Anthropic(token, cu.model(), Optional.empty());
                }
                case AnthropicTokenCount -> {
                    path = "/v1/messages/count_tokens";
                    spec = new BackendResource.Anthropic(token, cu.model(), Optional.empty());
                }
                default -> {
                    c.error(fp + "/type", "format " + f.type() + " is not served by this gateway (Completions, Messages, "
                            + "Responses, Embeddings and AnthropicTokenCount are)");
                    continue;
                }
            }
            formats.add(new BackendResource.CustomFormat(f.type().name(), new Llm(name, spec, hp, Optional.of(f.path()
                    .orElse(path)), auth, c.resource().at(fp), new Upstream(Optional.of(tls), false, Optional.empty()))));
        }
        if (formats.isEmpty() || hp.isEmpty()) return null;
        Llm first = formats.getFirst().llm();
        return new Llm(first.name(), first.provider(), first.host(), first.path(), first.authHeader(), c.resource().at(at),
                first.upstream(), new BackendResource.ProviderPolicies(Optional.empty(), Optional.empty(), List.copyOf(formats)));
    }

}

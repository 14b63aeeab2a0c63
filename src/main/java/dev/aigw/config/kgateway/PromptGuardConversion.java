package dev.aigw.config.kgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.BackendResource;
import dev.aigw.config.BackendResource.AuthToken;
import dev.aigw.config.Checker;
import dev.aigw.config.EnvRefs;
import dev.aigw.config.RawJson;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A TrafficPolicy's {@code spec.ai.promptGuard}: regex guards (custom patterns checked as RE2,
 * builtins, MASK or REJECT), webhooks ({@code host} as {host, port} or "host:port", or the
 * {@code endpoint} some releases write) and OpenAI moderation (an openai llm block).
 */
final class PromptGuardConversion {
    private static final String AT = "/spec/ai/promptGuard";

    private final Checker c;
    private final EnvRefs env;

    PromptGuardConversion(Checker c, EnvRefs env) {
        this.c = c;
        this.env = env;
    }

    TrafficPolicyResource.RequestGuard request(TrafficPolicySpec.Request rq) {
        String at = AT + "/request";
        Optional<TrafficPolicyResource.CustomResponse> custom = rq.customResponse().map(cr -> {
            int status = 403;
            if (cr.statusCode().isPresent()) {
                JsonNode sc = cr.statusCode().get().tree();
                if (!sc.canConvertToInt() || sc.asInt() < 200 || sc.asInt() > 599) {
                    c.fail(at + "/customResponse/statusCode", "promptGuard.request.customResponse.statusCode "
                            + sc.asText() + " is not an HTTP status from 200 to 599");
                } else status = sc.asInt();
            }
            return new TrafficPolicyResource.CustomResponse(
                    cr.message().orElse(TrafficPolicyResource.CustomResponse.DEFAULT_MESSAGE), status);
        });
        Optional<TrafficPolicyResource.Moderation> moderation = Optional.empty();
        if (rq.moderation().isPresent()) {
            Optional<JsonNode> oai = rq.moderation().get().openAIModeration().map(RawJson::tree);
            if (oai.isEmpty() || !oai.get().isObject()) {
                c.fail(at + "/moderation", "promptGuard.request.moderation: openAIModeration is required (the only "
                        + "moderation this gateway knows)");
            } else {
                moderation = moderation(oai.get(), at + "/moderation/openAIModeration",
                        "promptGuard.request.moderation.openAIModeration");
            }
        }
        return new TrafficPolicyResource.RequestGuard(custom,
                regex(rq.regex(), at + "/regex", "promptGuard.request.regex"),
                webhook(rq.webhook(), at + "/webhook", "promptGuard.request.webhook"), moderation);
    }

    TrafficPolicyResource.ResponseGuard response(TrafficPolicySpec.Response rs) {
        String at = AT + "/response";
        return new TrafficPolicyResource.ResponseGuard(regex(rs.regex(), at + "/regex", "promptGuard.response.regex"),
                webhook(rs.webhook(), at + "/webhook", "promptGuard.response.webhook"));
    }

    private Optional<TrafficPolicyResource.Regex> regex(Optional<TrafficPolicySpec.Regex> guard, String at, String where) {
        if (guard.isEmpty()) return Optional.empty();
        TrafficPolicySpec.Regex n = guard.get();
        List<TrafficPolicyResource.RegexMatch> matches = new ArrayList<>();
        for (int i = 0; i < n.matches().size(); i++) {
            TrafficPolicySpec.RegexMatch m = n.matches().get(i);
            String mat = at + "/matches/" + i;
            String pattern = Values.required(c, mat, m.pattern(), "pattern");
            if (pattern == null) continue;
            Pattern p = Values.regex(c, mat + "/pattern", pattern);
            if (p == null) continue;
            if (p.matcher("").matches()) {
                c.fail(mat + "/pattern", where + ": pattern " + pattern + " matches empty text");
                continue;
            }
            matches.add(new TrafficPolicyResource.RegexMatch(p, Optional.ofNullable(Values.orNull(m.name()))));
        }
        List<TrafficPolicyResource.Builtin> builtins = new ArrayList<>();
        for (int i = 0; i < n.builtins().size(); i++) {
            String b = n.builtins().get(i);
            try {
                TrafficPolicyResource.Builtin bi = TrafficPolicyResource.Builtin.valueOf(b);
                if (!builtins.contains(bi)) builtins.add(bi);
            } catch (IllegalArgumentException e) {
                c.fail(at + "/builtins/" + i, where + ".builtins: " + b
                        + " is not a builtin (expected SSN, CREDIT_CARD, PHONE_NUMBER or EMAIL)");
            }
        }
        TrafficPolicyResource.Action action = TrafficPolicyResource.Action.MASK;
        if (n.action().isPresent()) {
            switch (n.action().get()) {
                case "MASK" -> action = TrafficPolicyResource.Action.MASK;
                case "REJECT" -> action = TrafficPolicyResource.Action.REJECT;
                default -> c.fail(at + "/action", where + ".action: " + n.action().get() + " (expected MASK or REJECT)");
            }
        }
        if (matches.isEmpty() && builtins.isEmpty() && !c.failed()) {
            c.warn(at, where + " has no matches and no builtins; it does nothing");
        }
        return Optional.of(new TrafficPolicyResource.Regex(List.copyOf(matches), List.copyOf(builtins), action));
    }

    private Optional<TrafficPolicyResource.Webhook> webhook(Optional<TrafficPolicySpec.Webhook> hook, String at, String where) {
        if (hook.isEmpty()) return Optional.empty();
        TrafficPolicySpec.Webhook n = hook.get();
        // 2.0 and 2.1 write host {host, port}; some releases read endpoint. Accept both, and a "host:port" string.
        if (n.host().isPresent() && n.endpoint().isPresent()) {
            c.fail(at + "/endpoint", where + ": set either host or endpoint, not both");
        }
        String hostAt = at + (n.host().isPresent() ? "/host" : "/endpoint");
        Optional<JsonNode> written = n.host().or(n::endpoint).map(RawJson::tree);
        if (written.isEmpty()) {
            c.fail(at, where + ": host {host, port} is required");
            return Optional.empty();
        }
        JsonNode hp = written.get();
        String host;
        int port;
        if (hp.isTextual()) {
            Values.HostText text = Values.hostPort(c, hostAt, hp.asText(), where);
            if (text.port().isEmpty()) {
                c.fail(hostAt, where + ": " + hp.asText() + " needs a port (host:port, or {host, port})");
                return Optional.empty();
            }
            host = text.host();
            port = text.port().getAsInt();
            if (port == 0) return Optional.empty();
        } else {
            host = Values.text(c, hostAt, hp, "host", true);
            JsonNode pn = hp.get("port");
            port = pn == null ? Values.missing(c, hostAt, "port") : Values.port(c, hostAt + "/port", pn, "port");
            if (host == null || port == 0) return Optional.empty();
            host = Values.stripScheme(host);
        }
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
            c.fail(hostAt, where + ": " + host + " is not a host name");
            return Optional.empty();
        }
        List<TrafficPolicyResource.HeaderMatch> headers = new ArrayList<>();
        headers(n.forwardHeaders(), at + "/forwardHeaders", where + ".forwardHeaders", headers);
        headers(n.forwardHeaderMatches(), at + "/forwardHeaderMatches", where + ".forwardHeaderMatches", headers);
        Duration timeout = TrafficPolicyResource.Webhook.DEFAULT_TIMEOUT;
        Duration d = Values.duration(c, at + "/timeout", n.timeout(), "timeout");
        if (d != null && !d.isZero()) timeout = d;
        Optional<JsonNode> failOpen = n.failOpen().map(RawJson::tree);
        if (failOpen.isPresent() && !failOpen.get().isBoolean()) c.fail(at + "/failOpen", where + ".failOpen must be true or false");
        return Optional.of(new TrafficPolicyResource.Webhook(host, port, List.copyOf(headers), timeout,
                failOpen.map(f -> f.asBoolean(false)).orElse(false)));
    }

    /** Forwarded headers: a name, or {name, type: Exact | RegularExpression, value}. */
    private void headers(List<RawJson> written, String at, String where, List<TrafficPolicyResource.HeaderMatch> out) {
        for (int i = 0; i < written.size(); i++) {
            JsonNode h = written.get(i).tree();
            String hat = at + "/" + i;
            if (h.isTextual()) {
                out.add(new TrafficPolicyResource.HeaderMatch(h.asText(), Optional.empty(), Optional.empty()));
                continue;
            }
            String name = Values.text(c, hat, h, "name", true);
            if (name == null) continue;
            String type = h.path("type").asText("Exact");
            String value = Values.text(c, hat, h, "value", false);
            switch (type) {
                case "Exact" -> out.add(new TrafficPolicyResource.HeaderMatch(name, Optional.ofNullable(value), Optional.empty()));
                case "RegularExpression" -> {
                    if (value == null) {
                        c.fail(hat, where + ": a RegularExpression match needs a value");
                        continue;
                    }
                    Pattern p = Values.regex(c, hat + "/value", value);
                    if (p != null) out.add(new TrafficPolicyResource.HeaderMatch(name, Optional.of(value), Optional.of(p)));
                }
                default -> c.fail(hat + "/type", where + ": type " + type + " (expected Exact or RegularExpression)");
            }
        }
    }

    /**
     * {@code openAIModeration}: an llm block ({openai: {...}} with host/path overrides), or the
     * openai fields directly with the overrides beside them; bound strictly either way.
     */
    private Optional<TrafficPolicyResource.Moderation> moderation(JsonNode n, String at, String where) {
        BackendConversion backends = new BackendConversion(c, env);
        BackendResource.Llm llm;
        if (n.has("openai") || n.has("provider")) {
            BackendSpec.Llm spec = c.bind(at, BackendSpec.Llm.class);
            if (spec == null) return Optional.empty();
            llm = backends.llm(spec, at, null, where);
        } else {
            TrafficPolicySpec.OpenAiModeration m = c.bind(at, TrafficPolicySpec.OpenAiModeration.class);
            if (m == null) return Optional.empty();
            BackendSpec.Llm spec = new BackendSpec.Llm(Optional.empty(), Optional.of(new BackendSpec.OpenAi(m.authToken(),
                    m.model())), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), m.hostOverride(), m.pathOverride(), Optional.empty(), m.host(), m.port(), m.path(),
                    Optional.empty(), Optional.empty());
            llm = backends.llm(spec, at, at, where);
        }
        if (!(llm.provider() instanceof BackendResource.OpenAi openai)) {
            c.fail(at, where + ": the moderation endpoint is an openai llm block (found another provider)");
            return Optional.of(new TrafficPolicyResource.Moderation(new AuthToken.Passthrough(),
                    TrafficPolicyResource.Moderation.DEFAULT_MODEL, Optional.empty(), Optional.empty()));
        }
        return Optional.of(new TrafficPolicyResource.Moderation(openai.auth(),
                openai.model().orElse(TrafficPolicyResource.Moderation.DEFAULT_MODEL), llm.host(), llm.path()));
    }
}

package dev.aigw.config.agentgateway;

import dev.aigw.config.Checker;
import dev.aigw.config.GoDuration;
import dev.aigw.config.agentgateway.Traffic.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cross-field rules of {@code spec.traffic}, with the CRD's CEL messages where it has one,
 * and what this gateway serves: a field it binds but does not serve is refused, never ignored.
 */
public final class TrafficValidation {
    /** The API's duration syntax ({@code Duration} in the types). */
    static final Pattern DURATION = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
    private static final Pattern URL_NO_PATH = Pattern.compile("^(https?|grpcs?)://[^/?#]+$|^rediss?://[^/?#]+(/[0-9]{1,2})?$");

    /** The governance fields the gateway serves (dev.aigw.governance); any other is refused with "not served yet". */
    public static final Set<String> GOVERNANCE_SERVED = Set.of("rateLimit", "apiKeyAuthentication", "jwtAuthentication",
            "basicAuthentication", "authorization");

    private TrafficValidation() {
    }

    /** Validates {@code traffic} at {@code at} (a JSON pointer, e.g. {@code /spec/traffic}). */
    public static void validate(Traffic t, String at, Checker c) {
        t.rateLimit().ifPresent(r -> rateLimit(r, at + "/rateLimit", c));
        t.apiKeyAuthentication().ifPresent(a -> {
            String p = at + "/apiKeyAuthentication";
            exactlyOne(c, p, List.of("secretRef", "secretSelector", "configMapSelector"),
                    a.secretRef().isPresent(), a.secretSelector().isPresent(), a.configMapSelector().isPresent());
            a.secretSelector().ifPresent(s -> {
                if (s.matchLabels().isEmpty()) c.error(p + "/secretSelector/matchLabels", "must name at least one label");
            });
            a.configMapSelector().ifPresent(s -> {
                if (s.matchLabels().isEmpty()) c.error(p + "/configMapSelector/matchLabels", "must name at least one label");
            });
            a.location().ifPresent(l -> location(l, p + "/location", c));
        });
        t.jwtAuthentication().ifPresent(j -> {
            String p = at + "/jwtAuthentication";
            if (j.providers().isEmpty()) c.error(p + "/providers", "must list at least one provider");
            for (int i = 0; i < j.providers().size(); i++) {
                JwtProvider jp = j.providers().get(i);
                String pp = p + "/providers/" + i;
                c.length(pp + "/issuer", jp.issuer(), 256);
                exactlyOne(c, pp + "/jwks", List.of("remote", "inline"), jp.jwks().remote().isPresent(),
                        jp.jwks().inline().isPresent());
                jp.jwks().remote().ifPresent(r -> {
                    exactlyOne(c, pp + "/jwks/remote", List.of("backendRef", "url"), r.backendRef().isPresent(),
                            r.url().isPresent());
                    if (r.jwksPath().isPresent() && r.backendRef().isEmpty()) {
                        c.error(pp + "/jwks/remote/jwksPath", "jwksPath is used with backendRef (a url holds its own path)");
                    }
                    duration(r.cacheDuration(), pp + "/jwks/remote/cacheDuration", c);
                });
            }
            j.location().ifPresent(l -> location(l, p + "/location", c));
        });
        t.basicAuthentication().ifPresent(b -> {
            String p = at + "/basicAuthentication";
            exactlyOne(c, p, List.of("users", "secretRef"), !b.users().isEmpty(), b.secretRef().isPresent());
            for (int i = 0; i < b.users().size(); i++) {
                String u = b.users().get(i);
                if (u.indexOf(':') <= 0) c.error(p + "/users/" + i, "is not an htpasswd line (expected user:hash)");
            }
            b.location().ifPresent(l -> location(l, p + "/location", c));
        });
        t.authorization().ifPresent(a -> {
            if (a.policy().matchExpressions().isEmpty()) {
                c.error(at + "/authorization/policy/matchExpressions", "must list at least one CEL expression");
            }
            for (int i = 0; i < a.policy().matchExpressions().size(); i++) {
                c.length(at + "/authorization/policy/matchExpressions/" + i, a.policy().matchExpressions().get(i), 16384);
            }
        });
        t.cors().ifPresent(cors -> {
            if (cors.maxAge().isPresent() && cors.maxAge().get() < 1) c.error(at + "/cors/maxAge", "must be at least 1");
            for (int i = 0; i < cors.allowOrigins().size(); i++) {
                String o = cors.allowOrigins().get(i);
                if (!o.equals("*") && !o.matches("^(https?)://[^/?#\\s]+$")) {
                    c.error(at + "/cors/allowOrigins/" + i, o + " is not an origin (expected scheme://host[:port] or *)");
                }
            }
            if (cors.allowCredentials().orElse(false) && cors.allowOrigins().contains("*")) {
                c.error(at + "/cors/allowCredentials", "allowCredentials cannot be used with the wildcard origin *");
            }
        });
        t.headerModifiers().ifPresent(h -> {
            h.request().ifPresent(f -> headerFilter(f, at + "/headerModifiers/request", c));
            h.response().ifPresent(f -> headerFilter(f, at + "/headerModifiers/response", c));
        });
        t.timeouts().ifPresent(tm -> {
            duration(tm.request(), at + "/timeouts/request", c);
            if (tm.request().isPresent() && tm.request().get().value().isZero()) {
                c.error(at + "/timeouts/request", "must be longer than 0");
            }
        });
        t.retry().ifPresent(r -> {
            String p = at + "/retry";
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < r.codes().size(); i++) {
                int code = r.codes().get(i);
                if (code < 400 || code > 599) c.error(p + "/codes/" + i, code + " is not an HTTP status from 400 to 599");
                else if (seen.contains(code)) c.error(p + "/codes/" + i, code + " is listed twice");
                seen.add(code);
            }
            c.range(p + "/attempts", r.attempts(), 0, 10);
            duration(r.backoff(), p + "/backoff", c);
            if (r.precondition().isPresent() || r.condition().isPresent()) {
                c.error(p, "retry.precondition and retry.condition (CEL) are not served by this gateway; it retries "
                        + "the codes listed (or 429, 5xx and overload)");
            }
        });
        for (String f : t.unserved()) {
            c.error(at + "/" + f, "traffic." + f + " is not served by this gateway; remove it (a policy is never "
                    + "applied in part)");
        }
        for (String f : t.governance()) {
            if (GOVERNANCE_SERVED.contains(f)) continue;
            c.error(at + "/" + f, "traffic." + f + " is not served yet (rate limits, API-key, JWT and basic "
                    + "authentication and authorization come with the governance engines); the policy is refused "
                    + "rather than applied without it");
        }
    }

    private static void rateLimit(RateLimit r, String p, Checker c) {
        if (!r.conditional().isEmpty() && (!r.local().isEmpty() || r.global().isPresent())) {
            c.error(p, "conditional cannot be combined with local or global (put them in conditional[].policy)");
        }
        if (r.conditional().isEmpty() && r.local().isEmpty() && r.global().isEmpty()) {
            c.error(p, "set local, global or conditional");
        }
        limits(r.local(), r.global(), p, c);
        for (int i = 0; i < r.conditional().size(); i++) {
            ConditionalRateLimit cr = r.conditional().get(i);
            limits(cr.policy().local(), cr.policy().global(), p + "/conditional/" + i + "/policy", c);
        }
    }

    private static void limits(List<LocalRateLimit> local, Optional<GlobalRateLimit> global, String p, Checker c) {
        if (local.size() > 16) c.error(p + "/local", "lists " + local.size() + " limits (at most 16)");
        for (int i = 0; i < local.size(); i++) {
            LocalRateLimit l = local.get(i);
            String lp = p + "/local/" + i;
            exactlyOne(c, lp, List.of("requests", "tokens"), l.requests().isPresent(), l.tokens().isPresent());
            c.range(lp + "/requests", l.requests(), 1, Integer.MAX_VALUE);
            c.range(lp + "/tokens", l.tokens(), 1, Integer.MAX_VALUE);
            c.range(lp + "/burst", l.burst(), 0, Integer.MAX_VALUE);
        }
        global.ifPresent(g -> {
            String gp = p + "/global";
            exactlyOne(c, gp, List.of("backendRef", "url"), g.backendRef().isPresent(), g.url().isPresent());
            if (g.url().isPresent() && !URL_NO_PATH.matcher(g.url().get()).matches()) {
                c.error(gp + "/url", "url must not include a path");
            }
            c.length(gp + "/domain", g.domain(), 256);
            if (g.descriptors().isEmpty() || g.descriptors().size() > 16) {
                c.error(gp + "/descriptors", "must list 1 to 16 descriptors");
            }
            for (int i = 0; i < g.descriptors().size(); i++) {
                Descriptor d = g.descriptors().get(i);
                if (d.entries().isEmpty()) c.error(gp + "/descriptors/" + i + "/entries", "must list at least one entry");
                for (int j = 0; j < d.entries().size(); j++) {
                    String ep = gp + "/descriptors/" + i + "/entries/" + j;
                    c.length(ep + "/name", d.entries().get(j).name(), 64);
                    c.length(ep + "/expression", d.entries().get(j).expression(), 16384);
                }
            }
        });
    }

    private static void location(ExtractionLocation l, String p, Checker c) {
        int n = (l.header().isPresent() ? 1 : 0) + (l.queryParameter().isPresent() ? 1 : 0)
                + (l.cookie().isPresent() ? 1 : 0) + (l.expression().isPresent() ? 1 : 0);
        if (n != 1) c.error(p, "exactly one of the fields in [header queryParameter cookie expression] must be set");
    }

    static void headerFilter(HeaderFilter f, String p, Checker c) {
        for (int i = 0; i < f.set().size(); i++) headerName(f.set().get(i).name(), p + "/set/" + i + "/name", c);
        for (int i = 0; i < f.add().size(); i++) headerName(f.add().get(i).name(), p + "/add/" + i + "/name", c);
        for (int i = 0; i < f.remove().size(); i++) headerName(f.remove().get(i), p + "/remove/" + i, c);
    }

    private static void headerName(String name, String p, Checker c) {
        if (name == null || !name.matches("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$")) {
            c.error(p, (name == null ? "(empty)" : name) + " is not a header name");
        }
    }

    /** The API's duration syntax; {@link GoDuration} already checked that it is a duration at all. */
    static void duration(Optional<GoDuration> d, String p, Checker c) {
        if (d.isPresent() && !DURATION.matcher(d.get().text()).matches()) c.error(p, "invalid duration value");
    }

    /** kubebuilder's ExactlyOneOf message. */
    static void exactlyOne(Checker c, String p, List<String> names, boolean... set) {
        int n = 0;
        for (boolean b : set) if (b) n++;
        if (n != 1) c.error(p, "exactly one of the fields in [" + String.join(" ", names) + "] must be set");
    }

    /** kubebuilder's AtMostOneOf message. */
    static void atMostOne(Checker c, String p, List<String> names, int set) {
        if (set > 1) c.error(p, "at most one of the fields in [" + String.join(" ", names) + "] may be set");
    }
}

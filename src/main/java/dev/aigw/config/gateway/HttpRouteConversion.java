package dev.aigw.config.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigw.config.Annotations;
import dev.aigw.config.Checker;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.HttpRouteResource.BackendRef;
import dev.aigw.config.HttpRouteResource.ExtensionRef;
import dev.aigw.config.HttpRouteResource.Filter;
import dev.aigw.config.HttpRouteResource.HeaderModifier;
import dev.aigw.config.HttpRouteResource.Match;
import dev.aigw.config.HttpRouteResource.ParentRef;
import dev.aigw.config.HttpRouteResource.PathMatch;
import dev.aigw.config.HttpRouteResource.PathType;
import dev.aigw.config.HttpRouteResource.Retry;
import dev.aigw.config.HttpRouteResource.Rule;
import dev.aigw.config.HttpRouteResource.Timeouts;
import dev.aigw.config.HttpRouteResource.ValueMatch;
import dev.aigw.config.RawJson;
import dev.aigw.config.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.aigw.config.Values.GATEWAY_API;
import static dev.aigw.config.Values.KGATEWAY;

/**
 * A bound {@link HttpRouteSpec} into the {@link HttpRouteResource} the route table is compiled
 * from, in one validation pass: parent and backend references with their defaults, matches
 * (regular expressions checked as RE2), filters, timeouts, GEP-1731 {@code retry}, and the
 * {@code ai.gateway.dev/stream-keepalive} annotation.
 */
public final class HttpRouteConversion {
    private static final Set<String> RETRY_FIELDS = Set.of("codes", "attempts", "backoff");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");
    private static final Match ALL = new Match(PathMatch.ROOT, List.of(), List.of(), Optional.empty());

    private HttpRouteConversion() {
    }

    /** The route, or null after an error (reported through {@code c}). */
    public static HttpRouteResource convert(HttpRouteSpec spec, Checker c) {
        String ns = c.resource().namespace();
        List<ParentRef> parents = new ArrayList<>();
        for (int i = 0; i < spec.parentRefs().size(); i++) {
            HttpRouteSpec.ParentRef p = spec.parentRefs().get(i);
            String at = "/spec/parentRefs/" + i;
            if (p.name().isEmpty()) {
                c.fail(at, "name is required");
                continue;
            }
            Optional<Integer> port = p.port().map(v -> Values.port(c, at + "/port", v.tree(), "port"));
            parents.add(new ParentRef(p.group().orElse(GATEWAY_API), p.kind().orElse("Gateway"), p.namespace().orElse(ns),
                    p.name(), Optional.ofNullable(Values.orNull(p.sectionName())), port));
        }
        if (parents.isEmpty()) {
            c.fail("/spec", "spec.parentRefs is empty: name the Gateway this route attaches to "
                    + "(e.g. parentRefs: [{name: ai-gateway, namespace: kgateway-system}])");
        }
        List<String> hostnames = spec.hostnames().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        List<Rule> rules = new ArrayList<>();
        if (spec.rules().isEmpty()) {
            // Gateway API defaults to one rule matching everything with no backends.
            rules.add(new Rule(0, Optional.empty(), List.of(ALL), List.of(), List.of(), Timeouts.NONE, Optional.empty(),
                    c.resource().location()));
        }
        for (int i = 0; i < spec.rules().size(); i++) rules.add(rule(c, spec.rules().get(i), i));
        Annotations annotations = Annotations.of(c, Set.of(HttpRouteResource.STREAM_KEEPALIVE));
        String keepAliveAt = annotations.at(HttpRouteResource.STREAM_KEEPALIVE);
        Duration keepAlive = Values.duration(c, keepAliveAt, annotations.get(HttpRouteResource.STREAM_KEEPALIVE),
                HttpRouteResource.STREAM_KEEPALIVE);
        if (keepAlive != null && keepAlive.isZero()) {
            c.fail(keepAliveAt, HttpRouteResource.STREAM_KEEPALIVE
                    + " must be longer than 0 (e.g. 15s); leave the annotation out to send no keep-alives");
        }
        return new HttpRouteResource(c.resource().key(), c.resource().created(), List.copyOf(parents), hostnames,
                List.copyOf(rules), Optional.ofNullable(keepAlive), c.resource().location());
    }

    private static Rule rule(Checker c, HttpRouteSpec.Rule rn, int index) {
        String at = "/spec/rules/" + index;
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < rn.matches().size(); i++) matches.add(match(c, rn.matches().get(i), at + "/matches/" + i));
        if (matches.isEmpty()) matches.add(ALL);
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < rn.filters().size(); i++) {
            Filter filter = filter(c, rn.filters().get(i), at + "/filters/" + i);
            if (filter != null) filters.add(filter);
        }
        List<BackendRef> refs = new ArrayList<>();
        for (int i = 0; i < rn.backendRefs().size(); i++) {
            BackendRef ref = backendRef(c, rn.backendRefs().get(i), at + "/backendRefs/" + i, rn.backendRefs().size(), filters);
            if (ref != null) refs.add(ref);
        }
        String t = at + "/timeouts";
        Optional<HttpRouteSpec.Timeouts> tn = rn.timeouts();
        Timeouts timeouts = new Timeouts(
                Optional.ofNullable(Values.duration(c, t + "/request", tn.flatMap(HttpRouteSpec.Timeouts::request), "request")),
                Optional.ofNullable(Values.duration(c, t + "/backendRequest",
                        tn.flatMap(HttpRouteSpec.Timeouts::backendRequest), "backendRequest")));
        Optional<Retry> retry = rn.retry().map(RawJson::tree).filter(r -> !r.isNull())
                .map(r -> retry(c, r, index, at + "/retry"));
        if (rn.sessionPersistence().isPresent()) c.warn(at + "/sessionPersistence", "rule field sessionPersistence is not applied yet");
        return new Rule(index, Optional.ofNullable(Values.orNull(rn.name())), List.copyOf(matches), List.copyOf(filters),
                List.copyOf(refs), timeouts, retry, c.at(at));
    }

    /** One backendRef; an ExtensionRef inside it joins the rule's filters. */
    private static BackendRef backendRef(Checker c, HttpRouteSpec.BackendRef b, String at, int siblings, List<Filter> filters) {
        String name = Values.required(c, at, b.name(), "name");
        if (name == null) return null;
        int weight = b.weight().map(w -> w.tree().asInt(1)).orElse(1);
        if (weight < 0 || weight > 1_000_000) {
            c.fail(at + "/weight", "backendRefs weight " + weight + " is out of range (expected 0 to 1000000)");
        }
        Optional<Integer> port = b.port().map(v -> Values.port(c, at + "/port", v.tree(), "port"));
        for (int i = 0; i < b.filters().size(); i++) {
            HttpRouteSpec.Filter f = b.filters().get(i);
            String fat = at + "/filters/" + i;
            // kgateway's e2e suites attach TrafficPolicies this way; other per-backend filters are refused.
            if (f.type().orElse("").equals("ExtensionRef")) {
                Filter ext = filter(c, f, fat);
                if (ext != null) filters.add(ext);
                if (siblings > 1) c.warn(fat, "an ExtensionRef inside one of several backendRefs applies to the whole rule here");
            } else {
                c.fail(fat, "per-backendRef filters other than ExtensionRef are not supported; put the filter on the rule");
            }
        }
        return new BackendRef(b.group().orElse(""), b.kind().orElse("Service"), b.namespace().orElse(c.resource().namespace()),
                name, port, weight);
    }

    /** GEP-1731 {@code retry: {codes, attempts, backoff}}; null after an error. */
    private static Retry retry(Checker c, JsonNode r, int rule, String at) {
        String where = "rule " + rule + " retry";
        if (!r.isObject()) {
            c.fail(at, where + " must be a mapping with codes, attempts and/or backoff");
            return null;
        }
        r.fieldNames().forEachRemaining(f -> {
            if (!RETRY_FIELDS.contains(f)) {
                c.fail(Values.at(at, f), where + "." + f + " is not a retry field (expected codes, attempts, backoff)");
            }
        });
        List<Integer> codes = new ArrayList<>();
        JsonNode cn = r.get("codes");
        if (cn != null && !cn.isNull()) {
            if (!cn.isArray()) {
                c.fail(at + "/codes", where + ".codes must be a list of HTTP status codes (e.g. [429, 500, 503])");
            } else {
                for (int i = 0; i < cn.size(); i++) {
                    JsonNode code = cn.get(i);
                    String cat = at + "/codes/" + i;
                    if (!code.canConvertToInt() || !code.isIntegralNumber() || code.asInt() < 400 || code.asInt() > 599) {
                        c.fail(cat, where + ".codes: " + code.asText() + " is not an HTTP status from 400 to 599");
                    } else if (codes.contains(code.asInt())) {
                        c.fail(cat, where + ".codes: " + code.asInt() + " is listed twice");
                    } else {
                        codes.add(code.asInt());
                    }
                }
            }
        }
        Optional<Integer> attempts = Optional.empty();
        JsonNode an = r.get("attempts");
        if (an != null && !an.isNull()) {
            if (!an.isIntegralNumber() || !an.canConvertToInt() || an.asInt() < 0 || an.asInt() > 10) {
                c.fail(at + "/attempts", where + ".attempts: " + an.asText() + " is not a number of retries from 0 to 10");
            } else {
                attempts = Optional.of(an.asInt());
            }
        }
        JsonNode bn = r.get("backoff");
        Optional<String> backoffText = bn == null || bn.isNull() ? Optional.empty() : Optional.of(bn.asText());
        Optional<Duration> backoff = Optional.ofNullable(Values.duration(c, at + "/backoff", backoffText, "backoff"));
        if (backoff.isPresent() && backoff.get().compareTo(Duration.ofMinutes(1)) > 0) {
            c.fail(at + "/backoff", where + ".backoff " + backoffText.get()
                    + " is longer than 1m; the client would rather get the error");
        }
        return new Retry(List.copyOf(codes), attempts, backoff);
    }

    private static Match match(Checker c, HttpRouteSpec.Match m, String at) {
        PathMatch path = PathMatch.ROOT;
        if (m.path().isPresent()) {
            HttpRouteSpec.PathMatch p = m.path().get();
            String type = p.type().orElse("PathPrefix");
            String value = p.value().orElse("/");
            switch (type) {
                case "Exact", "PathPrefix" -> {
                    if (!value.startsWith("/")) c.fail(at + "/path/value", "path value " + value + " must start with /");
                    path = new PathMatch(type.equals("Exact") ? PathType.EXACT : PathType.PATH_PREFIX, value, null);
                }
                case "RegularExpression" -> path = new PathMatch(PathType.REGULAR_EXPRESSION, value,
                        Values.regex(c, at + "/path/value", value));
                default -> c.fail(at + "/path/type", "path type " + type
                        + " is not supported (expected Exact, PathPrefix or RegularExpression)");
            }
        }
        List<ValueMatch> headers = valueMatches(c, m.headers(), at + "/headers", true);
        List<ValueMatch> query = valueMatches(c, m.queryParams(), at + "/queryParams", false);
        String method = Values.orNull(m.method());
        if (method != null && !METHODS.contains(method)) c.fail(at + "/method", "method " + method + " is not an HTTP method");
        return new Match(path, headers, query, Optional.ofNullable(method));
    }

    private static List<ValueMatch> valueMatches(Checker c, List<HttpRouteSpec.ValueMatch> list, String at, boolean header) {
        List<ValueMatch> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            HttpRouteSpec.ValueMatch h = list.get(i);
            String hat = at + "/" + i;
            String name = Values.required(c, hat, h.name(), "name");
            String value = Values.required(c, hat, h.value(), "value");
            if (name == null || value == null) continue;
            String type = h.type().orElse("Exact");
            Pattern regex = switch (type) {
                case "Exact" -> null;
                case "RegularExpression" -> Values.regex(c, hat + "/value", value);
                default -> {
                    c.fail(hat + "/type", "match type " + type + " is not supported (expected Exact or RegularExpression)");
                    yield null;
                }
            };
            out.add(new ValueMatch(header ? name.toLowerCase(Locale.ROOT) : name, value, regex));
        }
        return List.copyOf(out);
    }

    private static Filter filter(Checker c, HttpRouteSpec.Filter f, String at) {
        String type = f.type().orElse("");
        return switch (type) {
            case "RequestHeaderModifier" -> new HttpRouteResource.RequestHeaderModifier(headerModifier(f.requestHeaderModifier()));
            case "ResponseHeaderModifier" -> new HttpRouteResource.ResponseHeaderModifier(headerModifier(f.responseHeaderModifier()));
            case "URLRewrite" -> {
                Optional<HttpRouteSpec.PathModifier> path = f.urlRewrite().flatMap(HttpRouteSpec.UrlRewrite::path);
                String pt = path.flatMap(HttpRouteSpec.PathModifier::type).orElse("");
                Optional<String> value = Optional.empty();
                boolean full = false;
                if (pt.equals("ReplaceFullPath")) {
                    value = Optional.of(path.get().replaceFullPath().orElse("/"));
                    full = true;
                } else if (pt.equals("ReplacePrefixMatch")) {
                    value = Optional.of(path.get().replacePrefixMatch().orElse("/"));
                } else if (!pt.isEmpty()) {
                    c.fail(at + "/urlRewrite/path/type", "urlRewrite.path.type " + pt
                            + " (expected ReplaceFullPath or ReplacePrefixMatch)");
                }
                Optional<String> hostname = f.urlRewrite().flatMap(HttpRouteSpec.UrlRewrite::hostname).filter(h -> !h.isEmpty());
                yield new HttpRouteResource.UrlRewrite(hostname, value, full);
            }
            case "ExtensionRef" -> extensionRef(c, f.extensionRef(), at);
            default -> {
                c.fail(at, "filter type " + type + " is not supported "
                        + "(expected RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or ExtensionRef)");
                yield null;
            }
        };
    }

    /** An ExtensionRef to a kgateway TrafficPolicy (RoutePolicy is its older name). */
    private static Filter extensionRef(Checker c, Optional<HttpRouteSpec.ExtensionRef> e, String at) {
        String eat = at + "/extensionRef";
        String kind = Values.required(c, eat, e.map(HttpRouteSpec.ExtensionRef::kind), "kind");
        String name = Values.required(c, eat, e.map(HttpRouteSpec.ExtensionRef::name), "name");
        if (kind == null || name == null) return null;
        String group = e.get().group().orElse("");
        if (!(kind.equals("TrafficPolicy") || kind.equals("RoutePolicy")) || !group.equals(KGATEWAY)) {
            c.fail(at, "extensionRef " + group + "/" + kind + " is not supported (expected a TrafficPolicy of group "
                    + KGATEWAY + ")");
            return null;
        }
        return new ExtensionRef(group, "TrafficPolicy", name);
    }

    private static HeaderModifier headerModifier(Optional<HttpRouteSpec.HeaderFilter> m) {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> add = new LinkedHashMap<>();
        m.ifPresent(h -> {
            h.set().forEach(v -> set.put(v.name(), v.value()));
            h.add().forEach(v -> add.put(v.name(), v.value()));
        });
        return new HeaderModifier(Map.copyOf(set), Map.copyOf(add),
                List.copyOf(m.map(HttpRouteSpec.HeaderFilter::remove).orElse(List.of())));
    }
}

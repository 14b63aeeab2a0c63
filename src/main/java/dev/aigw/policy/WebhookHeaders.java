package dev.aigw.policy;

import dev.aigw.cel.CelExpression;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * agentgateway's {@code webhook.headers}: headers added to a guardrail webhook call, each the value
 * of a CEL expression over the client's request ({@code request.headers["name"]}). An expression
 * that fails or yields null adds no header; a value with a control character is left out (it
 * cannot be a header). Compiled with the policy, once per snapshot (a reload drops the old
 * programs with the old snapshot); evaluation does no I/O.
 */
public final class WebhookHeaders {
    public static final WebhookHeaders NONE = new WebhookHeaders(List.of());

    private record Entry(String name, CelExpression expression) {
    }

    private final List<Entry> entries;

    private WebhookHeaders(List<Entry> entries) {
        this.entries = entries;
    }

    /** @throws IllegalArgumentException naming the header when an expression does not compile */
    public static WebhookHeaders compile(Map<String, String> expressions) {
        if (expressions.isEmpty()) return NONE;
        return new WebhookHeaders(expressions.entrySet().stream().map(e -> {
            try {
                return new Entry(e.getKey(), CelExpression.compile(e.getValue()));
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException("webhook header " + e.getKey() + ": " + x.getMessage(), x);
            }
        }).toList());
    }

    /** The headers to add; {@code headers} reads the client's request headers (case-insensitive). */
    Map<String, String> values(Function<String, String> headers) {
        if (entries.isEmpty()) return Map.of();
        Map<String, Object> vars = Map.of("request", Map.of("headers", new Transformations.HeaderView(headers)));
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            Optional<Object> v = e.expression().eval(vars);
            v.flatMap(Transformations::json).map(j -> j.isTextual() ? j.asText() : j.toString())
                    .filter(s -> s.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f))
                    .ifPresent(s -> out.put(e.name(), s));
        }
        return out;
    }
}

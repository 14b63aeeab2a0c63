package dev.aigw.policy;

import dev.aigw.cel.CelExpression;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * agentgateway's {@code webhook.headers}: headers added to a guardrail webhook call, each the value
 * of a CEL expression over the client's request ({@code request.headers["name"]}). An expression
 * that fails or yields null adds no header; a value with a control character is left out (it
 * cannot be a header). Expressions come from config and were checked when it was read; each is
 * compiled once and shared.
 */
final class WebhookHeaders {
    private static final Map<String, CelExpression> COMPILED = new ConcurrentHashMap<>();

    private WebhookHeaders() {
    }

    static Map<String, String> values(Map<String, String> expressions, Function<String, String> headers) {
        if (expressions.isEmpty()) return Map.of();
        Map<String, Object> vars = Map.of("request", Map.of("headers", new Transformations.HeaderView(headers)));
        Map<String, String> out = new LinkedHashMap<>();
        expressions.forEach((name, source) -> {
            Optional<Object> v = COMPILED.computeIfAbsent(source, CelExpression::compile).eval(vars);
            v.flatMap(Transformations::json).map(j -> j.isTextual() ? j.asText() : j.toString())
                    .filter(s -> s.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f))
                    .ifPresent(s -> out.put(name, s));
        });
        return out;
    }
}

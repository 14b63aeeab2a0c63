package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.cel.CelExpression;
import dev.aigw.cel.CelValues;
import dev.aigw.config.TrafficPolicyResource.FieldExpression;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * agentgateway's {@code backend.ai.transformations} and {@code finalTransformations}: each entry
 * sets one top-level key of the request body to the value of a CEL expression; a {@code null}
 * result, or an expression that fails (a missing field), removes the key. Entries run in order and
 * each sees the body as the previous ones left it.
 *
 * <p>Variables: {@code llmRequest} (the body: the client's for {@code transformations}, the
 * provider's after conversion for {@code finalTransformations}), {@code request.headers} (indexed
 * by name: {@code request.headers["x-team"]}), {@code llm} ({@code requestModel}, {@code streaming},
 * read from the body). Compiled once per snapshot; evaluation does no I/O.
 */
public final class Transformations {
    public static final Transformations NONE = new Transformations(List.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String field, CelExpression expression) {
    }

    private final List<Entry> entries;

    private Transformations(List<Entry> entries) {
        this.entries = entries;
    }

    /** @throws IllegalArgumentException naming the field when an expression does not compile */
    public static Transformations compile(List<FieldExpression> fields) {
        if (fields.isEmpty()) return NONE;
        return new Transformations(fields.stream().map(f -> {
            try {
                return new Entry(f.field(), CelExpression.compile(f.expression()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("transformation of " + f.field() + ": " + e.getMessage(), e);
            }
        }).toList());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<String> fields() {
        return entries.stream().map(Entry::field).toList();
    }

    /** Applies every entry to {@code body} in place; {@code headers} reads the client's request headers. */
    public void apply(ObjectNode body, Function<String, String> headers) {
        if (entries.isEmpty()) return;
        Map<String, Object> request = Map.of("headers", new HeaderView(headers));
        Map<String, Object> llm = new HashMap<>();
        JsonNode model = body.get("model");
        if (model != null && model.isTextual()) llm.put("requestModel", model.asText());
        llm.put("streaming", body.path("stream").asBoolean(false));
        for (Entry e : entries) {
            Map<String, Object> vars = new HashMap<>();
            vars.put("request", request);
            vars.put("llm", llm);
            vars.put("llmRequest", CelValues.normalize(JSON.convertValue(body, LinkedHashMap.class)));
            Optional<JsonNode> value = e.expression().eval(vars).flatMap(Transformations::json);
            if (value.isPresent()) body.set(e.field(), value.get());
            else body.remove(e.field());
        }
    }

    /** {@code request.headers}: looked up by name (case-insensitive) in the client's headers, not copied. */
    static final class HeaderView extends java.util.AbstractMap<String, Object> {
        private final Function<String, String> headers;

        HeaderView(Function<String, String> headers) {
            this.headers = headers;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String k ? headers.apply(k) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            return java.util.Set.of(); // not enumerable: expressions index it by name
        }
    }

    /** A CEL result as JSON; empty for CEL's null (and for values JSON cannot hold). */
    static Optional<JsonNode> json(Object v) {
        Object plain = plain(v);
        return plain == null ? Optional.empty() : Optional.of(JSON.valueToTree(plain));
    }

    private static Object plain(Object v) {
        if (v == null || v.getClass().getSimpleName().equals("NullValue")) return null;
        if (v instanceof com.google.common.primitives.UnsignedLong u) return u.bigIntegerValue();
        if (v instanceof com.google.protobuf.ByteString b) return java.util.Base64.getEncoder().encodeToString(b.toByteArray());
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> {
                Object p = plain(val);
                out.put(String.valueOf(k), p);
            });
            return out;
        }
        if (v instanceof List<?> l) return l.stream().map(Transformations::plain).toList();
        if (v instanceof Number || v instanceof String || v instanceof Boolean) return v;
        return v.toString();
    }
}

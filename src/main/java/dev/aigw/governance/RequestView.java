package dev.aigw.governance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the gate sees of a request, without Vert.x: a header lookup (case-insensitive), the
 * header names for CEL's {@code request.headers}, the request line, and the requested model
 * (null when there is no body or no model).
 */
public record RequestView(String method, String path, String host, String scheme, Function<String, String> header,
                          Iterable<String> headerNames, String sourceAddress, String requestModel, boolean streaming) {

    /** CEL's {@code request}: method, path, host, scheme, headers (lower-case names, first value). */
    Map<String, Object> celRequest() {
        Map<String, Object> h = new LinkedHashMap<>();
        for (String n : headerNames) {
            String k = n.toLowerCase(java.util.Locale.ROOT);
            if (!h.containsKey(k)) {
                String v = header.apply(n);
                if (v != null) h.put(k, v);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("method", method);
        r.put("path", path);
        r.put("host", host == null ? "" : host);
        r.put("scheme", scheme);
        r.put("headers", h);
        return r;
    }
}

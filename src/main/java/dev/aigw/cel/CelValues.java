package dev.aigw.cel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Java values in the shapes CEL's runtime accepts: Long, Double, String, Boolean, Map, List. */
public final class CelValues {
    private CelValues() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T normalize(T v) {
        Object o = v;
        if (o instanceof Integer i) return (T) Long.valueOf(i);
        if (o instanceof Short s) return (T) Long.valueOf(s);
        if (o instanceof Float f) return (T) Double.valueOf(f);
        if (o instanceof java.math.BigDecimal b) return (T) Double.valueOf(b.doubleValue());
        if (o instanceof java.math.BigInteger b) return (T) Long.valueOf(b.longValue());
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> {
                if (k != null && val != null) out.put(k.toString(), normalize(val));
            });
            return (T) out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) if (e != null) out.add(normalize(e));
            return (T) out;
        }
        return v;
    }
}

package dev.aigw.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Optional;

/**
 * The canonical model as readable JSON, for the {@code canonical.json} file of each golden case:
 * records become objects (a record of a sealed interface names its case in {@code "@"}), empty
 * Optionals and empty lists are left out, Jackson trees are kept as they are.
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    static JsonNode of(Object o) {
        if (o == null) {
            return Json.F.nullNode();
        }
        if (o instanceof JsonNode n) {
            return n;
        }
        if (o instanceof Optional<?> opt) {
            return opt.map(CanonicalJson::of).orElse(null);
        }
        if (o instanceof List<?> list) {
            ArrayNode a = Json.arr();
            list.forEach(e -> a.add(of(e)));
            return a;
        }
        if (o instanceof String s) {
            return Json.F.textNode(s);
        }
        if (o instanceof Boolean b) {
            return Json.F.booleanNode(b);
        }
        if (o instanceof Integer || o instanceof Long) {
            return Json.F.numberNode(((Number) o).longValue());
        }
        if (o instanceof Number n) {
            return Json.F.numberNode(n.doubleValue());
        }
        if (o instanceof Enum<?> e) {
            return Json.F.textNode(e.name());
        }
        if (o instanceof Record r) {
            ObjectNode out = Json.obj();
            Class<?> c = r.getClass();
            for (Class<?> i : c.getInterfaces()) {
                if (i.isSealed()) {
                    out.put("@", c.getSimpleName());
                }
            }
            for (RecordComponent rc : c.getRecordComponents()) {
                try {
                    JsonNode v = of(rc.getAccessor().invoke(r));
                    if (v != null && !(v.isArray() && v.isEmpty())) {
                        out.set(rc.getName(), v);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        throw new IllegalArgumentException("not part of the canonical model: " + o.getClass());
    }
}

package dev.aigw.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.function.Function;

/**
 * For records that write out {@code equals} and {@code hashCode} (to keep the first use off an
 * invokedynamic): equal components give equal keys with equal hashes, any one component changed
 * (or null) gives a different key, as a record's own methods would.
 */
public final class RecordEquality {
    private RecordEquality() {
    }

    /** {@code value.apply(type, variant)}: a value of a component's type, variant 0 or 1 (different). */
    public static void check(Class<?> record, java.util.function.BiFunction<Class<?>, Integer, Object> value) throws Exception {
        RecordComponent[] rc = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> ctor = record.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        Function<Object[], Object> make = args -> {
            try {
                return ctor.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
        Object[] base = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) base[i] = value.apply(types[i], 0);
        Object a = make.apply(base.clone());
        Object b = make.apply(base.clone());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(null).isNotEqualTo("other");
        for (int i = 0; i < rc.length; i++) {
            Object[] other = base.clone();
            other[i] = value.apply(types[i], 1);
            assertThat(make.apply(other)).as(rc[i].getName() + " changed").isNotEqualTo(a);
            assertThat(a).as(rc[i].getName() + " changed").isNotEqualTo(make.apply(other));
            if (!types[i].isPrimitive()) {
                Object[] nul = base.clone();
                nul[i] = null;
                Object n = make.apply(nul);
                assertThat(n).as(rc[i].getName() + " null").isNotEqualTo(a).isEqualTo(make.apply(nul.clone()))
                        .hasSameHashCodeAs(make.apply(nul.clone()));
                assertThat(a).isNotEqualTo(n);
            }
        }
    }

    /** Strings "a"/"b", ints 1/2. */
    public static Object simple(Class<?> type, int variant) {
        if (type == String.class) return variant == 0 ? "a" : "b";
        if (type == int.class) return variant == 0 ? 1 : 2;
        throw new IllegalArgumentException("no test value for " + type);
    }
}

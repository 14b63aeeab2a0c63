package dev.aigw.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * JDK work that the first config read would otherwise do on the start-up's critical path, done
 * on a thread of its own from main's first line (beside {@link JacksonInit}); whichever thread
 * needs a piece first waits for this one (a class is initialised once, a proxy class made once).
 *
 * <ul>
 * <li>{@code java.math.BigDecimal}'s class init: JDK 25's computes 5^(2^16) by repeated
 * squaring (the {@code FIVE_TO_2_TO} table of {@code stripTrailingZeros}), 40-100 ms on a cold
 * JVM, and every Jackson parser needs the class (the static constants of
 * {@code ParserMinimalBase}): the first read's YAML parser waited for it.</li>
 * <li>The proxy classes of the annotations that Jackson reads while it builds the config records'
 * deserializers, and Netty when it sets up a channel's handlers: the JDK makes one class per
 * annotation type the first time an annotation of that type is read (with the ClassFile API,
 * interpreted: a few ms each). {@code Proxy.newProxyInstance} with the annotation's own class
 * loader and interface is what {@code sun.reflect.annotation.AnnotationParser} calls, so the
 * class made here is the one it takes from the JDK's cache.</li>
 * </ul>
 */
final class EarlyInit {
    /** The annotation types whose proxy classes a start makes (seen in {@code -Xlog:class+load} as {@code $ProxyN}). */
    static final List<Class<?>> ANNOTATIONS = List.of(
            java.lang.annotation.Retention.class, java.lang.annotation.Target.class,
            java.lang.annotation.Inherited.class, Deprecated.class,
            com.fasterxml.jackson.annotation.JacksonAnnotation.class,
            com.fasterxml.jackson.databind.annotation.JacksonStdImpl.class,
            com.fasterxml.jackson.annotation.JsonCreator.class, com.fasterxml.jackson.annotation.JsonProperty.class,
            com.fasterxml.jackson.annotation.JsonValue.class,
            io.netty.channel.ChannelHandler.Sharable.class);

    static final String NETTY_SKIP = "io.netty.channel.ChannelHandlerMask$Skip";

    private static final InvocationHandler NONE = (proxy, method, args) -> null;

    private EarlyInit() {
    }

    static void start() {
        Thread t = new Thread(EarlyInit::run, "early-init");
        t.setDaemon(true);
        t.start();
    }

    static void run() {
        try {
            Class.forName("java.math.BigDecimal", true, null);
            for (Class<?> a : ANNOTATIONS) proxyClass(a);
            // Netty's own, package-private: ChannelHandlerMask reads it off every handler method it checks
            proxyClass(Class.forName(NETTY_SKIP, false, EarlyInit.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError | RuntimeException ignored) {
            // the thread that needs it next does it itself, and reports what fails
        }
    }

    /** The class of an annotation proxy of type {@code a}, made now if it was not yet. */
    static Class<?> proxyClass(Class<?> a) {
        return Proxy.newProxyInstance(a.getClassLoader(), new Class<?>[]{a}, NONE).getClass();
    }
}

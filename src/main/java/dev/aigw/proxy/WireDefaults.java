package dev.aigw.proxy;

import java.util.Map;

/**
 * JVM-wide settings of Netty and Vert.x that the data path wants, set as system properties before
 * either library initialises: {@link #apply} is the first thing {@code Main} and
 * {@code GatewayApp.start} do, and the tests' launcher session does it too, so the launcher, the
 * image, embedders and the tests all run with them. A property already set (a {@code -D} flag)
 * is left as it is. Why each one, with what it bought: docs/benchmarks.md, "System properties".
 */
public final class WireDefaults {
    /**
     * Netty 4.2 turns its use of {@code sun.misc.Unsafe} off by default on Java 25 and later
     * (JEP 471 deprecates its memory access), and then reaches every direct buffer through a
     * {@code ByteBuffer}, with a bounds check and a memory-session check per byte written: headers
     * are encoded one {@code setByte} at a time. With Unsafe, as on Java 21–24, they are plain
     * stores. Where a JDK denies Unsafe's memory access, Netty finds out at start and falls back.
     */
    static final Map<String, String> DEFAULTS = Map.of("io.netty.noUnsafe", "false");

    private WireDefaults() {
    }

    /** Sets every default that is not already set. Idempotent; effective only before Netty and Vert.x load. */
    public static void apply() {
        DEFAULTS.forEach((k, v) -> {
            if (System.getProperty(k) == null) System.setProperty(k, v);
        });
    }
}

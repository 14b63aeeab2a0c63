package dev.aigw.proxy;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The data path's JVM-wide settings are in force where the gateway runs (here: the test JVM, as Main does it). */
class WireDefaultsTest {
    @Test
    void nettyWritesBuffersWithUnsafeEvenOnJava25() {
        // Set before Netty initialised (the tests' launcher session applies WireDefaults first, as Main does);
        // without it Netty 4.2 reaches direct buffers byte by byte through ByteBuffer on Java 25+.
        assertThat(System.getProperty("io.netty.noUnsafe")).isEqualTo("false");
        assertThat(PlatformDependent.hasUnsafe()).as("Netty's Unsafe: %s", PlatformDependent.getUnsafeUnavailabilityCause())
                .isTrue();
    }

    @Test
    void aPropertySetByTheOperatorIsLeftAlone() {
        String key = WireDefaults.DEFAULTS.keySet().iterator().next();
        String before = System.getProperty(key);
        try {
            System.setProperty(key, "operator's choice");
            WireDefaults.apply();
            assertThat(System.getProperty(key)).isEqualTo("operator's choice");
        } finally {
            System.setProperty(key, before);
        }
    }
}

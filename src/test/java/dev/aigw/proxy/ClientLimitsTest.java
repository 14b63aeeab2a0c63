package dev.aigw.proxy;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The default client connection limit follows the process's open-file limit, read without the management MXBean. */
class ClientLimitsTest {
    @Test
    void theOpenFileLimitIsTheOneTheJvmReports() {
        assumeTrue(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean);
        long jvm = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        long read = ProxyOptions.ClientLimits.openFileLimit();
        // The MXBean reports "unlimited" as RLIM_INFINITY; anything above the 10,000 cap decides the same.
        if (jvm > 1_000_000_000L) assertThat(read).isGreaterThan(1_000_000_000L);
        else assertThat(read).isEqualTo(jvm);
    }
}
